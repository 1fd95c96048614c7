package org.grokscope.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.grokscope.config.Json;
import org.grokscope.run.RunDirectory;

/**
 * What the dashboard shows of one run directory, read from its files as the run writes them: status (from summary.json
 * when it ended, else progress.json and whether its writer still lives), the curves (metrics.csv), config, provenance,
 * the advisor's record and the milestone checkpoints.
 */
final class RunView {
    /** A run whose writer is on another machine (shared storage) counts as running while it wrote this recently. */
    static final Duration STALE = Duration.ofMinutes(3);

    private RunView() {}

    /**
     * {@code dir/name} as JSON; null if absent, a link out of {@code dir}, being replaced, or damaged (the next poll
     * reads it again).
     */
    static JsonNode readJson(Path dir, String name) {
        Path file = Catalog.inside(dir, name);
        try {
            return file == null ? null : Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            return null;
        }
    }

    /** The line of the home page and of a sweep's run table. */
    static ObjectNode status(Path dir) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        JsonNode cfg = readJson(dir, RunDirectory.CONFIG),
                summary = readJson(dir, RunDirectory.SUMMARY),
                progress = readJson(dir, RunDirectory.PROGRESS);
        o.put(
                "name",
                cfg == null ? dir.getFileName().toString() : cfg.path("name").asText(""));
        int steps = cfg == null ? 0 : cfg.path("training").path("steps").asInt();
        o.put("steps", steps);
        if (summary != null) {
            o.put("status", summary.path("status").asText("unknown"));
            o.put("step", summary.path("steps").asInt());
            o.set("phase", summary.get("phase"));
            o.set("memorization_step", summary.get("memorization_step"));
            o.set("generalization_step", summary.get("generalization_step"));
            o.set("final_test_acc", summary.get("final_test_acc"));
            o.set("final_train_acc", summary.get("final_train_acc"));
            o.set("advisor", summary.path("probes").path("advisor").path("state"));
            o.set("wall_seconds", summary.get("wall_seconds"));
        } else if (progress != null) {
            o.put("status", (live(progress) ? Shown.RUNNING : Shown.STOPPED).key());
            o.put("step", progress.path("step").asInt());
            o.set("eta_s", progress.get("eta_s"));
            o.set("steps_per_s", progress.get("steps_per_s"));
            o.set("memorization_step", progress.get("memorization_step"));
            o.set("generalization_step", progress.get("generalization_step"));
            o.set("advisor", progress.path("advisor").path("state"));
            o.set("updated", progress.get("updated"));
        } else {
            o.put("status", Shown.UNKNOWN.key());
        }
        if (o.get("advisor") != null && o.get("advisor").isMissingNode()) o.remove("advisor");
        o.put("fraction", steps > 0 ? Math.min(1.0, o.path("step").asDouble() / steps) : 0);
        return o;
    }

    /** progress.json says running: its writer lives (this machine), or wrote recently (another machine's writer). */
    static boolean live(JsonNode progress) {
        if (!org.grokscope.run.RunProgress.running(progress)) return false;
        if (progress.path("host").asText().equals(RunDirectory.HOST)) {
            long pid = progress.path("pid").asLong(-1);
            return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        try {
            return Duration.between(Instant.parse(progress.path("updated").asText()), Instant.now())
                            .compareTo(STALE)
                    < 0;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /** Everything the run page draws and lists. */
    static ObjectNode snapshot(Path dir, MetricsTable metrics) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("status", status(dir));
        o.set("config", readJson(dir, RunDirectory.CONFIG));
        o.set("provenance", readJson(dir, RunDirectory.PROVENANCE));
        o.set("summary", readJson(dir, RunDirectory.SUMMARY));
        o.set("progress", readJson(dir, RunDirectory.PROGRESS));
        o.set("data", readJson(dir, "data.json"));
        o.set("metrics", metrics.json(0));
        ArrayNode files = o.putArray("files");
        ArrayNode ck = o.putArray("checkpoints");
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && Catalog.inside(dir, n) != null)
                    .sorted()
                    .forEach(files::add);
        } catch (IOException e) {
            // listing is a convenience
        }
        Path m = dir.resolve(RunDirectory.MILESTONES);
        if (Files.isDirectory(m)) {
            try (Stream<Path> s = Files.list(m)) {
                s.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".safetensors"))
                        .sorted()
                        .forEach(ck::add);
            } catch (IOException e) {
                // as above
            }
        }
        return o;
    }
}
