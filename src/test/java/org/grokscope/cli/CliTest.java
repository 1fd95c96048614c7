package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: exit codes, messages, and files. */
class CliTest {
    @TempDir
    Path tmp;

    record Out(int code, String out, String err) {}

    static synchronized Out cli(String... args) {
        PrintStream o = System.out, e = System.err;
        ByteArrayOutputStream bo = new ByteArrayOutputStream(), be = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bo, true));
            System.setErr(new PrintStream(be, true));
            int code = Main.execute(args);
            return new Out(code, bo.toString(), be.toString());
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    @Test
    void badConfigGetsOneClearErrorAndNoRunDirectory() throws Exception {
        Path cfg = tmp.resolve("bad.yaml");
        Files.writeString(cfg, "name: bad\ntask:\n  p: -5\n");
        Path out = tmp.resolve("run");
        Out r = cli("train", "--config", cfg.toString(), "--out", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().trim()).isEqualTo("error: " + cfg + ":3: task.p: must be between 2 and 2000, got -5");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out).doesNotExist();

        Out s = cli("train", "--preset", "modadd-mlp", "--set", "task.train_fraction=1.5", "--out", out.toString());
        assertThat(s.code()).isEqualTo(2);
        assertThat(s.err()).contains("--set task.train_fraction=1.5: must be in (0, 1), got 1.5");
        assertThat(out).doesNotExist();

        assertThat(cli("train", "--preset", "nope").err()).contains("unknown preset 'nope'");
        assertThat(cli("train", "--config", tmp.resolve("missing.yaml").toString())
                        .err())
                .contains("missing.yaml: no such file");
        assertThat(cli("train", "--preset", "modadd-mlp", "--threads", "-1").err())
                .contains("--threads: must be >= 0 (0 = all cores), got -1");
        assertThat(cli("train").code()).isEqualTo(2); // picocli: a source is required
        Out none = cli(); // no command: the usage on standard error, and a status a script notices
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("Usage: grokscope");
        // --threads 0 is all cores, as the help says
        Out all = cli(
                "train",
                "--preset",
                "modadd-mlp",
                "--set",
                "task.p=11",
                "--set",
                "training.steps=20",
                "--set",
                "training.eval_every=10",
                "--threads",
                "0",
                "--quiet",
                "--out",
                tmp.resolve("all-cores").toString());
        assertThat(all.code()).as(all.err()).isZero();
    }

    @Test
    void trainWritesACompleteRunDirectory() throws Exception {
        Path out = tmp.resolve("run");
        Out r = cli(
                "train",
                "--preset",
                "modadd-mlp",
                "--set",
                "task.p=23",
                "--set",
                "model.hidden=32",
                "--set",
                "model.embed_dim=8",
                "--set",
                "training.steps=60",
                "--set",
                "training.eval_every=20",
                "--out",
                out.toString(),
                "--threads",
                "2",
                "--seed",
                "4");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out())
                .contains("step")
                .contains("steps/s")
                .contains("GFLOP/s")
                .contains("ETA")
                .contains("run directory: " + out);
        for (String f :
                new String[] {"config.json", "provenance.json", "metrics.csv", "summary.json", "checkpoint.safetensors"
                }) assertThat(out.resolve(f)).exists();
        JsonNode s = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
        for (String k : new String[] {
            "final_train_acc",
            "final_test_acc",
            "steps",
            "memorization_step",
            "generalization_step",
            "grokking_gap",
            "wall_seconds",
            "steps_per_second"
        }) assertThat(s.has(k)).as(k).isTrue();
        assertThat(s.get("steps").asInt()).isEqualTo(60);
        assertThat(Json.MAPPER
                        .readTree(out.resolve("config.json").toFile())
                        .get("seed")
                        .asInt())
                .isEqualTo(4);
        JsonNode prov = Json.MAPPER.readTree(out.resolve("provenance.json").toFile());
        for (String k : new String[] {"java_version", "os", "cpu", "threads", "git_commit"})
            assertThat(prov.has(k)).as(k).isTrue();
        assertThat(Files.readAllLines(out.resolve("metrics.csv")).get(0))
                .startsWith("step,lr,train_loss,train_acc,test_loss,test_acc");
        assertThat(Files.readAllLines(out.resolve("metrics.csv"))).hasSize(1 + 4);

        Out again = cli("train", "--preset", "modadd-mlp", "--out", out.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("not empty").contains("--resume");

        Out plot = cli("plot", out.toString());
        assertThat(plot.code()).isEqualTo(0);
        assertThat(Files.size(out.resolve("learning-curves.png"))).isGreaterThan(10_000);
    }

    /** The names a bundled index lists (presets/index.txt, sweeps/index.txt). */
    static List<String> index(String folder) throws Exception {
        try (java.io.InputStream in = CliTest.class.getResourceAsStream("/" + folder + "/index.txt")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty())
                    .toList();
        }
    }

    /**
     * One spelling for the dashboard's port: a job takes serve's --port (which implies --serve); two different ports
     * are refused.
     */
    @Test
    void jobsTakeTheDashboardPortAsServeDoes(@org.junit.jupiter.api.io.TempDir Path tmp) {
        Out o = cli(
                "train",
                "--preset",
                "modadd-mlp",
                "--set",
                "task.p=23",
                "--set",
                "training.steps=20",
                "--port",
                "0",
                "--out",
                tmp.resolve("a").toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).containsPattern("dashboard: http://127\\.0\\.0\\.1:\\d+/#/run/0");
        Out both = cli(
                "train",
                "--preset",
                "modadd-mlp",
                "--serve=9000",
                "--port",
                "9001",
                "--out",
                tmp.resolve("b").toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--serve=9000 and --port 9001 name two ports");
        assertThat(tmp.resolve("b")).doesNotExist();
    }

    @Test
    void presetsListsEveryPresetWithADescription() throws Exception {
        Out r = cli("presets");
        assertThat(r.code()).isEqualTo(0);
        List<String> runs = index("presets"), sweeps = index("sweeps");
        assertThat(runs).hasSizeGreaterThanOrEqualTo(12);
        assertThat(r.out().lines()).hasSize(2 + runs.size() + sweeps.size());
        for (String name : runs)
            assertThat(r.out()).containsPattern("(?m)^  " + java.util.regex.Pattern.quote(name) + " +\\S");
        for (String name : sweeps)
            assertThat(r.out()).containsPattern("(?m)^  " + java.util.regex.Pattern.quote(name) + " +\\S");
        assertThat(r.out()).contains("table-breast-cancer");
        assertThat(r.out())
                .contains("cds-modadd-quick")
                .contains("modelwise-modadd")
                .contains("phase-alpha-wd")
                .contains("54 runs")
                .contains("forecast-bank")
                .contains("forecast-bank-quick")
                .contains("mohamadi-ntk")
                .contains("mohamadi-ntk-adamw")
                .contains("omnigrok-wd")
                .contains("omnigrok-fixed-norm")
                .contains("kernel-baseline-modadd");
        assertThat(r.out())
                .contains("modadd-mlp")
                .contains("nanda-p113")
                .contains("power-p97")
                .contains("cds-modadd-p113")
                .contains("quadratic-p97");
        assertThat(r.out())
                .contains("imdb-grok")
                .contains("imdb-paper")
                .contains("yelp-grok")
                .contains("yelp-paper")
                .contains("cds-imdb")
                .contains("cds-paper-imdb")
                .contains("cds-yelp")
                .contains("cds-paper-yelp")
                .contains("omnigrok-mnist")
                .containsPattern("imdb-paper .*About \\d+ h on 2 cores");
        assertThat(r.out())
                .contains("mohamadi-ntk       6 runs. Mohamadi et al. 2024, figure 1: the empirical NTK"); // "et al."
        // does not end
        // the first
        // sentence
    }

    @Test
    void cdsTakesASampleWiseSweepPresetAsItsBaseRun() throws Exception {
        RunSource src = new RunSource();
        src.preset = "cds-modadd-quick";
        org.grokscope.config.RunConfig viaSweep = src.load(java.util.List.of("training.steps=100"), true);
        src.preset = "modadd-mlp";
        org.grokscope.config.RunConfig spelled = src.load(
                java.util.List.of(
                        "task.p=47",
                        "task.test_fraction=0.3",
                        "model.embed_dim=64",
                        "model.hidden=256",
                        "optimizer.lr=1e-2",
                        "training.steps=3000",
                        "training.eval_every=10",
                        "training.stop_at_test_acc=0.99",
                        "training.stop_patience=5",
                        "training.steps=100"),
                true);
        assertThat(ConfigLoader.toJson(viaSweep)).isEqualTo(ConfigLoader.toJson(spelled));
        // a sweep over something else than the size has no single base run
        src.preset = "cds-grokfast";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> src.load(java.util.List.of(), true))
                .hasMessageContaining("also sweeps optimizer.grokfast.kind")
                .hasMessageContaining("--preset modadd-mlp");
        Out o = cli("cds", "--preset", "cds-grokfast", "--out", tmp.resolve("s").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("also sweeps optimizer.grokfast.kind");
        assertThat(tmp.resolve("s")).doesNotExist();
    }
}
