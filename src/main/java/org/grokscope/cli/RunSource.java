package org.grokscope.cli;

import java.nio.file.Path;
import org.grokscope.experiment.ConfigLoader;
import picocli.CommandLine.Option;

/** The base run of a command: exactly one of --preset or --config (use in an exclusive, required @ArgGroup). */
final class RunSource {
    @Option(names = "--preset", paramLabel = "NAME", description = "a bundled run configuration (see 'grokscope presets')")
    String preset;
    @Option(names = "--config", paramLabel = "FILE", description = "a YAML or JSON run configuration")
    Path config;

    ConfigLoader.Source toSource() throws org.grokscope.experiment.ConfigException {
        return preset != null ? ConfigLoader.Source.preset(preset) : ConfigLoader.Source.file(config);
    }
}
