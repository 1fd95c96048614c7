package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.grokscope.config.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCommandTest {
    @TempDir
    Path tmp;

    @Test
    void kernelBaselineInterpolatesButCannotGeneralizeModularAddition() throws Exception {
        Path cfg = tmp.resolve("k.yaml"), out = tmp.resolve("k.json");
        Files.writeString(cfg, """
                name: kern
                task: {op: add, p: 23}
                model: {kind: mlp, embed_dim: 16, hidden: 64}
                """);
        int code = Main.execute(
                "kernel",
                "--config",
                cfg.toString(),
                "--fractions",
                "0.2,0.5",
                "--out",
                out.toString(),
                "--threads",
                "2");
        assertThat(code).isZero();
        JsonNode pts = Json.MAPPER.readTree(out.toFile()).get("points");
        assertThat(pts).hasSize(2);
        assertThat(pts.get(0).get("train").asInt()).isEqualTo(Math.round(0.2f * 529));
        for (JsonNode p : pts) assertThat(p.get("train_acc").asDouble()).isEqualTo(1.0);
        // the initial MLP kernel mostly relates pairs sharing x or y, and for addition every label seen with x (or y)
        // in training is wrong for a held-out (x, y): below-chance test accuracy, as memorizing networks show
        for (JsonNode p : pts) assertThat(p.get("test_acc").asDouble()).isLessThan(1.0 / 23);
        assertThat(Main.execute("kernel", "--config", cfg.toString(), "--fractions", "1.5"))
                .isEqualTo(2);
    }
}
