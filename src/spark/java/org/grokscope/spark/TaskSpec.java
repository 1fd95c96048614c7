package org.grokscope.spark;

import java.io.Serializable;

/**
 * One run as a Spark task receives it: its id and its resolved config as JSON (the task rebuilds the typed config with
 * the same loader, so the run is the one the driver expanded), how it executes, and where its directory lives.
 *
 * @param threads engine threads (spark.task.cpus); results do not depend on them
 * @param shared the sweep's shared storage, a URI every executor reaches; the run's directory is {@code runs/ID} under
 *     it
 * @param continues the id of the run whose directory this one starts from (a search confirming a stopped run), or null
 */
record TaskSpec(
        String id,
        String configJson,
        int threads,
        double flushSeconds,
        double checkpointSeconds,
        String shared,
        String continues)
        implements Serializable {
    private static final long serialVersionUID = 1L;
}
