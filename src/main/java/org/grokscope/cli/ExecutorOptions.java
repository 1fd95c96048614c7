package org.grokscope.cli;

import java.util.List;
import org.grokscope.engine.Parallel;
import org.grokscope.config.ConfigException;
import org.grokscope.sweep.SweepConfig;
import org.grokscope.sweep.SweepRunner;
import picocli.CommandLine.Option;

/** How many runs at a time and how many engine threads each: shared by sweep and cds. */
public final class ExecutorOptions {
    @Option(names = "--workers", paramLabel = "N", description = "runs at a time (default: one per core for small models, else 1)")
    Integer workers;

    @Option(names = "--threads-per-run", paramLabel = "N", description = "engine threads per run (default: cores / workers)")
    Integer threadsPerRun;

    /** {workers, threads per run}, at most {@code maxWorkers} workers. */
    int[] resolve(List<SweepConfig.Point> points, int maxWorkers) throws ConfigException {
        if (workers != null && workers < 1) throw new ConfigException("--workers: must be >= 1, got " + workers);
        if (threadsPerRun != null && threadsPerRun < 1) throw new ConfigException("--threads-per-run: must be >= 1, got " + threadsPerRun);
        int cores = Parallel.availableCores();
        int w = Math.min(maxWorkers, workers != null ? workers : SweepRunner.defaultWorkers(points, cores)[0]);
        return new int[] {w, threadsPerRun != null ? Math.min(threadsPerRun, cores) : Math.max(1, cores / w)};
    }
}
