package org.grokscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.RunConfig;
import org.grokscope.sweep.SweepConfig;
import picocli.CommandLine.Option;

/** The base run of a command: exactly one of --preset or --config (use in an exclusive, required @ArgGroup). */
final class RunSource {
    @Option(
            names = "--preset",
            paramLabel = "NAME",
            description = "a bundled run configuration (see 'grokscope presets')")
    String preset;

    @Option(names = "--config", paramLabel = "FILE", description = "a YAML or JSON run configuration")
    Path config;

    ConfigLoader.Source toSource() throws ConfigException {
        return preset != null ? ConfigLoader.Source.preset(preset) : ConfigLoader.Source.file(config);
    }

    /**
     * The run config with {@code overrides} applied. For a search over the training-set size, {@code sweepPresets} also
     * accepts a sweep preset: its base run and its fixed settings, then the overrides; its size axis is what the search
     * replaces, and any other axis is refused (the search has one base run).
     */
    RunConfig load(List<String> overrides, boolean sweepPresets) throws ConfigException {
        if (preset == null
                || !sweepPresets
                || RunSource.class.getResource("/presets/" + preset + ".yaml") != null
                || RunSource.class.getResource("/sweeps/" + preset + ".yaml") == null)
            return ConfigLoader.load(toSource(), overrides);
        ConfigLoader.Bound<SweepConfig> b =
                ConfigLoader.bind(ConfigLoader.Source.resource("sweeps", preset), SweepConfig.class);
        SweepConfig s = b.value();
        for (String axis : s.axes().keySet())
            if (!axis.equals("task.train_count") && !axis.equals("task.train_fraction"))
                throw new ConfigException(
                        "sweep preset " + preset + " also sweeps " + axis + "; a search has one base run: use --preset "
                                + (s.base().preset() != null ? s.base().preset() : "<its base>") + " with --set " + axis
                                + "=VALUE");
        if (s.base() == null || s.base().preset() == null)
            throw new ConfigException("sweep preset " + preset + " has no base preset");
        List<String> sets = new ArrayList<>(s.set());
        sets.addAll(overrides);
        return ConfigLoader.load(ConfigLoader.Source.preset(s.base().preset()), sets);
    }
}
