package org.grokscope.sweep;

import java.io.Serializable;
import java.util.List;

/**
 * What one run of a sweep produced: everything the store records of it. An executor hands it to the process that owns
 * the store (a Spark task returns it to the driver), so it holds text only and is serializable.
 *
 * @param status completed (ran to its budget or stopped by a rule), failed (diverged, or refused by its config) or
 *     interrupted (asked to stop; resumes on the next invocation)
 * @param error why a failed run failed, else null
 * @param summaryJson the run's summary.json, null when it failed before training
 * @param evalRows its evaluations as metrics.csv writes them (kept rows of a resumed run included), null when none
 * @param cells its probe cells, as metrics.csv writes them
 */
public record RunOutcome(
        String id,
        SweepStore.Status status,
        String error,
        String summaryJson,
        List<String> evalRows,
        List<SweepStore.ProbeCell> cells)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public RunOutcome {
        evalRows = evalRows == null ? null : List.copyOf(evalRows);
        cells = List.copyOf(cells);
    }

    public static RunOutcome failed(String id, String error) {
        return new RunOutcome(id, SweepStore.Status.FAILED, error, null, null, List.of());
    }
}
