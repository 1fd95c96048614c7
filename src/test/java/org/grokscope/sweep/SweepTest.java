package org.grokscope.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.grokscope.cli.Main;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.ConfigLoaderTest;
import org.grokscope.config.Json;
import org.grokscope.config.Mlp;
import org.grokscope.config.OptimizerKind;
import org.grokscope.config.RunConfig;
import org.grokscope.config.TransformerSpec;
import org.grokscope.run.Experiment;
import org.grokscope.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
    @TempDir
    Path tmp;

    static ConfigLoader.Bound<SweepConfig> bind(String yaml) throws ConfigException {
        return ConfigLoader.bind(new ConfigLoader.Source("sweep.yaml", yaml, false), SweepConfig.class);
    }

    @Test
    void theProgressLineShowsEachRunningRunsLatestEvaluationUntilItEnds() throws Exception {
        RunConfig c = ConfigLoaderTest.yaml("task: {p: 11}\ntraining: {steps: 500}\n");
        java.util.Map<String, String> live = new java.util.TreeMap<>();
        try (Experiment ex = new Experiment(c, 1)) {
            org.grokscope.train.TrainListener l = LocalExecutor.liveStatus("0007", live);
            l.onEval(ex.trainer, new org.grokscope.train.Evaluation(250, 1e-3, 0.1, 1.0, 2.0, 0.4321, 0, 1, 1, 0));
            assertThat(live).containsEntry("0007", "0007 step 250/500 train 100.0% test 43.2%");
            l.onEnd(
                    ex.trainer,
                    new org.grokscope.train.Trainer.Outcome(
                            org.grokscope.train.Trainer.Status.COMPLETED, 500, null, 1));
            assertThat(live).isEmpty();
        }
    }

    @Test
    void expandsAxesTimesSeedsInOrder() throws Exception {
        List<SweepConfig.Point> ps = SweepConfig.expand(bind("""
                name: s
                base: {preset: modadd-mlp}
                set: ["training.steps=10"]
                axes:
                  task.train_count: {geometric: {from: 100, to: 1600, count: 5}}
                  optimizer.weight_decay: [0.1, 1]
                seeds: [0, 7]
                """), null);
        assertThat(ps).hasSize(5 * 2 * 2);
        assertThat(ps.stream()
                        .map(p -> p.config().task().trainCount())
                        .distinct()
                        .toList())
                .containsExactly(100, 200, 400, 800, 1600);
        assertThat(ps.get(0).params())
                .isEqualTo(Map.of("task.train_count", "100", "optimizer.weight_decay", "0.1", "seed", "0"));
        assertThat(ps.get(1).params().get("seed")).isEqualTo("7");
        assertThat(ps.get(2).config().optimizer().weightDecay()).isEqualTo(1.0);
        assertThat(ps.get(19).config().name()).isEqualTo("s-0019");
        assertThat(ps.get(19).config().training().steps()).isEqualTo(10);
    }

    @Test
    void aSampleDrawsDistinctCombinationsWithEverySeedAndAMappingSetsAWholeSection() throws Exception {
        String yaml = """
                name: bank
                base: {preset: modadd-mlp}
                set: ["training.steps=10"]
                axes:
                  model:
                    - {kind: mlp, hidden: 64}
                    - {kind: transformer, d_model: 32, heads: 4, d_mlp: 64, layers: 1}
                  optimizer: [{kind: adamw, lr: 0.01}, {kind: sgd, lr: 0.3, momentum: 0.9}]
                  optimizer.weight_decay: [0, 1]
                  task.op: [add, mul, random]
                  task.p: [11, 13]
                seeds: [0, 1]
                sample: {count: 10, seed: 4}
                """;
        List<SweepConfig.Point> ps = SweepConfig.expand(bind(yaml), null);
        assertThat(ps).hasSize(20);
        java.util.Set<String> combos = new java.util.HashSet<>();
        for (int i = 0; i < ps.size(); i += 2) {
            Map<String, String> a = new java.util.LinkedHashMap<>(ps.get(i).params()),
                    b = new java.util.LinkedHashMap<>(ps.get(i + 1).params());
            assertThat(a.remove("seed")).isEqualTo("0");
            assertThat(b.remove("seed")).isEqualTo("1");
            assertThat(a).as("both seeds of a combination run").isEqualTo(b);
            combos.add(a.toString());
        }
        assertThat(combos).as("distinct combinations").hasSize(10);
        // the draw is fixed by its seed, and another seed draws another set
        assertThat(SweepConfig.expand(bind(yaml), null).stream()
                        .map(SweepConfig.Point::params)
                        .toList())
                .isEqualTo(ps.stream().map(SweepConfig.Point::params).toList());
        assertThat(SweepConfig.expand(bind(yaml.replace("seed: 4", "seed: 5")), null).stream()
                        .map(SweepConfig.Point::params)
                        .toList())
                .isNotEqualTo(ps.stream().map(SweepConfig.Point::params).toList());
        // a mapping sets its whole section, and a later axis refines it
        for (SweepConfig.Point p : ps) {
            RunConfig c = p.config();
            if (p.params().get("model").contains("transformer"))
                assertThat(c.model()).isInstanceOf(TransformerSpec.class);
            else assertThat(((Mlp) c.model()).hidden()).isEqualTo(64);
            boolean sgd = p.params().get("optimizer").contains("sgd");
            assertThat(c.optimizer().kind()).isEqualTo(sgd ? OptimizerKind.SGD : OptimizerKind.ADAMW);
            assertThat(c.optimizer().lr()).isEqualTo(sgd ? 0.3 : 0.01);
            assertThat(c.optimizer().weightDecay())
                    .isEqualTo(Double.parseDouble(p.params().get("optimizer.weight_decay")));
        }
        assertThatThrownBy(() -> SweepConfig.expand(bind(yaml.replace("count: 10", "count: 49")), null))
                .hasMessageContaining("sample.count: the grid has only 48 combinations, fewer than 49");
        assertThatThrownBy(() -> SweepConfig.expand(bind(yaml.replace("count: 10", "count: 0")), null))
                .hasMessageContaining("sample.count: must be >= 1");
    }

    @Test
    void variantsAreNamedSettingsCrossedWithTheAxesAndSeedsButNotWithEachOther() throws Exception {
        List<SweepConfig.Point> ps = SweepConfig.expand(bind("""
                name: v
                base: {preset: modadd-mlp}
                set: ["training.steps=10"]
                variants:
                  - {name: stablemax, set: ["training.loss=stablemax_ce", "optimizer.beta2=0.999"]}
                  - {name: ortho, set: ["optimizer.orthogonal=true", "training.steps=30"]}
                axes:
                  task.p: [23, 29]
                seeds: [0, 1]
                """), null);
        assertThat(ps).hasSize(2 * 2 * 2);
        assertThat(ps.get(0).params()).isEqualTo(Map.of("variant", "stablemax", "task.p", "23", "seed", "0"));
        assertThat(ps.get(0).config().training().loss()).isEqualTo(org.grokscope.engine.LossFunction.STABLEMAX_CE);
        assertThat(ps.get(0).config().optimizer().beta2()).isEqualTo(0.999);
        assertThat(ps.get(0).config().optimizer().orthogonal()).isFalse();
        SweepConfig.Point o = ps.get(7);
        assertThat(o.params()).isEqualTo(Map.of("variant", "ortho", "task.p", "29", "seed", "1"));
        assertThat(o.config().optimizer().orthogonal()).isTrue();
        assertThat(o.config().training().steps()).isEqualTo(30); // a variant's set comes after the sweep's
        assertThat(o.config().optimizer().beta2()).isEqualTo(0.98); // and nothing of the other variant's
        assertThat(o.config().training().loss()).isEqualTo(org.grokscope.engine.LossFunction.CROSS_ENTROPY);
        assertThatThrownBy(() -> SweepConfig.expand(
                        bind("base: {preset: modadd-mlp}\nvariants:\n  - {name: a, set: []}\n"), null))
                .hasMessage("sweep.yaml:2: variants: variant 1: set: list the overrides that make 'a'");
        assertThatThrownBy(() -> SweepConfig.expand(
                        bind(
                                "base: {preset: modadd-mlp}\nvariants:\n  - {name: a, set: [\"training.steps=5\"]}\n  - {name: a, set: [\"training.steps=6\"]}\n"),
                        null))
                .hasMessageContaining("variants: variant 2: name 'a' is listed twice");
    }

    @Test
    void theBundledBanksExpand() throws Exception {
        for (String preset : List.of("forecast-bank", "forecast-bank-quick")) {
            ConfigLoader.Bound<SweepConfig> b =
                    ConfigLoader.bind(ConfigLoader.Source.resource("sweeps", preset), SweepConfig.class);
            List<SweepConfig.Point> ps = SweepConfig.expand(b, null);
            assertThat(ps).hasSize(preset.equals("forecast-bank") ? 300 : 10);
            assertThat(ps.stream().map(p -> p.params().get("task.op")).distinct())
                    .contains("random");
        }
        // the check bank holds none of the forecast bank's primes, and operations it does not hold
        List<SweepConfig.Point> bank = SweepConfig.expand(
                ConfigLoader.bind(ConfigLoader.Source.resource("sweeps", "forecast-bank"), SweepConfig.class), null);
        List<SweepConfig.Point> check = SweepConfig.expand(
                ConfigLoader.bind(ConfigLoader.Source.resource("sweeps", "forecast-check"), SweepConfig.class), null);
        assertThat(check).hasSize(80);
        java.util.Set<Object> bankPrimes = new java.util.HashSet<>(), bankOps = new java.util.HashSet<>();
        for (SweepConfig.Point p : bank) {
            bankPrimes.add(p.params().get("task.p"));
            bankOps.add(p.params().get("task.op"));
        }
        for (SweepConfig.Point p : check)
            assertThat(bankPrimes).doesNotContain(p.params().get("task.p"));
        assertThat(check.stream()
                        .map(p -> p.params().get("task.op"))
                        .filter(o -> !bankOps.contains(o))
                        .distinct())
                .contains("div_odd", "x3+xy");
    }

    @Test
    void badSweepsNameTheLine() {
        assertThatThrownBy(() -> SweepConfig.expand(
                        bind("base: {preset: modadd-mlp}\naxes:\n  task.p: {geometric: {from: 0, to: 5, count: 2}}\n"),
                        null))
                .hasMessage("sweep.yaml:3: axes.task.p: a geometric range needs positive from and to");
        assertThatThrownBy(
                        () -> SweepConfig.expand(bind("base: {preset: modadd-mlp}\naxes:\n  task.p: [97, -5]\n"), null))
                .hasMessageContaining("run {task.p=-5, seed=0}")
                .hasMessageContaining("--set task.p=-5: must be between 2 and 2000");
        assertThatThrownBy(() -> bind("base: {preset: modadd-mlp}\naxis: {}\n"))
                .hasMessageContaining("sweep.yaml:2: axis: unknown key");
        assertThatThrownBy(() -> SweepConfig.expand(bind("axes: {}\n"), null))
                .hasMessageContaining("base: give exactly one of");
    }

    static final String QUICK = """
            name: quick
            base: {preset: modadd-mlp}
            set: ["task.p=23", "model.embed_dim=16", "model.hidden=64", "training.steps=400", "training.eval_every=20"]
            axes:
              task.train_fraction: [0.3, 0.5]
            seeds: [0, 1, 2]
            """;

    @Test
    void killedWithSigkillThenRerunKeepsEveryFinishedRun() throws Exception {
        Path cfg = tmp.resolve("quick.yaml"), dir = tmp.resolve("sweep");
        Files.writeString(cfg, QUICK);
        Process p = org.grokscope.cli.Subprocess.grokscope(
                tmp.resolve("log.txt"),
                "sweep",
                "--config",
                cfg.toString(),
                "--out",
                dir.toString(),
                "--workers",
                "1",
                "--threads-per-run",
                "1");
        Map<String, String> before = Map.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(100);
            if (!Files.exists(dir.resolve("sweep.db"))) continue;
            try (SweepStore s = new SweepStore(dir.resolve("sweep.db"))) {
                before = s.runs().stream()
                        .filter(r -> r.status() == SweepStore.Status.COMPLETED)
                        .collect(Collectors.toMap(SweepStore.Row::id, SweepStore.Row::summary));
            } catch (java.sql.SQLException busy) {
                continue;
            }
            if (before.size() >= 2) break;
        }
        assertThat(p.isAlive())
                .as("sweep still running when killed; log:\n" + Files.readString(tmp.resolve("log.txt")))
                .isTrue();
        p.destroyForcibly(); // SIGKILL: no hooks, no cleanup
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(before).hasSizeBetween(2, 5);

        assertThat(Main.execute("sweep", "--config", cfg.toString(), "--out", dir.toString(), "--workers", "2"))
                .isEqualTo(0);
        try (SweepStore s = new SweepStore(dir.resolve("sweep.db"))) {
            List<SweepStore.Row> rows = s.runs();
            assertThat(rows).hasSize(6).allMatch(r -> r.status() == SweepStore.Status.COMPLETED);
            for (SweepStore.Row r : rows) {
                if (before.containsKey(r.id())) {
                    assertThat(r.attempts())
                            .as("run %s finished before the kill is not rerun", r.id())
                            .isEqualTo(1);
                    assertThat(r.summary()).isEqualTo(before.get(r.id()));
                }
                assertThat(dir.resolve("runs").resolve(r.id()).resolve(RunDirectory.SUMMARY))
                        .exists();
            }
        }
        JsonNode cds = Json.MAPPER.readTree(dir.resolve("cds.json").toFile());
        assertThat(cds.get("size_axis").asText()).isEqualTo("task.train_fraction");
        assertThat(cds.get("groups").get(0).get("paper").get("points")).hasSize(2);
        // a third invocation has nothing left to do
        assertThat(Main.execute("sweep", "--config", cfg.toString(), "--out", dir.toString()))
                .isEqualTo(0);
        // and the same directory refuses a different sweep
        Files.writeString(cfg, QUICK.replace("[0, 1, 2]", "[5]"));
        assertThat(Main.execute("sweep", "--config", cfg.toString(), "--out", dir.toString()))
                .isEqualTo(2);
    }

    @Test
    void sizeSweepEstimatesTheCriticalDataSizeByBothMethods() throws Exception {
        Path cfg = tmp.resolve("cds.yaml"), dir = tmp.resolve("cds");
        Files.writeString(cfg, """
                name: cds
                base: {preset: modadd-mlp}
                set: ["task.p=31", "model.embed_dim=32", "model.hidden=128", "optimizer.lr=1e-2", "training.steps=1500",
                      "training.eval_every=10", "task.test_fraction=0.3"]
                axes:
                  task.train_count: [80, 250, 550]
                seeds: [0, 1]
                """);
        assertThat(Main.execute("sweep", "--config", cfg.toString(), "--out", dir.toString()))
                .isEqualTo(0);
        JsonNode g = Json.MAPPER
                .readTree(dir.resolve("cds.json").toFile())
                .get("groups")
                .get(0);
        assertThat(g.get("paper").get("points")).hasSize(3);
        assertThat(g.get("fit").get("seeds").asInt()).isEqualTo(2);
        assertThat(g.get("fit").get("per_seed").size()).isEqualTo(2);
        double cds = g.get("fit").get("cds").asDouble();
        assertThat(cds).isBetween(80.0, 550.0);
        assertThat(g.get("fit").get("interval").get(0).asDouble()).isLessThanOrEqualTo(cds);
        assertThat(g.get("final_test_acc").get("80.0").get("0").asDouble())
                .isLessThan(g.get("final_test_acc").get("550.0").get("0").asDouble());
        assertThat(g.get("statement").asText()).contains("fitted CDS");
        // the report: one self-contained page (library and data inlined, nothing fetched)
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("new Chart(").contains("\"train_size\":550").contains("fitted CDS");
        assertThat(html).doesNotContainPattern("<script[^>]+src=").doesNotContainPattern("<link[^>]+href=");
        assertThat(html.length()).isGreaterThan(200_000);
        // only the page's own scripts may run: the policy lists exactly their hashes
        java.util.regex.Matcher csp = java.util.regex.Pattern.compile("Content-Security-Policy\" content=\"([^\"]*)\"")
                .matcher(html);
        assertThat(csp.find()).isTrue();
        assertThat(csp.group(1)).startsWith("default-src 'none'; script-src 'sha256-");
        java.util.regex.Matcher scripts = java.util.regex.Pattern.compile(
                        "<script>(.*?)</script>", java.util.regex.Pattern.DOTALL)
                .matcher(html);
        int n = 0;
        while (scripts.find()) {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(scripts.group(1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(csp.group(1))
                    .contains("'sha256-" + java.util.Base64.getEncoder().encodeToString(d) + "'");
            n++;
        }
        assertThat(n).isEqualTo(2);
        assertThat(csp.group(1).split("sha256-")).hasSize(n + 1);
    }

    @Test
    void aPolicyPlaceholderInsideTheDataIsLeftAlone() {
        String page = "<head><!--CSP--></head><script>const DATA = {\"name\": \"<!--CSP-->\"};</script>";
        String out = org.grokscope.report.SweepReport.withPolicy(page);
        assertThat(out)
                .startsWith("<head><meta http-equiv=\"Content-Security-Policy\"")
                .endsWith("{\"name\": \"<!--CSP-->\"};</script>");
    }

    /** Idle workers' threads go to the runs still going, and come back when another run starts. */
    @Test
    void runsInProgressShareTheCoresOfIdleWorkers() {
        try (org.grokscope.engine.Parallel a = new org.grokscope.engine.Parallel(2);
                org.grokscope.engine.Parallel b = new org.grokscope.engine.Parallel(2)) {
            a.use(1);
            b.use(1);
            LocalExecutor.CoreShare share = new LocalExecutor.CoreShare(2, 1);
            share.join(a);
            assertThat(a.inUse()).isEqualTo(2);
            share.join(b);
            assertThat(List.of(a.inUse(), b.inUse())).containsExactly(1, 1);
            share.leave(a);
            assertThat(b.inUse()).isEqualTo(2);
            assertThat(List.of(a.maxInUse(), b.maxInUse()))
                    .as("what summaries record")
                    .containsExactly(2, 2);
            org.grokscope.engine.Parallel c = new org.grokscope.engine.Parallel(2);
            c.use(1);
            assertThat(c.maxInUse()).isEqualTo(1);
            c.close();
            LocalExecutor.CoreShare fixed = new LocalExecutor.CoreShare(1, 1); // --threads-per-run given: no sharing
            fixed.join(a);
            assertThat(a.inUse()).isEqualTo(1);
        }
    }
}
