package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.grokscope.config.Json;
import org.grokscope.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real signal to a real JVM: SIGTERM (what Ctrl-C's SIGINT also triggers: the shutdown hook) in the middle of
 * training leaves a consistent run directory, which --resume finishes bit for bit.
 */
class SignalTest {
    @TempDir
    Path tmp;

    static final String CFG = """
            name: signal
            task: {op: add, p: 59, train_fraction: 0.4}
            model: {kind: mlp, embed_dim: 64, hidden: 256}
            optimizer: {lr: 3.0e-3}
            training: {steps: 1500, eval_every: 20}
            """;

    @Test
    void terminatedRunIsConsistentAndResumable() throws Exception {
        Path cfg = tmp.resolve("signal.yaml"), dir = tmp.resolve("run");
        Files.writeString(cfg, CFG);
        Process p = Subprocess.grokscope(
                tmp.resolve("log.txt"), "train", "--config", cfg.toString(), "--out", dir.toString(), "--threads", "1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(dir.resolve(RunDirectory.METRICS)) && System.nanoTime() < deadline) Thread.sleep(50);
        Thread.sleep(700);
        assertThat(p.isAlive())
                .as("still training when signalled; log:\n" + Files.readString(tmp.resolve("log.txt")))
                .isTrue();
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        JsonNode s = Json.MAPPER.readTree(dir.resolve(RunDirectory.SUMMARY).toFile());
        assertThat(s.get("status").asText()).isEqualTo("interrupted");
        int stoppedAt = s.get("steps").asInt();
        assertThat(stoppedAt).isBetween(0, 1499);
        List<String> rows = Files.readAllLines(dir.resolve(RunDirectory.METRICS));
        assertThat(rows.get(0)).startsWith("step,");
        int columns = rows.get(0).split(",", -1).length;
        assertThat(columns).isGreaterThan(10); // probe columns follow the ten base columns
        for (String r : rows.subList(1, rows.size()))
            assertThat(r.split(",", -1)).hasSize(columns);
        assertThat(Integer.parseInt(rows.get(rows.size() - 1).split(",")[0])).isLessThanOrEqualTo(stoppedAt);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())
                            .filter(n -> n.endsWith(".tmp"))
                            .toList())
                    .isEmpty();
        }

        int code = Main.execute("train", "--resume", dir.toString(), "--threads", "2", "--quiet");
        assertThat(code).isEqualTo(0);
        int ref = Main.execute(
                "train",
                "--config",
                cfg.toString(),
                "--out",
                tmp.resolve("ref").toString(),
                "--threads",
                "2",
                "--quiet");
        assertThat(ref).isEqualTo(0);
        assertThat(Files.readString(dir.resolve(RunDirectory.METRICS)))
                .isEqualTo(Files.readString(tmp.resolve("ref").resolve(RunDirectory.METRICS)));
        assertThat(Json.MAPPER
                        .readTree(dir.resolve(RunDirectory.SUMMARY).toFile())
                        .get("status")
                        .asText())
                .isEqualTo("completed");
    }
}
