package org.grokscope.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.grokscope.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.grokscope.config.ConfigLoader;

class CdsSearchTest {
    @TempDir
    Path tmp;

    static final String[] BASE = {"--preset", "modadd-mlp", "--set", "task.p=31", "--set", "task.test_fraction=0.3",
            "--set", "model.embed_dim=32", "--set", "model.hidden=128", "--set", "optimizer.lr=1e-2",
            "--set", "training.steps=1500", "--set", "training.eval_every=10"};

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
        JsonNode search = ConfigLoader.JSON.readTree(out.resolve("cds.json").toFile()).get("search");
        int lo = search.get("last_failing_size").asInt(), hi = search.get("first_succeeding_size").asInt();
        assertThat(lo).isGreaterThanOrEqualTo(40);
        assertThat(hi).isGreaterThan(lo);
        assertThat((double) hi / lo).isLessThanOrEqualTo(1.3);
        assertThat(search.get("steps_used").asLong()).isLessThan(search.get("grid_steps").asLong());
        // full batch: a probe's compute is its steps times its size
        double exampleSteps = 0;
        for (JsonNode p : search.get("probes")) exampleSteps += p.get("n").asDouble() * p.get("steps").asDouble();
        assertThat(search.get("example_steps_used").asDouble()).isEqualTo(exampleSteps);
        assertThat(search.get("example_steps_used").asDouble()).isLessThan(search.get("grid_example_steps").asDouble());
        for (JsonNode p : search.get("probes")) {
            int n = p.get("n").asInt();
            if (n <= lo) assertThat(p.get("success").asBoolean()).as("n=%d", n).isFalse();
            if (n >= hi) assertThat(p.get("success").asBoolean()).as("n=%d", n).isTrue();
        }
        String attempts;
        try (SweepStore s = new SweepStore(out.resolve("sweep.db"))) {
            attempts = s.runs().stream().map(r -> r.id() + ":" + r.attempts()).collect(Collectors.joining(","));
        }
        assertThat(Main.execute(args(out))).isEqualTo(0);
        try (SweepStore s = new SweepStore(out.resolve("sweep.db"))) {
            assertThat(s.runs().stream().map(r -> r.id() + ":" + r.attempts()).collect(Collectors.joining(","))).isEqualTo(attempts);
        }
        assertThat(ConfigLoader.JSON.readTree(out.resolve("cds.json").toFile()).get("search")).isEqualTo(search);

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
                if (!r.id().equals(last)) assertThat(r.id() + ":" + r.attempts()).isIn((Object[]) attempts.split(","));
            }
        }
        assertThat(ConfigLoader.JSON.readTree(out.resolve("cds.json").toFile()).get("search")).isEqualTo(search);
    }

    @Test
    void refusesASearchWithoutAFixedTestPool() {
        assertThat(Main.execute("cds", "--preset", "modadd-mlp", "--out", tmp.resolve("x").toString())).isEqualTo(2);
        assertThat(tmp.resolve("x")).doesNotExist();
    }
}
