package org.grokscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.grokscope.experiment.ConfigLoader;
import org.grokscope.experiment.RunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "presets", description = "List the bundled run configurations.")
public final class PresetsCommand implements Callable<Integer> {
    @Option(names = "--show", paramLabel = "NAME", description = "print one preset's full resolved configuration")
    String show;

    @Override
    public Integer call() throws Exception {
        if (show != null) {
            System.out.print(ConfigLoader.toJson(ConfigLoader.load(ConfigLoader.Source.preset(show), List.of())));
            return 0;
        }
        for (String name : names()) {
            RunConfig c = ConfigLoader.load(ConfigLoader.Source.preset(name), List.of());
            System.out.printf("%-18s %s%n", name, c.description());
        }
        return 0;
    }

    static List<String> names() throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream in = PresetsCommand.class.getResourceAsStream("/presets/index.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) if (!line.isBlank()) out.add(line.trim());
        }
        return out;
    }
}
