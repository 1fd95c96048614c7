package org.grokscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.config.RunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "presets", mixinStandardHelpOptions = true, description = "List the bundled run configurations.")
public final class PresetsCommand implements Callable<Integer> {
    @Option(names = "--show", paramLabel = "NAME", description = "print one preset's full resolved configuration")
    String show;

    @Override
    public Integer call() throws Exception {
        if (show != null) {
            if (names("presets").contains(show) || !names("sweeps").contains(show)) {
                System.out.print(ConfigLoader.toJson(ConfigLoader.load(ConfigLoader.Source.preset(show), List.of())));
            } else { // a sweep preset: its definition as the sweep records it, then its first run's resolved config
                var b = ConfigLoader.bind(
                        ConfigLoader.Source.resource("sweeps", show), org.grokscope.sweep.SweepConfig.class);
                var points = org.grokscope.sweep.SweepConfig.expand(b, null);
                System.out.println("# sweep preset " + show + ": " + points.size() + " runs (grokscope sweep --preset "
                        + show + " --out DIR)");
                System.out.println(Json.MAPPER.writeValueAsString(b.value()));
                if (!points.isEmpty()) {
                    System.out.println("# its first run, " + points.get(0).id() + ", resolved:");
                    System.out.print(ConfigLoader.toJson(points.get(0).config()));
                }
            }
            return 0;
        }
        System.out.println("runs (grokscope train --preset NAME):");
        for (String name : names("presets")) {
            RunConfig c = ConfigLoader.load(ConfigLoader.Source.preset(name), List.of());
            System.out.printf("  %-18s %s%n", name, c.description());
        }
        System.out.println("sweeps (grokscope sweep --preset NAME --out DIR):");
        for (String name : names("sweeps")) {
            var b = ConfigLoader.bind(
                    ConfigLoader.Source.resource("sweeps", name), org.grokscope.sweep.SweepConfig.class);
            int n = org.grokscope.sweep.SweepConfig.expand(b, null).size();
            String text = ConfigLoader.Source.resource("sweeps", name).text();
            String comment = String.join(
                    " ",
                    text.lines()
                            .takeWhile(l -> l.startsWith("#"))
                            .map(l -> l.substring(1).trim())
                            .toList());
            int dot = firstSentenceEnd(comment);
            String first = dot > 0 ? comment.substring(0, dot + 1) : comment;
            System.out.printf("  %-18s %d runs. %s%n", name, n, first);
        }
        return 0;
    }

    /** The end of the first sentence: ". " not after an abbreviation such as "et al." or "e.g.". */
    static int firstSentenceEnd(String s) {
        for (int i = s.indexOf(". "); i > 0; i = s.indexOf(". ", i + 1)) {
            String before = s.substring(Math.max(0, i - 5), i);
            if (!before.endsWith(" al") && !before.endsWith("e.g") && !before.endsWith("i.e") && !before.endsWith("vs"))
                return i;
        }
        return -1;
    }

    static List<String> names(String folder) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream in = PresetsCommand.class.getResourceAsStream("/" + folder + "/index.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                if (!line.isBlank()) out.add(line.trim());
        }
        return out;
    }
}
