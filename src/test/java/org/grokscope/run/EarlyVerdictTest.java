package org.grokscope.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.config.RunConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled early-verdict predictor on runs it was not fitted on (none of the bank's primes or settings): a
 * random-label run and a run far below its critical data size never read "forming"; the demo reads "forming" before its
 * test accuracy passes 50 %. Its probability and ETA are in metrics.csv and summary.json.
 */
class EarlyVerdictTest {
    @TempDir
    Path tmp;

    static final List<String> SMALL = List.of(
            "task.p=29",
            "model.embed_dim=32",
            "model.hidden=128",
            "optimizer.lr=0.01",
            "training.steps=1500",
            "training.eval_every=10",
            "probes.every=30");

    JsonNode run(String name, List<String> sets) throws Exception {
        RunConfig cfg = ConfigLoader.load(ConfigLoader.Source.preset("modadd-mlp"), sets);
        Path dir = tmp.resolve(name);
        Runner.job(cfg, dir).threads(2).run();
        return Json.MAPPER.readTree(dir.resolve("summary.json").toFile());
    }

    static JsonNode forecast(JsonNode summary) {
        return summary.path("probes").path("advisor").path("forecast");
    }

    @Test
    void aRandomLabelRunAndOneFarBelowItsCriticalDataSizeNeverReadForming() throws Exception {
        List<String> random = new java.util.ArrayList<>(SMALL);
        random.addAll(List.of("task.op=random", "task.train_fraction=0.7"));
        JsonNode r = run("random", random);
        assertThat(r.get("generalization_step").isNull()).isTrue();
        assertThat(forecast(r).get("forming_step").isNull())
                .as("random labels: %s", r.path("probes").path("advisor").path("log"))
                .isTrue();
        List<String> small = new java.util.ArrayList<>(SMALL);
        small.add("task.train_fraction=0.1");
        JsonNode s = run("small", small);
        assertThat(s.get("generalization_step").isNull()).isTrue();
        assertThat(forecast(s).get("forming_step").isNull())
                .as("84 of 841 pairs: %s", s.path("probes").path("advisor").path("log"))
                .isTrue();
        // the probability is in metrics.csv at every probe, and the last one in summary.json
        List<String> lines = Files.readAllLines(tmp.resolve("small").resolve("metrics.csv"));
        assertThat(lines.get(0)).endsWith(",p_generalize,eta_step");
        assertThat(lines.get(1)).doesNotEndWith(",,");
        assertThat(forecast(s).get("probability").asDouble()).isBetween(0.0, 1.0);
    }

    /**
     * The demo reads "forming" before its test accuracy passes 50 %, with an expected generalization step after the
     * verdict (the bundled predictor: at step 2,325, test accuracy 35 %, of a run that generalizes at 3,250).
     */
    @Test
    void theDemoReadsFormingBeforeItsTestAccuracyPassesHalf() throws Exception {
        JsonNode d = run("demo", List.of("training.stop_at_test_acc=0.5", "training.stop_patience=1"));
        List<String> lines = Files.readAllLines(tmp.resolve("demo").resolve("metrics.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        int acc = header.indexOf("test_acc");
        Integer atHalf = null;
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", -1);
            if (Double.parseDouble(f[acc]) >= 0.5) {
                atHalf = Integer.parseInt(f[0]);
                break;
            }
        }
        assertThat(atHalf).isNotNull();
        JsonNode f = forecast(d);
        assertThat(f.get("forming_step").isNull())
                .as("demo: %s", d.path("probes").path("advisor").path("log"))
                .isFalse();
        assertThat(f.get("forming_step").asInt()).isLessThan(atHalf);
        assertThat(f.get("eta").asLong()).isGreaterThan(f.get("forming_step").asLong());
    }

    @Test
    void aSweepWithEarlyVerdictsStopsHopelessRunsRecordsWhyAndKeepsThemOnRerun() throws Exception {
        Path dir = tmp.resolve("bank");
        String[] cmd = {"sweep", "--preset", "forecast-bank-quick", "--out", dir.toString(), "--early-verdicts"};
        assertThat(org.grokscope.cli.Main.execute(cmd)).isZero();
        java.util.Map<String, String> before = new java.util.TreeMap<>();
        int stalled = 0;
        try (var ds = Files.list(dir.resolve("runs"))) {
            for (Path r : ds.sorted().toList()) {
                JsonNode s = Json.MAPPER.readTree(r.resolve("summary.json").toFile());
                before.put(r.getFileName().toString(), Files.readString(r.resolve("summary.json")));
                if (!s.get("status").asText().equals("stopped_stalled")) continue;
                stalled++;
                assertThat(s.get("reason").asText()).startsWith("predicted not to generalize within 1500 steps (P ");
                assertThat(s.get("generalization_step").isNull()).isTrue();
                assertThat(s.get("steps").asInt()).isLessThan(1500);
                assertThat(forecast(s).get("verdict").asText()).isEqualTo("stalled");
            }
        }
        assertThat(stalled).as("the random-label runs at least are stopped").isGreaterThanOrEqualTo(1);
        // rerunning the command resumes nothing: every stopped run is finished, its record unchanged
        assertThat(org.grokscope.cli.Main.execute(cmd)).isZero();
        for (var e : before.entrySet())
            assertThat(Files.readString(dir.resolve("runs").resolve(e.getKey()).resolve("summary.json")))
                    .as(e.getKey())
                    .isEqualTo(e.getValue());
        String stalledRun = before.entrySet().stream()
                .filter(e -> e.getValue().contains("stopped_stalled"))
                .findFirst()
                .orElseThrow()
                .getKey();
        assertThat(org.grokscope.cli.Main.execute(
                        "train",
                        "--resume",
                        dir.resolve("runs").resolve(stalledRun).toString()))
                .as("a stopped run is finished")
                .isEqualTo(2);
    }
}
