package org.grokscope.cli;

import org.grokscope.config.ConfigException;
import org.grokscope.config.RunConfig;
import org.grokscope.engine.Parallel;
import org.grokscope.run.Experiment;
import picocli.CommandLine.Option;

/**
 * {@code --threads N} for the commands that train one model (train, demo, kernel): the engine's threads, 0 for every
 * core, by default the config's {@code training.threads}; a negative count is refused by name before anything runs.
 */
public final class ThreadsOption {
    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "worker threads (default: training.threads, 0 = all cores)")
    Integer threads;

    /** The count as given, checked; null when the option is absent. */
    Integer given() throws ConfigException {
        return check(threads);
    }

    /**
     * The threads a run of {@code cfg} uses: this option, else the config's, 0 meaning every core, at most the cores
     * there are.
     */
    int resolve(RunConfig cfg) throws ConfigException {
        return Experiment.resolveThreads(cfg, given());
    }

    /** {@code --threads} checked: null or a count of at least 0 (0: every core). */
    static Integer check(Integer threads) throws ConfigException {
        if (threads != null && threads < 0)
            throw new ConfigException("--threads: must be >= 0 (0 = all cores), got " + threads);
        return threads;
    }

    /** {@code --threads} for a command without a config: every core when absent or 0. */
    static int orAllCores(Integer threads) throws ConfigException {
        Integer t = check(threads);
        return t == null || t == 0 ? Parallel.availableCores() : t;
    }
}
