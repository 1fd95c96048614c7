package org.grokscope.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.grokscope.cli.Main;
import org.grokscope.config.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdsSearchTest {
    @TempDir
    Path tmp;

    static final String[] BASE = {
        "--preset",
        "modadd-mlp",
        "--set",
        "task.p=31",
        "--set",
        "task.test_fraction=0.3",
        "--set",
        "model.embed_dim=32",
        "--set",
        "model.hidden=128",
        "--set",
        "optimizer.lr=1e-2",
        "--set",
        "training.steps=1500",
        "--set",
        "training.eval_every=10"
    };

    static String[] args(Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("cds"));
        a.addAll(List.of(BASE));
        a.addAll(List.of("--out", out.toString(), "--min", "40", "--seeds", "2", "--tolerance", "1.3"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @Test
    void bracketsTheCriticalSizeCheaperThanAGridAndReplaysWithoutRetraining() throws Exception {
        Path out = tmp.resolve("search");
        assertThat(Main.execute(args(out))).isEqualTo(0);
        JsonNode search = Json.MAPPER.readTree(out.resolve("cds.json").toFile()).get("search");
        int lo = search.get("last_failing_size").asInt(),
                hi = search.get("first_succeeding_size").asInt();
        assertThat(lo).isGreaterThanOrEqualTo(40);
        assertThat(hi).isGreaterThan(lo);
        assertThat((double) hi / lo).isLessThanOrEqualTo(1.3);
        assertThat(search.get("steps_used").asLong())
                .isLessThan(search.get("grid_steps").asLong());
        // full batch: a probe's compute is its steps times its size
        double exampleSteps = 0;
        for (JsonNode p : search.get("probes"))
            exampleSteps += p.get("n").asDouble() * p.get("steps").asDouble();
        assertThat(search.get("example_steps_used").asDouble()).isEqualTo(exampleSteps);
        assertThat(search.get("example_steps_used").asDouble())
                .isLessThan(search.get("grid_example_steps").asDouble());
        int seedsRun = 0;
        for (JsonNode p : search.get("probes")) {
            int n = p.get("n").asInt();
            if (n <= lo) assertThat(p.get("success").asBoolean()).as("n=%d", n).isFalse();
            if (n >= hi) assertThat(p.get("success").asBoolean()).as("n=%d", n).isTrue();
            // one of two seeds settles a size that generalizes: its first seed generalized, so the second is never
            // trained
            assertThat(p.get("planned").asInt()).isEqualTo(2);
            if (p.get("success").asBoolean())
                assertThat(p.get("seeds").asInt()).as("n=%d", n).isEqualTo(1);
            else assertThat(p.get("seeds").asInt()).as("n=%d", n).isEqualTo(2);
            seedsRun += p.get("seeds").asInt();
        }
        try (SweepStore s = new SweepStore(out.resolve("sweep.db"))) {
            assertThat(s.runs()).hasSize(seedsRun);
        }
        standingAgrees(out, search);
        // --all-seeds: every seed at every size (what the fitted interval across seeds needs), the same bracket
        Path all = tmp.resolve("all-seeds");
        assertThat(Main.execute(args(all, "--all-seeds"))).isEqualTo(0);
        JsonNode every = Json.MAPPER.readTree(all.resolve("cds.json").toFile()).get("search");
        assertThat(every.get("last_failing_size")).isEqualTo(search.get("last_failing_size"));
        assertThat(every.get("first_succeeding_size")).isEqualTo(search.get("first_succeeding_size"));
        for (JsonNode p : every.get("probes"))
            assertThat(p.get("seeds").asInt()).isEqualTo(2);
        assertThat(every.get("steps_used").asLong())
                .isGreaterThan(search.get("steps_used").asLong());
        assertThat(Main.execute(args(all)))
                .as("a settled search is another search: refused in the same directory")
                .isEqualTo(2);
        String attempts;
        try (SweepStore s = new SweepStore(out.resolve("sweep.db"))) {
            attempts = s.runs().stream().map(r -> r.id() + ":" + r.attempts()).collect(Collectors.joining(","));
        }
        assertThat(Main.execute(args(out))).isEqualTo(0);
        try (SweepStore s = new SweepStore(out.resolve("sweep.db"))) {
            assertThat(s.runs().stream().map(r -> r.id() + ":" + r.attempts()).collect(Collectors.joining(",")))
                    .isEqualTo(attempts);
        }
        assertThat(Json.MAPPER.readTree(out.resolve("cds.json").toFile()).get("search"))
                .isEqualTo(search);

        // a search killed inside its last probe: the rerun walks the earlier probes (whose runs are done)
        // and reruns only the interrupted run, to the same result
        String last;
        try (SweepStore s = new SweepStore(out.resolve("sweep.db"))) {
            List<SweepStore.Row> rows = s.runs();
            last = rows.get(rows.size() - 1).id();
            s.markRunning(last);
        }
        assertThat(Main.execute(args(out))).isEqualTo(0);
        try (SweepStore s = new SweepStore(out.resolve("sweep.db"))) {
            for (SweepStore.Row r : s.runs()) {
                assertThat(r.status()).as(r.id()).isEqualTo(SweepStore.Status.COMPLETED);
                if (!r.id().equals(last))
                    assertThat(r.id() + ":" + r.attempts()).isIn((Object[]) attempts.split(","));
            }
        }
        assertThat(Json.MAPPER.readTree(out.resolve("cds.json").toFile()).get("search"))
                .isEqualTo(search);
    }

    /**
     * Early verdicts stop runs predicted not to generalize; a size that fails only because of them is provisional, and
     * the search confirms it (trains the stopped seeds on from their checkpoints) before it bounds the bracket. So the
     * bracket is the one the search finds without early verdicts, and a continued run is the very run it would have
     * been.
     */
    @Test
    void earlyVerdictsFindTheSameBracketAndConfirmWhatBoundsIt() throws Exception {
        Path plain = tmp.resolve("plain"), early = tmp.resolve("early");
        assertThat(Main.execute(args(plain))).isEqualTo(0);
        assertThat(Main.execute(args(early, "--early-verdicts"))).isEqualTo(0);
        JsonNode a = Json.MAPPER.readTree(plain.resolve("cds.json").toFile()).get("search");
        JsonNode b = Json.MAPPER.readTree(early.resolve("cds.json").toFile()).get("search");
        assertThat(b.get("last_failing_size")).isEqualTo(a.get("last_failing_size"));
        assertThat(b.get("first_succeeding_size")).isEqualTo(a.get("first_succeeding_size"));
        assertThat(b.get("steps_used").asLong()).isLessThan(a.get("steps_used").asLong());

        // the bracket's failing end rests on runs trained to the budget, never on a verdict
        int lo = b.get("last_failing_size").asInt();
        for (JsonNode p : b.get("probes"))
            if (p.get("n").asInt() == lo) assertThat(p.get("stopped").asInt()).isZero();
        java.util.Map<String, String> plainRun = new java.util.HashMap<>();
        List<SweepStore.Row> rows;
        try (SweepStore s = new SweepStore(plain.resolve("sweep.db"))) {
            for (SweepStore.Row r : s.runs()) plainRun.put(r.params(), r.id());
        }
        try (SweepStore s = new SweepStore(early.resolve("sweep.db"))) {
            rows = s.runs();
        }
        List<SweepStore.Row> continued = rows.stream()
                .filter(r -> r.params().contains(SweepConfig.Point.CONTINUES))
                .toList();
        assertThat(continued).as("some stopped run was confirmed").isNotEmpty();
        for (SweepStore.Row r : continued) {
            JsonNode params = Json.MAPPER.readTree(r.params());
            String source = params.get(SweepConfig.Point.CONTINUES).asText();
            assertThat(rows.stream()
                            .filter(x -> x.id().equals(source))
                            .findFirst()
                            .orElseThrow()
                            .summary())
                    .contains("stopped_stalled");
            ((com.fasterxml.jackson.databind.node.ObjectNode) params).remove(SweepConfig.Point.CONTINUES);
            String twin =
                    plainRun.get(SweepStore.toJson(Json.MAPPER.convertValue(params, java.util.LinkedHashMap.class)));
            if (twin == null) continue; // a size the plain search never probed
            assertThat(Files.readAllBytes(early.resolve("runs").resolve(r.id()).resolve("metrics.csv")))
                    .as("run %s continues %s as the uninterrupted run %s", r.id(), source, twin)
                    .isEqualTo(Files.readAllBytes(
                            plain.resolve("runs").resolve(twin).resolve("metrics.csv")));
        }
        // a stopped run and its continuation count once
        assertThat(SweepStore.current(rows)).hasSize(rows.size() - continued.size());
        standingAgrees(early, b);
        standingAgrees(plain, a);

        // the same command replays the search, continuations included, without training anything
        String attempts = rows.stream().map(r -> r.id() + ":" + r.attempts()).collect(Collectors.joining(","));
        assertThat(Main.execute(args(early, "--early-verdicts"))).isEqualTo(0);
        try (SweepStore s = new SweepStore(early.resolve("sweep.db"))) {
            assertThat(s.runs().stream().map(r -> r.id() + ":" + r.attempts()).collect(Collectors.joining(",")))
                    .isEqualTo(attempts);
        }
        assertThat(Json.MAPPER.readTree(early.resolve("cds.json").toFile()).get("search"))
                .isEqualTo(b);
    }

    /**
     * What the dashboard shows of a search (its standing, from one snapshot of the store) is what the search itself
     * concluded: the same bracket and the same probes, counted alike (seeds, generalized, stopped, steps).
     */
    static void standingAgrees(Path dir, JsonNode search) throws Exception {
        try (SweepStore s = SweepStore.readOnly(dir.resolve("sweep.db"))) {
            CdsSearch.Standing st = CdsSearch.standing(s.snapshot());
            assertThat(st.running()).isNull();
            assertThat(st.lastFailing())
                    .isEqualTo(search.get("last_failing_size").asInt());
            assertThat(st.firstSucceeding())
                    .isEqualTo(search.get("first_succeeding_size").asInt());
            assertThat(Json.MAPPER.valueToTree(st.probes()).toString())
                    .isEqualTo(search.get("probes").toString());
        }
    }

    @Test
    void aSizeRunsOnlyTheSeedsThatCanStillChangeItsOutcome() {
        // two of three must generalize: two seeds first; a third only when they disagree
        assertThat(CdsSearch.toSettle(0, 0, 3, 2)).isEqualTo(2);
        assertThat(CdsSearch.toSettle(2, 0, 3, 2)).isZero();
        assertThat(CdsSearch.toSettle(0, 2, 3, 2)).isZero();
        assertThat(CdsSearch.toSettle(1, 1, 3, 2)).isEqualTo(1);
        // one of two: one seed first; the second only if the first fails
        assertThat(CdsSearch.toSettle(0, 0, 2, 1)).isEqualTo(1);
        assertThat(CdsSearch.toSettle(1, 0, 2, 1)).isZero();
        assertThat(CdsSearch.toSettle(0, 1, 2, 1)).isEqualTo(1);
        // all of three: one failure settles it
        assertThat(CdsSearch.toSettle(0, 0, 3, 3)).isEqualTo(1);
        assertThat(CdsSearch.toSettle(1, 0, 3, 3)).isEqualTo(1);
        assertThat(CdsSearch.toSettle(2, 1, 3, 3)).isZero();
        // a failure that rests on a stopped seed, with a seed not run, is provisional
        assertThat(new CdsSearch.Probe(100, 0, 2, false, 10, 2, 3).provisional(0.5))
                .isTrue();
        assertThat(new CdsSearch.Probe(100, 0, 2, false, 10, 0, 3).provisional(0.5))
                .isFalse();
        assertThat(new CdsSearch.Probe(100, 0, 3, false, 10, 1, 3).provisional(0.5))
                .isFalse();
    }

    @Test
    void refusesASearchWithoutAFixedTestPool() {
        assertThat(Main.execute(
                        "cds",
                        "--preset",
                        "modadd-mlp",
                        "--out",
                        tmp.resolve("x").toString()))
                .isEqualTo(2);
        assertThat(tmp.resolve("x")).doesNotExist();
    }
}
