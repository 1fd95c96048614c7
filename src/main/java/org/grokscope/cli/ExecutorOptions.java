package org.grokscope.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grokscope.config.ConfigException;
import org.grokscope.engine.Parallel;
import org.grokscope.sweep.RunExecutor;
import org.grokscope.sweep.SweepConfig;
import org.grokscope.sweep.SweepRunner;
import picocli.CommandLine.Option;

/** Where runs execute, how many at a time and how many engine threads each: shared by sweep and cds. */
public final class ExecutorOptions {
    @Option(
            names = "--executor",
            paramLabel = "NAME",
            description =
                    "local (this machine's threads, the default) or spark (one Spark task per run; built with mvn -Pspark)")
    String executorName;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description =
                    "with --executor spark: Spark's master, e.g. local[2] (embedded), spark://HOST:7077, yarn; spark-submit sets it")
    String master;

    @Option(
            names = "--shared",
            paramLabel = "URI",
            description =
                    "with --executor spark: where the tasks write run directories, reachable from every executor "
                            + "(a shared file system path, hdfs://..., s3a://...); default: the --out directory, which must then be on a shared file system")
    String shared;

    @Option(
            names = "--spark-conf",
            paramLabel = "KEY=VALUE",
            description =
                    "with --executor spark: a Spark setting (e.g. spark.task.cpus=2: engine threads per run); repeatable")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    @Option(
            names = "--checkpoint-every",
            paramLabel = "SECONDS",
            description =
                    "each run writes its checkpoint this often (default ${DEFAULT-VALUE}): what a killed run resumes from")
    double checkpointSeconds = 60;

    /** The executor the options name (the caller closes it). */
    RunExecutor executor() throws ConfigException {
        if (!(checkpointSeconds > 0 && Double.isFinite(checkpointSeconds)))
            throw new ConfigException("--checkpoint-every: must be a number of seconds > 0, got " + checkpointSeconds);
        Map<String, String> o = new LinkedHashMap<>();
        if (master != null) o.put("master", master);
        if (shared != null) o.put("shared", shared);
        for (Map.Entry<String, String> e : sparkConf.entrySet()) o.put("spark-conf:" + e.getKey(), e.getValue());
        if ((executorName == null || executorName.equals("local")) && !o.isEmpty())
            throw new ConfigException((master != null ? "--master" : shared != null ? "--shared" : "--spark-conf")
                    + ": only with --executor spark");
        return RunExecutor.named(executorName, o);
    }

    /**
     * Whether the runs go to a cluster (then --workers and --threads-per-run do not apply: Spark's cores and
     * spark.task.cpus do).
     */
    boolean onCluster() {
        return executorName != null && !executorName.equals("local");
    }

    @Option(
            names = "--workers",
            paramLabel = "N",
            description = "runs at a time (default: one per core for small models, else 1)")
    Integer workers;

    @Option(
            names = "--threads-per-run",
            paramLabel = "N",
            description = "engine threads per run (default: cores / workers)")
    Integer threadsPerRun;

    /** {workers, threads per run}, at most {@code maxWorkers} workers. */
    int[] resolve(List<SweepConfig.Point> points, int maxWorkers) throws ConfigException {
        if (onCluster() && (workers != null || threadsPerRun != null))
            throw new ConfigException(
                    (workers != null ? "--workers" : "--threads-per-run") + ": not with --executor " + executorName
                            + ": the cluster's cores set how many runs go at a time, and --spark-conf spark.task.cpus=N the threads of each");
        if (workers != null && workers < 1) throw new ConfigException("--workers: must be >= 1, got " + workers);
        if (threadsPerRun != null && threadsPerRun < 1)
            throw new ConfigException("--threads-per-run: must be >= 1, got " + threadsPerRun);
        int cores = Parallel.availableCores();
        int w = Math.min(maxWorkers, workers != null ? workers : SweepRunner.defaultWorkers(points, cores)[0]);
        return new int[] {w, threadsPerRun != null ? Math.min(threadsPerRun, cores) : Math.max(1, cores / w)};
    }
}
