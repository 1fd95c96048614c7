package org.grokscope.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.grokscope.analysis.CriticalDataSize;
import org.grokscope.analysis.Phase;
import org.grokscope.config.Json;
import org.grokscope.run.AtomicFiles;
import org.grokscope.train.Evaluation;

/**
 * After a sweep over training-set size: the critical data size by both estimators, per group of the other axes (e.g.
 * per model width), written to DIR/cds.json with a plain-language statement.
 */
public final class SweepAnalysis {
    public static final double[] THRESHOLDS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    public static final double SIGMA_STEPS = 100, FRACTION = 0.9;
    public static final int BOOTSTRAP = 1000;

    private SweepAnalysis() {}

    static boolean isSizeAxis(String path) {
        return path.equals("task.train_count") || path.equals("task.train_fraction");
    }

    /** Returns the statements printed for each group, or an empty list if the sweep has no size axis. */
    public static List<String> write(Path dir, SweepConfig sweep) throws IOException, SQLException {
        String sizeAxis = sweep.axes().keySet().stream()
                .filter(SweepAnalysis::isSizeAxis)
                .findFirst()
                .orElse(null);
        if (sizeAxis == null) return new ArrayList<>();
        return write(dir, sizeAxis, Map.of());
    }

    /** Analyses the completed runs of DIR/sweep.db over the size axis; {@code extra} entries are added to cds.json. */
    public static List<String> write(Path dir, String sizeAxis, Map<String, Object> extra)
            throws IOException, SQLException {
        Estimate est;
        try (SweepStore store = new SweepStore(dir.resolve("sweep.db"))) {
            est = estimate(store, dir, sizeAxis, extra);
        }
        AtomicFiles.writeString(dir.resolve("cds.json"), Json.MAPPER.writeValueAsString(est.doc()) + "\n");
        return est.statements();
    }

    /** The size axis of a sweep's parameters (task.train_count or task.train_fraction), or null. */
    public static String sizeAxis(java.util.Collection<String> params) {
        return params.stream().filter(SweepAnalysis::isSizeAxis).findFirst().orElse(null);
    }

    /** The cds.json document and the statement per group. */
    public record Estimate(Map<String, Object> doc, List<String> statements) {}

    /**
     * The critical data size as the completed runs of {@code store} say it is now: what cds.json holds at the end, and
     * what the dashboard shows while the sweep runs ({@code extra} entries go into the document).
     */
    public static Estimate estimate(SweepStore store, Path dir, String sizeAxis, Map<String, Object> extra)
            throws IOException, SQLException {
        return estimate(store.runs(), dir, sizeAxis, extra);
    }

    /** {@link #estimate(SweepStore, Path, String, Map)} from rows already read (one snapshot of the store). */
    public static Estimate estimate(List<SweepStore.Row> rows, Path dir, String sizeAxis, Map<String, Object> extra)
            throws IOException {
        List<String> statements = new ArrayList<>();
        Map<String, List<Run>> groups = new TreeMap<>(SweepAnalysis::compareGroups);
        for (SweepStore.Row r : SweepStore.current(rows)) {
            if (r.status() != SweepStore.Status.COMPLETED || r.summary() == null) continue;
            JsonNode params = Json.MAPPER.readTree(r.params()), s = Json.MAPPER.readTree(r.summary());
            Map<String, String> g = new LinkedHashMap<>();
            params.fields().forEachRemaining(e -> {
                String k = e.getKey();
                if (!isSizeAxis(k) && !k.equals("seed") && !k.equals(SweepConfig.Point.CONTINUES))
                    g.put(k, e.getValue().asText());
            });
            List<Evaluation> ev = SweepRunner.readEvals(dir.resolve("runs").resolve(r.id()));
            groups.computeIfAbsent(SweepStore.toJson(g), k -> new ArrayList<>())
                    .add(new Run(
                            s.get("train_size").asDouble(), params.get("seed").asText(), s, ev));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, List<Run>> e : groups.entrySet()) {
            Map<String, Object> g = analyze(e.getValue());
            g.put("group", Json.MAPPER.readTree(e.getKey()));
            String label = e.getKey().equals("{}") ? "" : e.getKey() + ": ";
            statements.add(label + g.get("statement"));
            out.add(g);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("size_axis", sizeAxis);
        doc.put(
                "method",
                ordered(
                        "paper",
                                "CDS paper (Zhu et al. 2024): test accuracy Gaussian-smoothed (sigma " + SIGMA_STEPS
                                        + " steps); per run the max over thresholds 0.1..0.9 of the first step reaching it (0 if never); mean over seeds; CDS at the peak over n",
                        "fit",
                                "sigmoid of ln n fitted to the seed-mean final test accuracy; CDS where the fit completes "
                                        + FRACTION + " of its rise; 95% percentile bootstrap over seeds (" + BOOTSTRAP
                                        + " resamples)"));
        doc.putAll(extra);
        doc.put("groups", out);
        return new Estimate(doc, statements);
    }

    record Run(double n, String seed, JsonNode summary, List<Evaluation> evals) {}

    // {"model.hidden":"64"} before {"model.hidden":"128"}: compare values numerically when both parse
    static int compareGroups(String a, String b) {
        try {
            var ia = Json.MAPPER.readTree(a).fields();
            var ib = Json.MAPPER.readTree(b).fields();
            while (ia.hasNext() && ib.hasNext()) {
                String x = ia.next().getValue().asText(),
                        y = ib.next().getValue().asText();
                int c;
                try {
                    c = Double.compare(Double.parseDouble(x), Double.parseDouble(y));
                } catch (NumberFormatException e) {
                    c = x.compareTo(y);
                }
                if (c != 0) return c;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return a.compareTo(b);
        }
        return a.compareTo(b);
    }

    static Map<String, Object> analyze(List<Run> runs) {
        Map<Double, List<CriticalDataSize.Curve>> curves = new TreeMap<>();
        Map<Double, Map<String, Double>> finalAcc = new TreeMap<>();
        Map<Double, List<String>> phases = new TreeMap<>();
        Map<Double, List<Integer>> genSteps = new TreeMap<>();
        Map<Double, Map<String, Double>> kernelAcc = new TreeMap<>();
        for (Run r : runs) {
            JsonNode kb = r.summary().path("probes").path("kernel_baseline").get("test_accuracy");
            if (kb != null && kb.isNumber())
                kernelAcc.computeIfAbsent(r.n(), x -> new TreeMap<>()).put(r.seed(), kb.asDouble());
            int k = r.evals().size();
            int[] st = new int[k];
            double[] tr = new double[k], te = new double[k];
            for (int i = 0; i < k; i++) {
                st[i] = r.evals().get(i).step();
                tr[i] = r.evals().get(i).trainAcc();
                te[i] = r.evals().get(i).testAcc();
            }
            curves.computeIfAbsent(r.n(), x -> new ArrayList<>()).add(new CriticalDataSize.Curve(st, te));
            finalAcc.computeIfAbsent(r.n(), x -> new TreeMap<>())
                    .put(r.seed(), r.summary().get("final_test_acc").asDouble());
            // the run's own phase (its config's rules); runs written before summary.json had one: Liu's rules
            String phase = r.summary().hasNonNull("phase")
                    ? r.summary().get("phase").asText()
                    : Phase.classify(
                                    st,
                                    tr,
                                    te,
                                    new Phase.Rules(
                                            Phase.Rules.LIU.threshold(), Integer.MAX_VALUE, Phase.Rules.LIU.gapLimit()))
                            .name()
                            .toLowerCase(Locale.ROOT);
            phases.computeIfAbsent(r.n(), x -> new ArrayList<>()).add(phase);
            JsonNode gs = r.summary().get("generalization_step");
            if (gs != null && !gs.isNull())
                genSteps.computeIfAbsent(r.n(), x -> new ArrayList<>()).add(gs.asInt());
        }
        Map<String, Object> g = new LinkedHashMap<>();
        CriticalDataSize.PaperEstimate pe = CriticalDataSize.paper(curves, SIGMA_STEPS, THRESHOLDS);
        g.put("paper", ordered("cds", pe.cds(), "points", pe.points()));
        // the fit needs the same seeds at every size
        List<Double> sizes = new ArrayList<>(finalAcc.keySet());
        List<String> seeds = new ArrayList<>(finalAcc.get(sizes.get(0)).keySet());
        seeds.removeIf(s -> sizes.stream().anyMatch(n -> !finalAcc.get(n).containsKey(s)));
        CriticalDataSize.FitEstimate fe = null;
        String noFit = null;
        if (sizes.size() >= 3 && !seeds.isEmpty()) {
            double[] n = sizes.stream().mapToDouble(Double::doubleValue).toArray();
            double[][] acc = new double[seeds.size()][n.length];
            for (int j = 0; j < seeds.size(); j++)
                for (int i = 0; i < n.length; i++)
                    acc[j][i] = finalAcc.get(sizes.get(i)).get(seeds.get(j));
            double[] m = CriticalDataSize.seedMean(acc);
            double rise = CriticalDataSize.rise(m);
            if (rise < CriticalDataSize.MIN_RISE) {
                noFit = String.format(
                        Locale.ROOT,
                        "no fitted CDS: the seed-mean final test accuracy rises by only %.1f points across the sizes (%.1f%% to %.1f%%; at least %.0f needed): no rise, no estimate",
                        100 * rise,
                        100 * java.util.Arrays.stream(m).min().orElse(0),
                        100 * java.util.Arrays.stream(m).max().orElse(0),
                        100 * CriticalDataSize.MIN_RISE);
                g.put("fit_skipped", noFit);
            } else {
                fe = CriticalDataSize.fit(n, acc, FRACTION, BOOTSTRAP, 0);
                Map<String, Double> perSeed = new LinkedHashMap<>();
                for (int j = 0; j < seeds.size(); j++) perSeed.put(seeds.get(j), fe.perSeed()[j]);
                g.put(
                        "fit",
                        ordered(
                                "cds",
                                fe.cds(),
                                "interval",
                                List.of(fe.low(), fe.high()),
                                "fraction",
                                fe.fraction(),
                                "seeds",
                                fe.seeds(),
                                "curve",
                                fe.curve(),
                                "per_seed",
                                perSeed));
            }
        }
        g.put("final_test_acc", finalAcc);
        if (!kernelAcc.isEmpty()) g.put("kernel_test_acc", kernelAcc); // Θ0 kernel regression, same split
        g.put("phases", phases);
        g.put("generalization_steps", genSteps);
        g.put("statement", statement(pe, fe, noFit, finalAcc, genSteps));
        return g;
    }

    static String statement(
            CriticalDataSize.PaperEstimate pe,
            CriticalDataSize.FitEstimate fe,
            String noFit,
            Map<Double, Map<String, Double>> finalAcc,
            Map<Double, List<Integer>> genSteps) {
        StringBuilder b = new StringBuilder();
        double lastFail = Double.NaN, firstAll = Double.NaN;
        for (Map.Entry<Double, Map<String, Double>> e : finalAcc.entrySet()) {
            int total = e.getValue().size(),
                    gen = genSteps.getOrDefault(e.getKey(), List.of()).size();
            if (gen < total) lastFail = e.getKey();
            if (gen == total && Double.isNaN(firstAll) && e.getKey() > (Double.isNaN(lastFail) ? 0 : lastFail))
                firstAll = e.getKey();
        }
        if (!Double.isNaN(lastFail))
            b.append(String.format(Locale.ROOT, "up to %,.0f examples at least one seed only memorizes; ", lastFail));
        if (fe != null && fe.seeds() >= 3) {
            StringBuilder each = new StringBuilder();
            for (double v : fe.perSeed())
                each.append(each.length() == 0 ? "" : ", ")
                        .append(Double.isNaN(v) ? "no rise" : String.format(Locale.ROOT, "%,.0f", v));
            b.append(String.format(
                    Locale.ROOT,
                    "fitted CDS (%.0f%% of the rise) about %,.0f examples (95%% interval %,.0f to %,.0f over %d seeds; each seed alone: %s); ",
                    100 * fe.fraction(),
                    fe.cds(),
                    fe.low(),
                    fe.high(),
                    fe.seeds(),
                    each));
        } else if (fe != null)
            b.append(String.format(
                    Locale.ROOT,
                    "fitted CDS (%.0f%% of the rise) about %,.0f examples (from %d seed%s: no meaningful interval, use 3 or more); ",
                    100 * fe.fraction(),
                    fe.cds(),
                    fe.seeds(),
                    fe.seeds() == 1 ? "" : "s"));
        if (noFit != null) b.append(noFit).append("; ");
        if (!Double.isNaN(pe.cds()))
            b.append(String.format(Locale.ROOT, "the CDS paper's estimator peaks at %,.0f examples; ", pe.cds()));
        if (!Double.isNaN(firstAll)) {
            double last = finalAcc.keySet().stream()
                    .mapToDouble(Double::doubleValue)
                    .max()
                    .orElse(firstAll);
            b.append(String.format(
                    Locale.ROOT,
                    "from %,.0f examples every seed generalizes, after %,.0f steps (median)",
                    firstAll,
                    median(genSteps.get(firstAll))));
            if (last > firstAll)
                b.append(String.format(
                        Locale.ROOT, "; with %,.0f examples after %,.0f steps", last, median(genSteps.get(last))));
        } else {
            b.append("no size generalized for every seed within the step budget");
        }
        return b.toString();
    }

    static double median(List<Integer> xs) {
        if (xs == null || xs.isEmpty()) return Double.NaN;
        List<Integer> s = new ArrayList<>(xs);
        s.sort(null);
        int k = s.size();
        return k % 2 == 1 ? s.get(k / 2) : 0.5 * (s.get(k / 2 - 1) + s.get(k / 2));
    }

    /**
     * A map that keeps the order its keys are given in (Map.of's order changes from one JVM to the next, and so did
     * cds.json's).
     */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }
}
