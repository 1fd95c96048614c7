package org.grokscope.sweep;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.grokscope.config.ConfigException;

/**
 * Where a sweep's runs execute: threads of this process ({@link LocalExecutor}, the default) or tasks of a cluster (the
 * Spark executor, built with {@code mvn -Pspark}). The sweep (SweepRunner) owns the store and decides what runs; an
 * executor only runs it, and reports each run's start and end to the {@link Ledger} in the process that owns the store,
 * so sweep.db has one writer wherever the runs are.
 */
public interface RunExecutor extends AutoCloseable {
    /**
     * Runs {@code pending} (points not finished yet; a run directory holding a checkpoint of the same config resumes)
     * into {@code dir}/runs/ID. Returns when all have ended, or early when the sweep is asked to stop (Ctrl-C) or a run
     * ends interrupted: runs started and not finished then stay for the next invocation.
     */
    void execute(List<SweepConfig.Point> pending, Path dir, SweepRunner.Execution x, Ledger ledger, PrintStream out)
            throws Exception;

    /** How it will run them, for the sweep's first line: "2 at a time, 1 thread each". */
    String describe(SweepRunner.Execution x);

    /**
     * Lets go of what the executor holds (a Spark context); a search calls {@link #execute} once per probe before this.
     */
    @Override
    default void close() {}

    /** What the executor tells the sweep; called from any thread, never two at once for the same run. */
    interface Ledger {
        void started(String id) throws SQLException;

        void finished(RunOutcome outcome) throws SQLException;

        /** A progress line every few seconds; {@code live} says what the running runs last reported, if known. */
        void progress(int running, List<String> live);
    }

    /** An executor found on the class path by name (the {@code --executor} option). */
    interface Factory {
        String name();

        /**
         * @param options {@code --master}, {@code --shared} and the like, by name without dashes; absent when not given
         */
        RunExecutor create(Map<String, String> options) throws ConfigException;
    }

    /**
     * The executor named {@code name}, made with {@code options}; "local" is always there, others come with their
     * module.
     */
    static RunExecutor named(String name, Map<String, String> options) throws ConfigException {
        if (name == null || name.equals("local"))
            return new LocalExecutor(); // the command line refuses cluster options here
        for (Factory f : ServiceLoader.load(Factory.class)) if (f.name().equals(name)) return f.create(options);
        if (name.equals("spark"))
            throw new ConfigException(
                    "--executor spark: this grokscope has no Spark executor, or Spark is not on its class path: build it with "
                            + "'mvn -Pspark package' (bin/grokscope then adds target/spark-lib), or start it with spark-submit (README: sweeps on a cluster)");
        throw new ConfigException("--executor: unknown executor '" + name + "' (local, spark)");
    }
}
