package org.grokscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigException;
import org.grokscope.config.Json;
import org.grokscope.report.LearningCurves;
import org.grokscope.run.RunDirectory;
import org.grokscope.run.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "plot",
        mixinStandardHelpOptions = true,
        description = "Draw a run's learning curves (accuracy and loss against step) as a PNG.")
public final class PlotCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN_DIR")
    Path dir;

    @Option(names = "--out", paramLabel = "FILE", description = "PNG to write (default: RUN_DIR/learning-curves.png)")
    Path out;

    @Option(names = "--title", description = "chart title (default: the run's name)")
    String title;

    @Override
    public Integer call() throws Exception {
        Path metrics = dir.resolve(RunDirectory.METRICS);
        if (!Files.exists(metrics))
            throw new ConfigException(dir + ": no " + RunDirectory.METRICS + " (is this a run directory?)");
        RunSummary s = null;
        String name = dir.getFileName().toString();
        Path sj = dir.resolve(RunDirectory.SUMMARY);
        if (Files.exists(sj)) {
            s = Json.MAPPER.readValue(sj.toFile(), RunSummary.class);
            name = s.name();
        } else {
            JsonNode c = Json.MAPPER.readTree(dir.resolve(RunDirectory.CONFIG).toFile());
            if (c.has("name")) name = c.get("name").asText();
        }
        Path png = out != null ? out : dir.resolve("learning-curves.png");
        LearningCurves.write(metrics, s, title != null ? title : name, png);
        System.out.println(png);
        return 0;
    }
}
