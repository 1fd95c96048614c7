package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Items of the fault and bad-input battery (issue "Hardening"): each case failed before its fix. A tiny run (p 11, MLP
 * 8/16, 50 steps) stands in for base.yaml.
 */
class HardeningTest {
    @TempDir
    Path tmp;

    static final String BASE = """
            name: base
            task: {op: add, p: 11, train_fraction: 0.5}
            model: {kind: mlp, embed_dim: 8, hidden: 16}
            training: {steps: 50, eval_every: 10}
            probes: {enabled: false}
            """;

    Path base() throws Exception {
        Path f = tmp.resolve("base.yaml");
        Files.writeString(f, BASE);
        return f;
    }

    /** base.yaml's run in tmp/run, stopped (as by Ctrl-C) after {@code step} steps. */
    Path interrupted(int step, String command) throws Exception {
        org.grokscope.config.RunConfig c = org.grokscope.config.ConfigLoader.load(
                new org.grokscope.config.ConfigLoader.Source("base.yaml", BASE, false), java.util.List.of());
        Path run = tmp.resolve("run");
        org.grokscope.train.TrainListener stop = new org.grokscope.train.TrainListener() {
            @Override
            public void onStep(org.grokscope.train.Trainer t, int s, double loss) {
                if (s == step) t.requestStop();
            }
        };
        org.grokscope.run.Runner.job(c, run)
                .threads(1)
                .command(command)
                .listen(java.util.List.of(stop))
                .run();
        return run;
    }

    static CliTest.Out cli(String... args) {
        return CliTest.cli(args);
    }

    @Test
    void item17_searchSettingsThatAreNotNumbersAreRefused() throws Exception {
        for (String flag : new String[] {"--tolerance", "--success", "--growth"}) {
            CliTest.Out o = cli(
                    "cds",
                    "--config",
                    base().toString(),
                    "--set",
                    "task.test_fraction=0.3",
                    flag,
                    "NaN",
                    "--out",
                    tmp.resolve("s" + flag).toString());
            assertThat(o.code()).as(flag).isEqualTo(2);
            assertThat(o.err()).contains(flag + ": must be");
            assertThat(tmp.resolve("s" + flag)).doesNotExist();
        }
    }

    @Test
    void item19_everyCommandHasHelpAndTheOverviewEndsItsSentences() {
        for (String cmd : new String[] {
            "train", "sweep", "cds", "report", "export", "presets", "demo", "plot", "bench", "kernel", "data"
        }) {
            CliTest.Out o = cli(cmd, "--help");
            assertThat(o.code()).as(cmd + " --help").isZero();
            assertThat(o.out()).as(cmd + " --help").contains("Usage: grokscope " + cmd);
        }
        CliTest.Out o = cli("--help");
        assertThat(o.code()).isZero();
        // each entry (picocli wraps long ones onto indented lines) is a whole sentence, not one cut off mid-way
        java.util.List<String> entries = new java.util.ArrayList<>();
        for (String line :
                o.out().substring(o.out().indexOf("Commands:")).lines().skip(1).toList()) {
            if (line.isBlank()) continue;
            if (line.startsWith("    ") && !entries.isEmpty())
                entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.trim());
            else entries.add(line.trim());
        }
        assertThat(entries).hasSizeGreaterThan(10);
        for (String e : entries) assertThat(e).as("command summary").endsWith(".");
    }

    @Test
    void item12_anEmptyValueOrAnEmptyFileIsRefusedNotReadAsTheDefaults() throws Exception {
        CliTest.Out o = cli(
                "train",
                "--config",
                base().toString(),
                "--set",
                "task.p=",
                "--out",
                tmp.resolve("r").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--set task.p=: no value");
        assertThat(tmp.resolve("r")).doesNotExist();
        // null is how to take a preset's value away
        CliTest.Out n = cli(
                "train",
                "--config",
                base().toString(),
                "--set",
                "task.test_fraction=null",
                "--quiet",
                "--out",
                tmp.resolve("n").toString());
        assertThat(n.code()).isZero();
        Path empty = tmp.resolve("empty.yaml");
        Files.writeString(empty, "\n# nothing here\n");
        CliTest.Out e = cli(
                "train", "--config", empty.toString(), "--out", tmp.resolve("e").toString());
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.err()).contains(empty + ": the file sets nothing");
        assertThat(tmp.resolve("e")).doesNotExist();
    }

    @Test
    void item4_moreThreadsThanCoresAreCappedWithANotice() throws Exception {
        CliTest.Out o = cli(
                "train",
                "--config",
                base().toString(),
                "--threads",
                "1000",
                "--out",
                tmp.resolve("t").toString());
        assertThat(o.code()).isZero();
        int cores = org.grokscope.engine.Parallel.availableCores();
        assertThat(o.out()).contains("--threads 1000 is more than the " + cores + " cores");
        assertThat(Files.readString(tmp.resolve("t").resolve("provenance.json")))
                .contains("\"threads\" : " + cores);
        // a negative count is refused by name, by every command that takes one, before it prints or writes anything
        for (String[] args : List.of(
                new String[] {
                    "train",
                    "--config",
                    base().toString(),
                    "--out",
                    tmp.resolve("n").toString()
                },
                new String[] {"demo", "--out", tmp.resolve("n").toString()},
                new String[] {"kernel", "--config", base().toString()},
                new String[] {"bench", "--steps", "1"})) {
            List<String> a = new java.util.ArrayList<>(List.of(args));
            a.addAll(List.of("--threads", "-1"));
            CliTest.Out n = cli(a.toArray(new String[0]));
            assertThat(n.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(n.err()).contains("--threads: must be >= 0 (0 = all cores), got -1");
            assertThat(n.out()).as(String.join(" ", args)).isEmpty();
        }
        assertThat(tmp.resolve("n")).doesNotExist();
    }

    @Test
    void item16_aGridTooLargeToRunIsRefusedAtOnce() throws Exception {
        Path sweep = tmp.resolve("huge.yaml");
        Files.writeString(
                sweep,
                "name: huge\nbase: {config: base.yaml}\naxes:\n  optimizer.lr: {geometric: {from: 1.0e-4, to: 1.0e-2, count: 100000000}}\n");
        base();
        // refused from the axes' counts, before a point is built (100 million points would exhaust the heap)
        CliTest.Out o = cli(
                "sweep", "--config", sweep.toString(), "--out", tmp.resolve("h").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("axes.optimizer.lr").contains("100000000");
        Files.writeString(
                sweep,
                "name: huge\nbase: {config: base.yaml}\naxes:\n  optimizer.lr: {linear: {from: 1.0e-4, to: 1.0e-2, count: 3000}}\n"
                        + "  optimizer.weight_decay: {linear: {from: 0.1, to: 1, count: 3000}}\n");
        CliTest.Out g = cli(
                "sweep", "--config", sweep.toString(), "--out", tmp.resolve("h").toString());
        assertThat(g.code()).isEqualTo(2);
        assertThat(g.err()).contains("9000000 runs");
        assertThat(tmp.resolve("h")).doesNotExist();
    }

    @Test
    void item15_resumingAFinishedRunChangesNothingAndAResumeKeepsTheOriginalProvenance() throws Exception {
        Path run = tmp.resolve("run");
        assertThat(cli("train", "--config", base().toString(), "--quiet", "--out", run.toString())
                        .code())
                .isZero();
        String summary = Files.readString(run.resolve("summary.json")),
                prov = Files.readString(run.resolve("provenance.json"));
        CliTest.Out o = cli("train", "--resume", run.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("already completed");
        assertThat(Files.readString(run.resolve("summary.json"))).isEqualTo(summary);
        assertThat(Files.readString(run.resolve("provenance.json"))).isEqualTo(prov);
    }

    @Test
    void item2_aSecondWriterOfARunOrSweepDirectoryIsRefused() throws Exception {
        org.grokscope.config.RunConfig c = org.grokscope.config.ConfigLoader.load(
                new org.grokscope.config.ConfigLoader.Source(
                        "base.yaml", BASE.replace("steps: 50", "steps: 400"), false),
                java.util.List.of());
        Path run = tmp.resolve("run");
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1),
                release = new java.util.concurrent.CountDownLatch(1);
        org.grokscope.train.TrainListener hold = new org.grokscope.train.TrainListener() {
            @Override
            public void onStep(org.grokscope.train.Trainer t, int step, double loss) {
                if (step == 20) {
                    inside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        Thread first = new Thread(() -> {
            try {
                org.grokscope.run.Runner.job(c, run)
                        .threads(1)
                        .command("first")
                        .listen(java.util.List.of(hold))
                        .run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        first.start();
        inside.await();
        try {
            // the same directory, as a resume (the case that used to interleave files) and as a fresh run
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> org.grokscope.run.Runner.job(c, run)
                            .threads(1)
                            .resume(true)
                            .command("second")
                            .run())
                    .hasMessageContaining("another grokscope process")
                    .hasMessageContaining("is writing this run directory");
            CliTest.Out o = cli("train", "--resume", run.toString());
            assertThat(o.code()).isEqualTo(2);
            assertThat(o.err()).contains("is writing this run directory");
        } finally {
            release.countDown();
            first.join();
        }
        assertThat(Files.readString(run.resolve("provenance.json"))).contains("\"command\" : \"first\"");
        // a sweep directory: held by one invocation, refused to the next
        Path sweep = tmp.resolve("s.yaml"), dir = tmp.resolve("sweep");
        base();
        Files.writeString(sweep, "name: s\nbase: {config: base.yaml}\naxes:\n  optimizer.lr: [1.0e-3, 2.0e-3]\n");
        try (org.grokscope.run.DirectoryLock held = org.grokscope.run.DirectoryLock.acquire(dir, "sweep directory")) {
            CliTest.Out s = cli("sweep", "--config", sweep.toString(), "--out", dir.toString());
            assertThat(s.code()).isEqualTo(2);
            assertThat(s.err()).contains("is writing this sweep directory");
        }
        assertThat(cli("sweep", "--config", sweep.toString(), "--out", dir.toString())
                        .code())
                .isZero();
    }

    @Test
    void item3_aSweepWhoseBaseConfigChangedIsRefusedUnlessForced() throws Exception {
        Path sweep = tmp.resolve("s.yaml"), dir = tmp.resolve("sweep");
        Path b = base();
        Files.writeString(sweep, "name: s\nbase: {config: base.yaml}\naxes:\n  optimizer.lr: [1.0e-3, 2.0e-3]\n");
        assertThat(cli("sweep", "--config", sweep.toString(), "--out", dir.toString())
                        .code())
                .isZero();
        Files.writeString(b, BASE.replace("p: 11", "p: 13"));
        CliTest.Out o = cli("sweep", "--config", sweep.toString(), "--out", dir.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err())
                .contains("run 0000 was made with another configuration (task.p: 11 -> 13)")
                .contains("--force");
        CliTest.Out f = cli("sweep", "--config", sweep.toString(), "--out", dir.toString(), "--force");
        assertThat(f.code()).isZero();
        assertThat(f.out()).contains("2 run(s) whose config changed will run again");
        assertThat(Files.readString(dir.resolve("runs/0000/config.json"))).contains("\"p\" : 13");
        assertThat(cli("sweep", "--config", sweep.toString(), "--out", dir.toString())
                        .out())
                .contains("2 already finished");
        // a sweep written before keys were added to the config (stored configs lack them) is the same sweep, not a
        // changed one
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sweep.db"))) {
            for (String id : new String[] {"0000", "0001"}) {
                String c;
                try (var q = db.prepareStatement("SELECT config FROM runs WHERE id = ?")) {
                    q.setString(1, id);
                    var r = q.executeQuery();
                    r.next();
                    c = r.getString(1);
                }
                var tree =
                        (com.fasterxml.jackson.databind.node.ObjectNode) org.grokscope.config.Json.MAPPER.readTree(c);
                ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("training")).remove("loss_precision");
                ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("optimizer")).remove("grokfast");
                try (var u = db.prepareStatement("UPDATE runs SET config = ? WHERE id = ?")) {
                    u.setString(1, tree.toString());
                    u.setString(2, id);
                    u.executeUpdate();
                }
            }
        }
        CliTest.Out old = cli("sweep", "--config", sweep.toString(), "--out", dir.toString());
        assertThat(old.code()).as(old.err()).isZero();
        assertThat(old.out()).contains("2 already finished");
    }

    @Test
    void item6_aCorruptCheckpointIsRefusedOnResume() throws Exception {
        Path run = interrupted(25, "test");
        Path ck = run.resolve("checkpoint.safetensors");
        byte[] good = Files.readAllBytes(ck);
        String[][] cases = {
            {"flip", "does not match its checksum"}, {"junk", "bytes after the last tensor"}, {"cut", "truncated"}
        };
        for (String[] k : cases) {
            byte[] bad = switch (k[0]) {
                case "flip" -> {
                    byte[] x = good.clone();
                    x[x.length - 5] ^= 1;
                    yield x;
                }
                case "junk" -> java.util.Arrays.copyOf(good, good.length + 16);
                default -> java.util.Arrays.copyOf(good, good.length / 2);
            };
            Files.write(ck, bad);
            CliTest.Out o = cli("train", "--resume", run.toString());
            assertThat(o.code()).as(k[0]).isNotZero();
            assertThat(o.err()).as(k[0]).contains(k[1]).doesNotContain("Exception");
        }
        Files.write(ck, good);
        assertThat(cli("train", "--resume", run.toString(), "--quiet").code()).isZero();
    }

    @Test
    void item11_anErrorNamesTheSetThatCausedItInPlainWords() throws Exception {
        String b = base().toString();
        String[][] cases = {
            {"foo.bar=1", "--set foo.bar=1: foo: unknown key"},
            {"task=5", "--set task=5: must be a section of keys"},
            {"task.train_count=121", "--set task.train_count=121: leaves no test examples (the table has 121)"},
            {"task.p=2.5", "--set task.p=2.5: expected a whole number, got 2.5"}
        };
        for (String[] c : cases) {
            CliTest.Out o = cli(
                    "train",
                    "--config",
                    b,
                    "--set",
                    c[0],
                    "--out",
                    tmp.resolve("o").toString());
            assertThat(o.code()).as(c[0]).isEqualTo(2);
            assertThat(o.err())
                    .as(c[0])
                    .contains(c[1])
                    .doesNotContain("base.yaml")
                    .doesNotContain("Coercion")
                    .doesNotContain("'null'");
        }
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    @Test
    void item10_fileProblemsAreSaidInWordsWithTheFileNamed() throws Exception {
        String b = base().toString();
        Path bin = tmp.resolve("bin.yaml"), file = tmp.resolve("afile"), garbage = tmp.resolve("garbage");
        Files.write(bin, new byte[] {0, 1, (byte) 0xff, (byte) 0xfe, 'x'});
        Files.writeString(file, "x");
        Files.createDirectories(garbage);
        Files.writeString(garbage.resolve("sweep.db"), "not a database at all, not even close");
        CliTest.Out o = cli("train", "--config", bin.toString());
        assertThat(o.err()).contains(bin + ": not a text file").doesNotContain("Input length");
        o = cli("train", "--config", b, "--out", file.toString());
        assertThat(o.code()).isNotZero();
        assertThat(o.err().trim()).isEqualTo("error: " + file + ": exists and is a file, where a directory is needed");
        o = cli("report", garbage.toString());
        assertThat(o.code()).isNotZero();
        assertThat(o.err()).contains(garbage.resolve("sweep.db") + ": not a readable sweep store");
    }

    @Test
    void item13_messagesQuoteAtMostAGlimpseOfTheInput() throws Exception {
        Path huge = tmp.resolve("huge.csv"), bin = tmp.resolve("data.csv"), cfg = tmp.resolve("text.yaml");
        Files.writeString(huge, "x".repeat(2_000_000) + "\n"); // one 2 MB line, no "text" column
        byte[] junk = new byte[4096];
        new java.util.Random(3).nextBytes(junk);
        for (int i = 0; i < junk.length; i += 7) junk[i] = 0; // NUL bytes, as in a .tar.gz read as CSV
        Files.write(bin, junk);
        for (Path data : new Path[] {huge, bin}) {
            Files.writeString(
                    cfg,
                    "name: t\ntask: {kind: text, dataset: csv, path: " + data
                            + "}\nmodel: {kind: bag}\ntraining: {steps: 5}\n");
            CliTest.Out o = cli(
                    "train",
                    "--config",
                    cfg.toString(),
                    "--out",
                    tmp.resolve("o").toString());
            assertThat(o.code()).as(data.toString()).isNotZero();
            assertThat(o.err().length()).as(data + ": message length").isLessThan(600);
            assertThat(o.err()).as(data.toString()).doesNotContain("\u0000");
            if (data == huge) assertThat(o.err()).contains("(2000002 characters)");
        }
        Path secret = tmp.resolve("secret");
        String line =
                "root:$y$j9T$2hmXb0C9vXbq8x0GMz8vY0$SLCwq8PMnPvw9Vb0P1VgwDdH2b1iD0BbB6oy7qqbYy6:20228:0:99999:7:::";
        Files.writeString(secret, line + "\n");
        CliTest.Out o = cli("train", "--config", secret.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err())
                .doesNotContain(line)
                .doesNotContain("SLCwq8PMnPvw9Vb0P1Vgw")
                .contains("is this a grokscope config?");
    }

    @Test
    void item14_yamlIsReadStrictlyAndAxisStringsStayStrings() throws Exception {
        String[][] cases = {
            {"name: a\nname: b\n", ":2: not valid YAML: Duplicate field 'name'"},
            {"name: &x foo\ndescription: *x\n", ":2: YAML aliases (*x) are not supported"},
            {"name: a\n---\nname: b\n", ":3: a second YAML document"}
        };
        for (String[] c : cases) {
            Path f = tmp.resolve("c.yaml");
            Files.writeString(f, c[0]);
            CliTest.Out o = cli(
                    "train", "--config", f.toString(), "--out", tmp.resolve("o").toString());
            assertThat(o.code()).as(c[0]).isEqualTo(2);
            assertThat(o.err()).as(c[0]).contains(f + c[1]);
        }
        base();
        Path sweep = tmp.resolve("s.yaml");
        Files.writeString(
                sweep, "name: s\nbase: {config: base.yaml}\naxes:\n  description: [\"a: b\", \"null\", \"true\"]\n");
        assertThat(cli(
                                "sweep",
                                "--config",
                                sweep.toString(),
                                "--out",
                                tmp.resolve("sw").toString())
                        .code())
                .isZero();
        assertThat(Files.readString(tmp.resolve("sw/runs/0000/config.json"))).contains("\"description\" : \"a: b\"");
        assertThat(Files.readString(tmp.resolve("sw/runs/0001/config.json"))).contains("\"description\" : \"null\"");
        assertThat(Files.readString(tmp.resolve("sw/runs/0002/config.json"))).contains("\"description\" : \"true\"");
    }

    @Test
    void item8_invalidUtf8IsAnErrorWithTheLineOrASkippedRow() throws Exception {
        Path data = tmp.resolve("d.jsonl"), cfg = tmp.resolve("t.yaml");
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 40; i++)
            b.writeBytes(("{\"text\": \"review " + i + " good words\", \"label\": \"" + (i % 2 == 0 ? "pos" : "neg")
                            + "\"}\n")
                    .getBytes());
        b.writeBytes("{\"text\": \"broken\", \"label\": \"".getBytes());
        b.write(0xff);
        b.writeBytes("pos\"}\n".getBytes());
        Files.write(data, b.toByteArray());
        Files.writeString(
                cfg,
                "name: t\ntask: {kind: text, dataset: jsonl, path: " + data
                        + ", test_count: 5}\nmodel: {kind: bag, embed_dim: 4, hidden: 4}\n"
                        + "training: {steps: 3}\nprobes: {enabled: false}\n");
        CliTest.Out o = cli(
                "train", "--config", cfg.toString(), "--out", tmp.resolve("o").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains(data + ":41: not valid UTF-8");
        CliTest.Out s = cli(
                "train",
                "--config",
                cfg.toString(),
                "--set",
                "task.on_bad_row=skip",
                "--quiet",
                "--out",
                tmp.resolve("s").toString());
        assertThat(s.code()).as(s.err()).isZero();
        String info = Files.readString(tmp.resolve("s/data.json"));
        assertThat(info).contains("\"rows_skipped_as_malformed\" : 1").contains("\"classes\" : [ \"neg\", \"pos\" ]");
    }

    @Test
    void item9_aDamagedMetricsRowOrAFailedRunIsReportedInWords() throws Exception {
        Path run = interrupted(25, "test");
        Path m = run.resolve("metrics.csv");
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(m));
        lines.set(2, lines.get(2).replaceFirst(",[^,]+,", ",1.2.3,"));
        Files.write(m, lines);
        for (String[] cmd : new String[][] {{"train", "--resume", run.toString()}, {"plot", run.toString()}}) {
            CliTest.Out o = cli(cmd);
            assertThat(o.code()).as(cmd[0]).isNotZero();
            assertThat(o.err())
                    .as(cmd[0])
                    .contains(m + ":3: a damaged metrics row")
                    .doesNotContain("NumberFormatException")
                    .doesNotContain("\tat ");
        }
        // a sweep run that fails on its data: the reason without the exception's class name
        Path sweep = tmp.resolve("s.yaml");
        Files.writeString(
                sweep,
                "name: s\nbase: {config: t.yaml}\naxes:\n  seed: []\n"
                        .replace("  seed: []\n", "  task.test_count: [5]\n"));
        Files.writeString(
                tmp.resolve("t.yaml"),
                "name: t\ntask: {kind: text, dataset: csv, path: " + tmp.resolve("missing.csv")
                        + "}\nmodel: {kind: bag}\n");
        CliTest.Out o = cli(
                "sweep",
                "--config",
                sweep.toString(),
                "--out",
                tmp.resolve("sw").toString());
        assertThat(o.out() + o.err())
                .contains("missing.csv")
                .doesNotContain("org.grokscope")
                .doesNotContain("DataException");
    }

    @Test
    void item5_aLargeValidPrimeRunsWithoutTheP3ProgressMeasures() throws Exception {
        CliTest.Out o = cli(
                "train",
                "--config",
                base().toString(),
                "--set",
                "task.p=1999",
                "--set",
                "task.train_fraction=0.001",
                "--set",
                "task.test_fraction=0.0001",
                "--set",
                "training.steps=20",
                "--set",
                "probes.enabled=true",
                "--set",
                "probes.every=10",
                "--quiet",
                "--out",
                tmp.resolve("big").toString());
        assertThat(o.code()).as(o.err()).isZero();
        String summary = Files.readString(tmp.resolve("big/summary.json"));
        assertThat(summary)
                .contains("restricted and excluded loss not computed")
                .contains("p^3 = 7.99e+09");
        assertThat(Files.readAllLines(tmp.resolve("big/metrics.csv")).get(0))
                .contains("embed_gini")
                .doesNotContain("restricted_loss");
    }

    @Test
    void item20_noNaNInTextOrJsonAndNoEmptyReport() throws Exception {
        assertThat(org.grokscope.run.ProgressPrinter.percent(Double.NaN))
                .doesNotContain("NaN")
                .contains("–");
        org.grokscope.config.RunConfig c = org.grokscope.config.ConfigLoader.load(
                new org.grokscope.config.ConfigLoader.Source("base.yaml", BASE, false), java.util.List.of());
        org.grokscope.run.RunSummary s = org.grokscope.run.RunSummary.of(
                c,
                new org.grokscope.train.Trainer.Outcome(org.grokscope.train.Trainer.Status.COMPLETED, 10, null, 1),
                java.util.List.of(new org.grokscope.train.Evaluation(
                        10, 1e-3, Double.NaN, 0.5, Double.NaN, Double.NaN, 0, 1, 1, 0)),
                new org.grokscope.run.RunSummary.Sizes(60, 0, 100),
                new org.grokscope.run.RunSummary.Speed(1, 1, 10, 1e6, 1, 0),
                null);
        String json = org.grokscope.config.Json.MAPPER.writeValueAsString(s);
        assertThat(json).doesNotContain("NaN").contains("\"final_test_acc\" : null");
        org.grokscope.run.RunSummary back =
                org.grokscope.config.Json.MAPPER.readValue(json, org.grokscope.run.RunSummary.class);
        assertThat(back.finalTestAcc()).isNaN();
        assertThat(back.finalTrainAcc()).isEqualTo(0.5);
        // a summary written before (the string "NaN") still reads
        assertThat(org.grokscope.config.Json.MAPPER
                        .readValue(
                                json.replace("\"final_test_acc\" : null", "\"final_test_acc\" : \"NaN\""),
                                org.grokscope.run.RunSummary.class)
                        .finalTestAcc())
                .isNaN();
        Path dir = tmp.resolve("empty");
        Files.createDirectories(dir);
        new org.grokscope.sweep.SweepStore(dir.resolve("sweep.db")).close();
        CliTest.Out o = cli("report", dir.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("holds no runs");
        assertThat(dir.resolve("report.html")).doesNotExist();
    }

    @Test
    void item15_aResumeKeepsEarlierSessionsAndRefusesAMissingHistoryOrAShorterBudget() throws Exception {
        Path run = interrupted(30, "the first command");
        Path m = run.resolve("metrics.csv"), keep = tmp.resolve("metrics.keep");
        Files.move(m, keep);
        CliTest.Out o = cli("train", "--resume", run.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("metrics.csv is missing");
        Files.move(keep, m);
        String cfg = Files.readString(run.resolve("config.json"));
        Files.writeString(run.resolve("config.json"), cfg.replace("\"steps\" : 50", "\"steps\" : 20"));
        o = cli("train", "--resume", run.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("the checkpoint is at step 30, past this config's training.steps 20");
        Files.writeString(run.resolve("config.json"), cfg);
        assertThat(cli("train", "--resume", run.toString(), "--quiet").code()).isZero();
        String prov = Files.readString(run.resolve("provenance.json"));
        assertThat(prov)
                .contains("\"resumed_at_step\" : 30")
                .contains("\"earlier_sessions\"")
                .contains("the first command");
    }

    @Test
    void item5_aModelTooLargeForTheHeapIsSaidInWords() throws Exception {
        Path log = tmp.resolve("oom.log");
        Path cfg = tmp.resolve("big.yaml");
        Files.writeString(
                cfg,
                "name: big\ntask: {op: add, p: 11, train_fraction: 0.5}\n"
                        + "model: {kind: transformer, d_model: 1024, d_mlp: 16384, layers: 4, heads: 4}\ntraining: {steps: 5}\n");
        Process p = Subprocess.grokscopeWith(
                java.util.List.of("-Xmx64m"),
                log,
                "train",
                "--config",
                cfg.toString(),
                "--out",
                tmp.resolve("oom").toString());
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out)
                .contains("error: out of memory: this run needs more than the")
                .contains("MiB of heap")
                .doesNotContain("OutOfMemoryError")
                .doesNotContain("\tat ");
    }

    @Test
    void item10_aFullDiskNamesTheFileThatCouldNotBeWritten() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(tmp.resolve("small"), "256k")) { // a 256 KiB file system
            Path small = disk.dir;
            CliTest.Out o = cli(
                    "train",
                    "--config",
                    base().toString(),
                    "--set",
                    "model.embed_dim=64",
                    "--set",
                    "model.hidden=512",
                    "--out",
                    small.resolve("run").toString());
            assertThat(o.code()).isNotZero();
            assertThat(o.err())
                    .contains(small.resolve("run").toString())
                    .containsIgnoringCase("no space left on device")
                    .doesNotContain("\tat ");
            // a sweep on the full disk: the cause (the store's SQLITE_FULL, or the run file that could not be written,
            // whichever
            // comes first), never the failed rollback that followed it
            Path sweep = tmp.resolve("s.yaml");
            Files.writeString(
                    sweep,
                    "name: s\nbase: {config: " + tmp.resolve("base.yaml")
                            + "}\naxes:\n  optimizer.lr: [1.0e-3, 2.0e-3, 3.0e-3]\n");
            CliTest.Out s = cli(
                    "sweep",
                    "--config",
                    sweep.toString(),
                    "--out",
                    small.resolve("sweep").toString());
            assertThat(s.code()).isNotZero();
            assertThat(s.err())
                    .containsAnyOf("SQLITE_FULL", "No space left on device", "the disk is full")
                    .doesNotContain("cannot rollback")
                    .doesNotContain("\tat ");
        }
    }
}
