package org.grokscope.run;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * progress.json: where a run stands, for whoever watches it (the dashboard, a sweep's table), rewritten with every
 * append to metrics.csv, whose rows it describes.
 *
 * @param status "running" while it trains, else how it ended (a {@link org.grokscope.train.Trainer.Status} key)
 * @param pid the writer's process id, and {@code host} its machine: a watcher on the same machine asks whether that
 *     process lives, one elsewhere goes by {@code updated}
 * @param updated when this was written (ISO-8601)
 * @param step the step of the latest evaluation written
 * @param steps the run's budget
 * @param evaluations rows in metrics.csv
 * @param stepsPerS training speed since this process started (two decimals)
 * @param etaS seconds left at that speed, null once the run has ended
 * @param memorizationStep the first evaluation at the memorization threshold, or null
 * @param generalizationStep the first evaluation at the generalization threshold, or null
 * @param advisor the advisor's record so far, null without probes
 */
@JsonPropertyOrder({
    "status",
    "pid",
    "host",
    "updated",
    "step",
    "steps",
    "evaluations",
    "steps_per_s",
    "eta_s",
    "memorization_step",
    "generalization_step",
    "advisor"
})
public record RunProgress(
        String status,
        long pid,
        String host,
        String updated,
        int step,
        int steps,
        int evaluations,
        double stepsPerS,
        Long etaS,
        Integer memorizationStep,
        Integer generalizationStep,
        Map<String, Object> advisor) {
    /** The status a run's progress.json has while it trains. */
    public static final String RUNNING = "running";

    /** Whether a progress.json (read as a tree) says its run is training; any other status is a final one. */
    public static boolean running(com.fasterxml.jackson.databind.JsonNode progress) {
        return RUNNING.equals(progress.path("status").asText());
    }
}
