package org.grokscope.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.RunConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probes inside real runs: cadence, columns, kernel baseline, quadratic margin, fixed-norm training. */
class ProbeRunTest {
    @TempDir
    Path tmp;

    static RunConfig cfg(String yaml, String... sets) throws ConfigException {
        return ConfigLoader.load(new ConfigLoader.Source("test.yaml", yaml, false), List.of(sets));
    }

    static final String MLP = """
            name: probes
            task: {op: add, p: 23, train_fraction: 0.5}
            model: {kind: mlp, embed_dim: 16, hidden: 48}
            optimizer: {lr: 3.0e-3, weight_decay: 1.0}
            training: {steps: 100, eval_every: 10}
            probes: {every: 30, kernel_baseline: true, ntk_samples: 40}
            """;

    List<String[]> rows(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve(RunDirectory.METRICS)).stream()
                .map(l -> l.split(",", -1))
                .toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void probesRunAtTheirCadenceAndFillTheirColumns() throws Exception {
        Runner.Result r = Runner.job(cfg(MLP), tmp.resolve("a"))
                .threads(2)
                .command("test")
                .run();
        List<String[]> rows = rows(r.dir());
        List<String> header = Arrays.asList(rows.get(0));
        int ntk = header.indexOf("ntk_rel"),
                gini = header.indexOf("embed_gini"),
                kern = header.indexOf("kernel_test_acc"),
                restricted = header.indexOf("restricted_loss");
        assertThat(header)
                .contains(
                        "fc1.weight.l2",
                        "out.bias.rel_dist",
                        "ntk_dist",
                        "ntk_cka",
                        "wl_gini",
                        "key_freqs",
                        "excluded_loss");
        assertThat(List.of(ntk, gini, kern, restricted)).doesNotContain(-1);
        for (String[] row : rows.subList(1, rows.size())) {
            int step = Integer.parseInt(row[0]);
            assertThat(row).hasSize(header.size());
            assertThat(row[ntk].isEmpty()).as("step %d", step).isEqualTo(step % 30 != 0);
            if (step == 0) assertThat(Double.parseDouble(row[ntk])).isZero(); // Θ0 against itself
            if (step == 90) assertThat(Double.parseDouble(row[ntk])).isPositive();
            assertThat(row[kern].isEmpty()).isEqualTo(step != 0); // once, at the first probe
        }
        Map<String, Object> probes = r.summary().probes();
        Map<String, Object> kb = (Map<String, Object>) probes.get("kernel_baseline");
        assertThat((Double) kb.get("test_accuracy")).isBetween(0.0, 1.0);
        assertThat((Double) kb.get("train_accuracy")).isEqualTo(1.0); // ridgeless: interpolates
        assertThat(probes.get("every")).isEqualTo(30);
        assertThat((Map<String, Object>) probes.get("advisor"))
                .containsKeys("state", "memorization_step", "kernel_departure_step", "log");
    }

    @Test
    void budgetPicksAMultipleOfTheEvaluationInterval() throws Exception {
        Runner.Result r = Runner.job(
                        cfg(MLP, "probes.every=0", "probes.budget=0.05", "probes.kernel_baseline=false"),
                        tmp.resolve("b"))
                .threads(2)
                .command("test")
                .run();
        int every = (Integer) r.summary().probes().get("every");
        assertThat(every % 10).isZero();
        assertThat(every)
                .isGreaterThan(10); // 40-example eNTK + all 529 pairs' Fourier pass > 5 % of a 265-example step
    }

    @Test
    void quadraticNetReportsItsNormalizedMargin() throws Exception {
        String q = """
                name: quad
                task: {op: add, p: 11, train_fraction: 0.6}
                model: {kind: quadratic, width: 44}
                init: {scheme: kaiming}
                optimizer: {kind: normalized_gd, lr: 1.0, weight_decay: 0}
                training: {steps: 60, eval_every: 20}
                probes: {every: 20}
                """;
        Runner.Result r =
                Runner.job(cfg(q), tmp.resolve("q")).threads(2).command("test").run();
        List<String[]> rows = rows(r.dir());
        int margin = Arrays.asList(rows.get(0)).indexOf("margin");
        assertThat(margin).isPositive();
        assertThat(rows.get(rows.size() - 1)[margin]).isNotEmpty();
    }

    @Test
    void fixedNormTrainingStaysOnTheSphere() throws Exception {
        Runner.Result r = Runner.job(cfg(MLP, "training.fixed_norm=7.5", "probes.enabled=false"), tmp.resolve("f"))
                .threads(2)
                .command("test")
                .run();
        List<String[]> rows = rows(r.dir());
        assertThat(rows.get(0))
                .hasSize(Metrics.BASE_COLUMNS
                        + Metrics.COLLAPSE_COLUMNS.size()); // probes off: base and collapse columns only
        for (String[] row : rows.subList(1, rows.size()))
            assertThat(Double.parseDouble(row[7])).isCloseTo(7.5, within(1e-3)); // l2_norm
        assertThat(r.summary().probes()).isNull();
    }

    static final String NO_WD = """
            name: collapse
            task: {op: add, p: 23, train_fraction: 0.4}
            model: {kind: mlp, embed_dim: 32, hidden: 64}
            optimizer: {lr: 3.0e-2, weight_decay: 0.0}
            training: {steps: 1500, eval_every: 50, loss_precision: fp32}
            """;

    @Test
    @SuppressWarnings("unchecked")
    void noWeightDecayInFp32CollapsesAndTheAdvisorSaysSo() throws Exception {
        Runner.Result r = Runner.job(cfg(NO_WD), tmp.resolve("c"))
                .threads(2)
                .command("test")
                .run();
        List<String[]> rows = rows(r.dir());
        int one = Arrays.asList(rows.get(0)).indexOf("softmax_one_share"),
                zero = Arrays.asList(rows.get(0)).indexOf("zero_loss_share");
        double most = 0;
        for (String[] row : rows.subList(1, rows.size())) most = Math.max(most, Double.parseDouble(row[one]));
        assertThat(most)
                .as("largest share of training examples whose softmax rounds to 1")
                .isGreaterThan(0.5);
        assertThat(rows.get(1)[zero]).isEqualTo("0"); // nothing has collapsed at initialization
        Map<String, Object> adv = (Map<String, Object>) r.summary().probes().get("advisor");
        assertThat(adv.get("softmax_collapse_step")).isNotNull();
        assertThat((List<String>) adv.get("log"))
                .anySatisfy(l -> assertThat(l)
                        .contains("softmax collapse: learning has stopped")
                        .contains("(fp32)")
                        .contains("add weight decay")
                        .contains("stablemax_ce"));
        // the same run in fp64 does not collapse at these margins
        Runner.Result d = Runner.job(cfg(NO_WD, "training.loss_precision=fp64"), tmp.resolve("d"))
                .threads(2)
                .command("test")
                .run();
        assertThat(((Map<String, Object>) d.summary().probes().get("advisor")).get("softmax_collapse_step"))
                .isNull();
    }
}
