package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.grokscope.data.image.ImageTaskTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image task from the command line: IDX files in, the MLP on their pixels, the same bits at any thread count. */
class ImageRunTest {
    @TempDir
    Path tmp;

    @Test
    void anImageRunTrainsAndIsTheSameAtOneAndTwoThreads() throws Exception {
        Path set = ImageTaskTest.fixture(tmp.resolve("set"), 60, 30);
        Path cfg = tmp.resolve("img.yaml");
        Files.writeString(cfg, """
                name: img
                task: {kind: image, dataset: idx, path: %s, train_count: 30}
                model: {kind: mlp, hidden: 16, depth: 2}
                init: {alpha: 2}
                optimizer: {lr: 1.0e-2, weight_decay: 0.01}
                training: {steps: 60, eval_every: 10, loss: mse, batch_size: 10}
                """.formatted(set));
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        CliTest.Out o = CliTest.cli("train", "--config", cfg.toString(), "--out", a.toString(), "--threads", "1");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(CliTest.cli("train", "--config", cfg.toString(), "--out", b.toString(), "--threads", "2").code()).isZero();
        assertThat(Files.readString(b.resolve("metrics.csv"))).isEqualTo(Files.readString(a.resolve("metrics.csv")));
        assertThat(Files.readString(a.resolve("data.json"))).contains("\"per_class_train\"").contains("\"image_size\" : \"4x4\"");
        String last = Files.readAllLines(a.resolve("metrics.csv")).get(6);
        assertThat(Double.parseDouble(last.split(",")[3])).as("train accuracy at step 60 on three separable classes").isEqualTo(1.0);

        Files.writeString(cfg, Files.readString(cfg).replace("{kind: mlp, hidden: 16, depth: 2}", "{kind: transformer}"));
        CliTest.Out bad = CliTest.cli("train", "--config", cfg.toString(), "--out", tmp.resolve("c").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("model.kind").contains("an image task takes model kind mlp");
    }

    /** The staged search takes an image task, its pool the training split (it failed with a ClassCastException). */
    @Test
    void theCdsSearchRunsOnAnImageTask() throws Exception {
        Path set = ImageTaskTest.fixture(tmp.resolve("set"), 60, 30);
        Path cfg = tmp.resolve("img.yaml");
        Files.writeString(cfg, """
                name: img
                task: {kind: image, dataset: idx, path: %s, train_count: 30}
                model: {kind: mlp, hidden: 16, depth: 1}
                training: {steps: 20, eval_every: 10, loss: mse}
                """.formatted(set));
        Path out = tmp.resolve("search");
        CliTest.Out o = CliTest.cli("cds", "--config", cfg.toString(), "--min", "6", "--max", "48", "--seeds", "1", "--out", out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("sizes 6..48 of a 60-example training pool");
        assertThat(out.resolve("cds.json")).isRegularFile();
    }
}
