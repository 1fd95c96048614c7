package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table task from the command line: the bundled table's preset, a CSV of one's own, the same bits at any thread
 * count, bad input named.
 */
class TableRunTest {
    @TempDir
    Path tmp;

    @Test
    void theBundledTablesPresetMemorizesFirstAndIsTheSameAtOneAndTwoThreads() throws Exception {
        System.setProperty("grokscope.cache", tmp.resolve("cache").toString());
        try {
            Path a = tmp.resolve("a"), b = tmp.resolve("b");
            CliTest.Out o = CliTest.cli(
                    "train",
                    "--preset",
                    "table-breast-cancer",
                    "--set",
                    "training.steps=600",
                    "--out",
                    a.toString(),
                    "--threads",
                    "1");
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(CliTest.cli(
                                    "train",
                                    "--preset",
                                    "table-breast-cancer",
                                    "--set",
                                    "training.steps=600",
                                    "--out",
                                    b.toString(),
                                    "--threads",
                                    "2")
                            .code())
                    .isZero();
            assertThat(Files.readString(b.resolve("metrics.csv")))
                    .isEqualTo(Files.readString(a.resolve("metrics.csv")));
            String data = Files.readString(a.resolve("data.json"));
            assertThat(data)
                    .contains("\"class_names\" : [ \"benign\", \"malignant\" ]")
                    .contains("\"train_examples\" : 100")
                    .contains("\"test_examples\" : 113")
                    .contains("\"dataset\" : \"breast-cancer\"");
            List<String> rows = Files.readAllLines(a.resolve("metrics.csv"));
            String[] at600 = rows.get(rows.size() - 1).split(",");
            assertThat(Double.parseDouble(at600[3]))
                    .as("train accuracy at step 600")
                    .isEqualTo(1.0);
            assertThat(Double.parseDouble(at600[5]))
                    .as("test accuracy at step 600: memorized, not yet generalized (alpha 8)")
                    .isLessThan(0.8);
            assertThat(tmp.resolve("cache")
                            .resolve("datasets")
                            .resolve("tables")
                            .resolve("breast-cancer-wisconsin.csv"))
                    .isRegularFile();
        } finally {
            System.clearProperty("grokscope.cache");
        }
    }

    /** A sample-wise sweep and the staged search on the bundled table: both run, and the search names a bracket. */
    @Test
    void aSampleWiseSweepAndTheCdsSearchRunOnATable() throws Exception {
        System.setProperty("grokscope.cache", tmp.resolve("cache").toString());
        try {
            Path sweep = Files.writeString(
                    tmp.resolve("s.yaml"), """
                    base: {preset: samples-breast-cancer}
                    set: ["training.steps=60", "training.eval_every=20"]
                    axes:
                      task.train_count: [20, 80]
                    seeds: [0]
                    """.replace("preset: samples-breast-cancer", "preset: table-breast-cancer"));
            CliTest.Out o = CliTest.cli(
                    "sweep",
                    "--config",
                    sweep.toString(),
                    "--out",
                    tmp.resolve("sweep").toString());
            assertThat(o.code()).as(o.err()).isZero();
            try (var runs = Files.list(tmp.resolve("sweep").resolve("runs"))) {
                assertThat(runs.filter(p -> Files.isRegularFile(p.resolve("summary.json")))
                                .count())
                        .isEqualTo(2);
            }
            CliTest.Out cds = CliTest.cli(
                    "cds",
                    "--preset",
                    "table-breast-cancer",
                    "--set",
                    "training.steps=600",
                    "--set",
                    "init.alpha=1",
                    "--min",
                    "8",
                    "--max",
                    "64",
                    "--seeds",
                    "1",
                    "--out",
                    tmp.resolve("cds").toString());
            assertThat(cds.code()).as(cds.err()).isZero();
            assertThat(cds.out())
                    .contains("of a 456-example training pool")
                    .contains("already the smallest size, 8, generalizes"); // alpha 1: eight rows suffice
            assertThat(tmp.resolve("cds").resolve("cds.json")).isRegularFile();
        } finally {
            System.clearProperty("grokscope.cache");
        }
    }

    /**
     * Regression: the accuracy columns hold R², which the MLP drives towards 1 on the training rows; cross-entropy
     * refused.
     */
    @Test
    void aValueTargetTrainsOnMseAndReportsRSquared() throws Exception {
        StringBuilder sb = new StringBuilder("a,b,y\n");
        java.util.Random r = new java.util.Random(8);
        for (int i = 0; i < 120; i++) {
            double a = r.nextGaussian(), b = r.nextGaussian();
            sb.append(String.format(java.util.Locale.ROOT, "%.5f,%.5f,%.5f%n", a, b, Math.sin(2 * a) + 0.5 * b));
        }
        Path f = Files.writeString(tmp.resolve("reg.csv"), sb.toString());
        Path cfg = Files.writeString(tmp.resolve("reg.yaml"), """
                name: reg
                task: {kind: table, path: %s, target: value}
                model: {kind: mlp, hidden: 32, depth: 2, activation: gelu}
                optimizer: {lr: 1.0e-2, weight_decay: 0.0}
                training: {steps: 400, eval_every: 100, loss: mse}
                """.formatted(f));
        CliTest.Out o = CliTest.cli(
                "train", "--config", cfg.toString(), "--out", tmp.resolve("run").toString(), "--threads", "1");
        assertThat(o.code()).as(o.err()).isZero();
        List<String> rows = Files.readAllLines(tmp.resolve("run").resolve("metrics.csv"));
        String[] first = rows.get(1).split(","),
                last = rows.get(rows.size() - 1).split(",");
        assertThat(Double.parseDouble(first[3])).as("train R² at step 0").isLessThan(0.5);
        assertThat(Double.parseDouble(last[3])).as("train R² at step 400").isGreaterThan(0.95);
        assertThat(Double.parseDouble(last[5])).as("test R² at step 400").isGreaterThan(0.8);
        assertThat(Files.readString(tmp.resolve("run").resolve("data.json")))
                .contains("\"target\" : \"value\"")
                .contains("R2");
        assertThat(CliTest.cli(
                                "train",
                                "--config",
                                cfg.toString(),
                                "--out",
                                tmp.resolve("two").toString(),
                                "--threads",
                                "2")
                        .code())
                .isZero();
        assertThat(Files.readString(tmp.resolve("two").resolve("metrics.csv")))
                .isEqualTo(String.join("\n", rows) + "\n");

        Files.writeString(cfg, Files.readString(cfg).replace("loss: mse", "loss: cross_entropy"));
        CliTest.Out ce = CliTest.cli(
                "train", "--config", cfg.toString(), "--out", tmp.resolve("ce").toString());
        assertThat(ce.code()).isEqualTo(2);
        assertThat(ce.err()).contains("training.loss").contains("a value target (regression) trains on mse");
    }

    @Test
    void aCsvOfOnesOwnTrainsAndABadCellIsNamedWithNothingWritten() throws Exception {
        Path f = org.grokscope.data.table.TableTaskTest.fixture(tmp.resolve("mine.csv"), 60);
        Path cfg = tmp.resolve("t.yaml");
        Files.writeString(cfg, """
                name: mine
                task: {kind: table, path: %s, drop: [id], holdout: 0.25}
                model: {kind: mlp, hidden: 16, depth: 1}
                optimizer: {lr: 1.0e-2}
                training: {steps: 100, eval_every: 50}
                """.formatted(f));
        CliTest.Out o = CliTest.cli(
                "train", "--config", cfg.toString(), "--out", tmp.resolve("run").toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(Files.readString(tmp.resolve("run").resolve("data.json")))
                .contains("\"constant_columns_dropped\" : [ \"const\" ]");

        Files.writeString(f, Files.readString(f).replaceFirst("\n3,", "\n3,x"));
        CliTest.Out bad = CliTest.cli(
                "train", "--config", cfg.toString(), "--out", tmp.resolve("bad").toString());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err())
                .contains("mine.csv:5: column 'x'")
                .contains("is not a number")
                .doesNotContain("Exception");
        assertThat(tmp.resolve("bad")).doesNotExist();

        Files.writeString(cfg, Files.readString(cfg).replace("{kind: mlp, hidden: 16, depth: 1}", "{kind: conv}"));
        CliTest.Out conv = CliTest.cli(
                "train",
                "--config",
                cfg.toString(),
                "--out",
                tmp.resolve("conv").toString());
        assertThat(conv.code()).isEqualTo(2);
        assertThat(conv.err()).contains("model.kind").contains("a table task takes model kind mlp");
    }
}
