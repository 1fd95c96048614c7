package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.grokscope.cli.HardeningTest.BASE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Items of the second fault and bad-input battery (issue "Hardening II") that the command line meets: each case failed
 * before its fix. The dashboard's items are in {@code server.DashboardUnderLoadTest}, sweep ranges in
 * {@code sweep.AxisRangeTest}, text files in {@code TextReaderTest}.
 */
class HardeningIITest {
    @TempDir
    Path tmp;

    static CliTest.Out cli(String... args) {
        return CliTest.cli(args);
    }

    Path base() throws Exception {
        Path f = tmp.resolve("base.yaml");
        Files.writeString(f, BASE);
        return f;
    }

    Path finishedRun() throws Exception {
        Path run = tmp.resolve("run");
        assertThat(cli("train", "--config", base().toString(), "--out", run.toString())
                        .code())
                .isZero();
        return run;
    }

    @Test
    void item13_aBatchNoJavaArrayHoldsIsRefusedBeforeAnythingIsWritten() {
        Path run = tmp.resolve("p1999");
        CliTest.Out o = cli(
                "train",
                "--preset",
                "modadd-mlp",
                "--set",
                "task.p=1999",
                "--set",
                "training.steps=2",
                "--out",
                run.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err())
                .contains("training.batch_size")
                .contains("1,198,800 examples")
                .contains("at most")
                .doesNotContain("\tat ");
        assertThat(run).doesNotExist();
    }

    @Test
    void item13_aDirectoryWhereAFileIsNeededIsSaidInWords() throws Exception {
        Path run = finishedRun();
        for (String[] args : List.of(
                new String[] {"plot", run.toString(), "--out", "/"},
                new String[] {"export", run.toString(), "--out", "/"},
                new String[] {"plot", run.toString(), "--out", tmp.toString()})) {
            CliTest.Out o = cli(args);
            assertThat(o.code()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(o.err())
                    .as(String.join(" ", args))
                    .contains("is a directory")
                    .doesNotContain(".tmp")
                    .doesNotContain("\tat ")
                    .doesNotContain("NullPointer");
        }
        CliTest.Out k = cli("kernel", "--config", base().toString(), "--fractions", "0.5", "--out", "/");
        assertThat(k.code()).isEqualTo(2);
        assertThat(k.err()).contains("--out /").contains("is a directory");
        CliTest.Out none = cli("kernel", "--config", base().toString(), "--fractions", "0.5", "--test-samples", "0");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--test-samples").doesNotContain("NaN");
    }

    /**
     * kill -9 in a run's first minute leaves config, metrics and progress but no checkpoint: --resume starts it over,
     * to the same result.
     */
    @Test
    void item14_aRunKilledBeforeItsFirstCheckpointResumesFromScratch() throws Exception {
        Path ref = finishedRun();
        Path crashed = tmp.resolve("crashed");
        Files.createDirectories(crashed);
        for (String f : List.of("config.json", "provenance.json", "data.json"))
            Files.copy(ref.resolve(f), crashed.resolve(f));
        List<String> rows = Files.readAllLines(ref.resolve("metrics.csv"));
        Files.write(crashed.resolve("metrics.csv"), rows.subList(0, 3));
        Files.writeString(
                crashed.resolve("progress.json"),
                "{\"status\": \"running\", \"pid\": 2147483646, \"host\": \"gone\", \"step\": 20}\n");
        CliTest.Out again = cli("train", "--config", base().toString(), "--out", crashed.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("--resume " + crashed);
        CliTest.Out o = cli("train", "--resume", crashed.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("stopped before its first checkpoint; starting it over from step 0");
        assertThat(Files.readString(crashed.resolve("metrics.csv")))
                .isEqualTo(Files.readString(ref.resolve("metrics.csv")));
        assertThat(Files.readString(crashed.resolve("summary.json"))).contains("\"completed\"");
    }

    @Test
    void item19_trainIntoASweepDirectorySuggestsNoResumeThatFails() throws Exception {
        Path sweep = tmp.resolve("s.yaml");
        Files.writeString(sweep, "name: s\nbase: {config: " + base() + "}\naxes:\n  optimizer.lr: [1.0e-3, 2.0e-3]\n");
        Path dir = tmp.resolve("sweep");
        assertThat(cli("sweep", "--config", sweep.toString(), "--out", dir.toString())
                        .code())
                .isZero();
        CliTest.Out o = cli("train", "--config", base().toString(), "--out", dir.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("sweep directory").doesNotContain("--resume");
    }

    /**
     * A sweep whose disk filled: its runs are left unfinished (not failed) with the reason, and the same command
     * resumes them once there is space. A 1.5 MB tmpfs holds the store and one run's checkpoint of this model, not
     * three.
     */
    @Test
    void item15_aRunStoppedByAFullDiskIsNotFailedForGood() throws Exception {
        Files.writeString(
                tmp.resolve("big.yaml"), BASE.replace("embed_dim: 8, hidden: 16", "embed_dim: 64, hidden: 512"));
        Path sweep = tmp.resolve("s.yaml");
        Files.writeString(
                sweep,
                "name: s\nbase: {config: " + tmp.resolve("big.yaml")
                        + "}\naxes:\n  optimizer.lr: [1.0e-3, 2.0e-3, 3.0e-3]\n");
        try (SmallDisk disk = SmallDisk.mount(tmp.resolve("small"), "1500k")) {
            Path dir = disk.dir.resolve("sweep");
            CliTest.Out full = cli("sweep", "--config", sweep.toString(), "--out", dir.toString());
            assertThat(full.code()).isNotZero();
            assertThat(full.out() + full.err())
                    .contains("stopped by an I/O error, not by the run")
                    .contains("No space left on device")
                    .doesNotContain(" failed, 0 not finished");
            disk.resize("32m");
            CliTest.Out again = cli("sweep", "--config", sweep.toString(), "--out", dir.toString());
            assertThat(again.code()).as(again.out() + again.err()).isZero();
            assertThat(again.out()).contains("3 runs: 3 completed, 0 failed, 0 not finished");
        }
    }

    @Test
    void item16_aHugeConfigIsRefusedBySizeBeforeItIsParsed() throws Exception {
        Path huge = tmp.resolve("huge.yaml");
        StringBuilder b = new StringBuilder(BASE);
        String line = "# " + "x".repeat(98) + "\n";
        while (b.length() < 3 << 20) b.append(line);
        Files.writeString(huge, b);
        CliTest.Out o = cli(
                "train", "--config", huge.toString(), "--out", tmp.resolve("r").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("huge.yaml").contains("a config file is at most 1,048,576");
    }

    @Test
    void item19_messagesSayWhatIsWrongInWords() throws Exception {
        Path run = finishedRun();
        byte[] noise = new byte[3000];
        new java.util.Random(7).nextBytes(noise);
        Files.write(run.resolve("metrics.csv"), noise);
        CliTest.Out plot = cli("plot", run.toString());
        assertThat(plot.code()).isNotZero();
        assertThat(plot.err()).contains("metrics.csv: not a metrics file").doesNotContain("Input length");

        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"a\": \n");
        CliTest.Out check = cli("forecast", "check", "--predictor", bad.toString(), tmp.toString());
        assertThat(check.code()).isEqualTo(2);
        assertThat(check.err()).contains("bad.json:").contains("not valid JSON").doesNotContain("[Source");

        CliTest.Out show = cli("presets", "--show", "cds-modadd-quick");
        assertThat(show.code()).isZero();
        assertThat(show.out())
                .contains("sweep preset cds-modadd-quick: 21 runs")
                .contains("\"task\"");

        CliTest.Out help = cli("forecast", "--help");
        assertThat(help.out() + help.err()).doesNotContain("picocli WARN").doesNotContain("%n");
        // the command list shows each description's first line: a whole sentence
        for (String l : help.out()
                .lines()
                .filter(l -> l.startsWith("  eval") || l.startsWith("  check"))
                .toList()) assertThat(l.strip()).endsWith(".");
    }

    /** A killed search resumes with its interrupted run counted as interrupted, not among the finished. */
    @Test
    void item19_anInterruptedRunIsNotCountedAsFinished() throws Exception {
        Path sweep = tmp.resolve("s.yaml");
        Files.writeString(sweep, "name: s\nbase: {config: " + base() + "}\naxes:\n  optimizer.lr: [1.0e-3, 2.0e-3]\n");
        Path dir = tmp.resolve("sweep");
        var b = org.grokscope.config.ConfigLoader.bind(
                org.grokscope.config.ConfigLoader.Source.file(sweep), org.grokscope.sweep.SweepConfig.class);
        List<org.grokscope.sweep.SweepConfig.Point> points = org.grokscope.sweep.SweepConfig.expand(b, tmp);
        String def = org.grokscope.config.Json.MAPPER.writeValueAsString(b.value());
        org.grokscope.sweep.SweepRunner.run(def, points, dir, 1, 1, null);
        // as a search killed in its second probe leaves it: run 0001 caught running
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sweep.db"))) {
            c.createStatement().executeUpdate("UPDATE runs SET status = 'RUNNING' WHERE id = '0001'");
        }
        java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
        // the search's first probe again: only run 0000 belongs to it
        org.grokscope.sweep.SweepRunner.run(def, points.subList(0, 1), dir, 1, 1, new java.io.PrintStream(bo, true));
        assertThat(bo.toString())
                .contains("1 runs, 1 already finished, 0 to run")
                .doesNotContain("interrupted");
        bo.reset();
        org.grokscope.sweep.SweepRunner.run(def, points, dir, 1, 1, new java.io.PrintStream(bo, true));
        assertThat(bo.toString()).contains("2 runs, 1 already finished (1 interrupted, resuming), 1 to run");
        try (Stream<Path> s = Files.list(dir.resolve("runs"))) {
            assertThat(s.count()).isEqualTo(2);
        }
    }
}
