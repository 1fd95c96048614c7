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
        assertThat(CliTest.cli("train", "--config", cfg.toString(), "--out", b.toString(), "--threads", "2")
                        .code())
                .isZero();
        assertThat(Files.readString(b.resolve("metrics.csv"))).isEqualTo(Files.readString(a.resolve("metrics.csv")));
        assertThat(Files.readString(a.resolve("data.json")))
                .contains("\"per_class_train\"")
                .contains("\"image_size\" : \"4x4\"");
        String last = Files.readAllLines(a.resolve("metrics.csv")).get(6);
        assertThat(Double.parseDouble(last.split(",")[3]))
                .as("train accuracy at step 60 on three separable classes")
                .isEqualTo(1.0);

        Files.writeString(
                cfg, Files.readString(cfg).replace("{kind: mlp, hidden: 16, depth: 2}", "{kind: transformer}"));
        CliTest.Out bad = CliTest.cli(
                "train", "--config", cfg.toString(), "--out", tmp.resolve("c").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("model.kind").contains("an image task takes model kind mlp");
    }

    /** The conv net: the same bits at one and two threads, and interrupted then resumed equals uninterrupted. */
    @Test
    void aConvRunIsTheSameAtAnyThreadCountAndAcrossAResume() throws Exception {
        Path set = ImageTaskTest.fixture(tmp.resolve("set"), 60, 30);
        org.grokscope.config.RunConfig c = org.grokscope.config.ConfigLoader.load(
                new org.grokscope.config.ConfigLoader.Source("conv.yaml", """
                name: conv
                task: {kind: image, dataset: idx, path: %s, train_count: 40}
                model: {kind: conv, channels: [4, 3], kernel: 3, pool: 2, hidden: 8}
                init: {alpha: 2}
                optimizer: {lr: 1.0e-2, weight_decay: 0.05}
                training: {steps: 50, eval_every: 10, batch_size: 16}
                """.formatted(set), false),
                java.util.List.of());
        var stopAt23 = new org.grokscope.train.TrainListener() {
            @Override
            public void onStep(org.grokscope.train.Trainer t, int step, double loss) {
                if (step == 23) t.requestStop();
            }
        };
        org.grokscope.run.Runner.job(c, tmp.resolve("one"))
                .threads(1)
                .command("test")
                .run();
        org.grokscope.run.Runner.job(c, tmp.resolve("two"))
                .threads(2)
                .command("test")
                .run();
        org.grokscope.run.Runner.job(c, tmp.resolve("cut"))
                .threads(2)
                .command("test")
                .listen(java.util.List.of(stopAt23))
                .run();
        assertThat(Files.readString(tmp.resolve("cut").resolve("metrics.csv")))
                .isNotEqualTo(Files.readString(tmp.resolve("one").resolve("metrics.csv")));
        org.grokscope.run.Runner.job(c, tmp.resolve("cut"))
                .threads(1)
                .resume(true)
                .command("test")
                .run();
        String one = Files.readString(tmp.resolve("one").resolve("metrics.csv"));
        assertThat(one.lines().count()).isEqualTo(7);
        assertThat(one.lines().findFirst().orElseThrow()).contains("ntk_rel"); // the eNTK probe runs on the conv net
        assertThat(Files.readString(tmp.resolve("two").resolve("metrics.csv"))).isEqualTo(one);
        assertThat(Files.readString(tmp.resolve("cut").resolve("metrics.csv"))).isEqualTo(one);
        assertThat(Files.readAllBytes(tmp.resolve("cut").resolve("checkpoint.safetensors")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("one").resolve("checkpoint.safetensors")));
    }

    /**
     * A folder of PNG and JPEG files per class, in colour, resized, into the conv net; a folder's options refused on
     * IDX sets.
     */
    @Test
    void aFolderOfImagesTrainsTheConvNetInColour() throws Exception {
        Path set = org.grokscope.data.image.ImageFolderTest.fixture(tmp.resolve("folder"), 12);
        Path cfg = tmp.resolve("folder.yaml");
        Files.writeString(cfg, """
                name: folder
                task: {kind: image, dataset: folder, path: %s, image_size: [6, 6], holdout: 0.25}
                model: {kind: conv, channels: [4], kernel: 3, pool: 2}
                optimizer: {lr: 1.0e-2}
                training: {steps: 40, eval_every: 20, batch_size: 9}
                """.formatted(set));
        Path out = tmp.resolve("run");
        CliTest.Out o = CliTest.cli("train", "--config", cfg.toString(), "--out", out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        String data = Files.readString(out.resolve("data.json"));
        assertThat(data)
                .contains("\"class_names\" : [ \"a-red\", \"b-green\", \"c-blue\" ]")
                .contains("\"image_size\" : \"6x6\"")
                .contains("\"channels\" : 3");
        String last = Files.readAllLines(out.resolve("metrics.csv")).get(2);
        assertThat(Double.parseDouble(last.split(",")[5]))
                .as("test accuracy at step 40: the colour is the class")
                .isEqualTo(1.0);

        Path broken = set.resolve("b-green").resolve("003.jpg");
        Files.write(broken, java.util.Arrays.copyOf(Files.readAllBytes(broken), 40));
        CliTest.Out damaged = CliTest.cli(
                "train",
                "--config",
                cfg.toString(),
                "--out",
                tmp.resolve("damaged").toString());
        assertThat(damaged.code()).isNotZero();
        assertThat(damaged.err())
                .contains("003.jpg")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertThat(tmp.resolve("damaged")).doesNotExist();

        Files.writeString(cfg, """
                name: bad
                task: {kind: image, dataset: mnist, color: rgb, image_size: [6, 6]}
                model: {kind: conv}
                """);
        CliTest.Out bad = CliTest.cli(
                "train", "--config", cfg.toString(), "--out", tmp.resolve("bad").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err())
                .contains("task.color")
                .contains("IDX images are grayscale")
                .contains("task.image_size");
        assertThat(tmp.resolve("bad")).doesNotExist();
    }

    /** A model-wise sweep on images: one run per width and kind, each with the model it names. */
    @Test
    void aModelWiseSweepRunsOnImages() throws Exception {
        Path set = ImageTaskTest.fixture(tmp.resolve("set"), 60, 30);
        Path base = Files.writeString(tmp.resolve("base.yaml"), """
                name: widths
                task: {kind: image, dataset: idx, path: %s, train_count: 30}
                model: {kind: mlp, hidden: 16, depth: 1}
                training: {steps: 20, eval_every: 10}
                """.formatted(set));
        Path sweep = Files.writeString(tmp.resolve("sweep.yaml"), """
                base: {config: %s}
                axes:
                  model.hidden: [4, 12]
                seeds: [0]
                """.formatted(base));
        Path out = tmp.resolve("sweep");
        CliTest.Out o = CliTest.cli("sweep", "--config", sweep.toString(), "--out", out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        java.util.List<String> widths = new java.util.ArrayList<>();
        try (var runs = Files.list(out.resolve("runs"))) {
            for (Path r : runs.sorted().toList())
                widths.add(org.grokscope.config.Json.MAPPER
                        .readTree(r.resolve("config.json").toFile())
                        .at("/model/hidden")
                        .asText());
        }
        assertThat(widths).containsExactly("4", "12");
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
        CliTest.Out o = CliTest.cli(
                "cds",
                "--config",
                cfg.toString(),
                "--min",
                "6",
                "--max",
                "48",
                "--seeds",
                "1",
                "--out",
                out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("sizes 6..48 of a 60-example training pool");
        assertThat(out.resolve("cds.json")).isRegularFile();
    }
}
