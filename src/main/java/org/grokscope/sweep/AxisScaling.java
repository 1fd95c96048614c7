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
import org.grokscope.config.Json;
import org.grokscope.run.AtomicFiles;

/**
 * For a sweep over one hyperparameter other than the data size (weight decay, α, a fixed weight norm …): per value, the
 * seed-median memorization and generalization steps, final losses and accuracies and the kernel baseline; and a
 * least-squares fit of log(generalization step) against log(value) over the values that generalized (Omnigrok: time to
 * generalize ∝ 1/weight decay, a slope of −1). Written to DIR/scaling.json.
 */
public final class AxisScaling {
    private AxisScaling() {}

    /** The statement printed for the sweep, or null when the sweep is not a one-axis sweep of that kind. */
    public static String write(Path dir, SweepConfig sweep) throws IOException, SQLException {
        List<String> axes = sweep.axes().keySet().stream()
                .filter(a -> !a.equals("seed") && !SweepAnalysis.isSizeAxis(a))
                .toList();
        if (axes.size() != 1 || sweep.axes().size() != 1) return null;
        String axis = axes.get(0);
        Map<Double, List<JsonNode>> byValue = new TreeMap<>();
        try (SweepStore store = new SweepStore(dir.resolve("sweep.db"))) {
            for (SweepStore.Row r : store.runs()) {
                if (r.status() != SweepStore.Status.COMPLETED || r.summary() == null) continue;
                double v;
                try {
                    v = Double.parseDouble(
                            Json.MAPPER.readTree(r.params()).get(axis).asText());
                } catch (NumberFormatException e) {
                    return null;
                }
                byValue.computeIfAbsent(v, k -> new ArrayList<>()).add(Json.MAPPER.readTree(r.summary()));
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        List<double[]> pts = new ArrayList<>();
        for (Map.Entry<Double, List<JsonNode>> e : byValue.entrySet()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("value", e.getKey());
            row.put("runs", e.getValue().size());
            for (String f : List.of(
                    "memorization_step",
                    "generalization_step",
                    "final_train_loss",
                    "final_test_loss",
                    "final_train_acc",
                    "final_test_acc")) row.put(f, median(e.getValue(), s -> s.get(f)));
            row.put(
                    "kernel_test_acc",
                    median(
                            e.getValue(),
                            s -> s.path("probes").path("kernel_baseline").get("test_accuracy")));
            long gen = e.getValue().stream()
                    .filter(s -> s.hasNonNull("generalization_step"))
                    .count();
            row.put("generalized", gen);
            Double g = (Double) row.get("generalization_step");
            if (gen == e.getValue().size() && g != null && g > 0 && e.getKey() > 0)
                pts.add(new double[] {Math.log(e.getKey()), Math.log(g)});
            rows.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("axis", axis);
        doc.put("values", rows);
        String statement;
        if (pts.size() >= 3) {
            double[] fit = fit(pts);
            double lo = Math.exp(pts.get(0)[0]), hi = Math.exp(pts.get(pts.size() - 1)[0]);
            doc.put(
                    "loglog_fit",
                    SweepAnalysis.ordered(
                            "slope",
                            fit[0],
                            "intercept",
                            fit[1],
                            "r2",
                            fit[2],
                            "points",
                            pts.size(),
                            "from",
                            lo,
                            "to",
                            hi));
            statement = String.format(
                    Locale.ROOT,
                    "generalization step ∝ %s^%.2f (log-log fit over %s = %.3g … %.3g, %d values, R² %.3f)",
                    axis,
                    fit[0],
                    axis,
                    lo,
                    hi,
                    pts.size(),
                    fit[2]);
        } else {
            statement = String.format(
                    Locale.ROOT,
                    "%d value%s of %s generalized for every seed: too few for a log-log fit (3 needed)",
                    pts.size(),
                    pts.size() == 1 ? "" : "s",
                    axis);
        }
        doc.put("statement", statement);
        AtomicFiles.writeString(dir.resolve("scaling.json"), Json.MAPPER.writeValueAsString(doc) + "\n");
        return statement;
    }

    /** Least squares y = a·x + b: {a, b, R²}. */
    static double[] fit(List<double[]> pts) {
        int n = pts.size();
        double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
        for (double[] p : pts) {
            sx += p[0];
            sy += p[1];
            sxx += p[0] * p[0];
            sxy += p[0] * p[1];
            syy += p[1] * p[1];
        }
        double vx = sxx - sx * sx / n, vy = syy - sy * sy / n, cxy = sxy - sx * sy / n;
        double a = cxy / vx, b = (sy - a * sx) / n;
        return new double[] {a, b, vy > 0 ? cxy * cxy / (vx * vy) : 1};
    }

    private static Double median(List<JsonNode> runs, java.util.function.Function<JsonNode, JsonNode> f) {
        List<Double> xs = new ArrayList<>();
        for (JsonNode s : runs) {
            JsonNode v = f.apply(s);
            if (v != null && !v.isNull() && v.isNumber()) xs.add(v.asDouble());
        }
        if (xs.isEmpty()) return null;
        xs.sort(null);
        int k = xs.size();
        return k % 2 == 1 ? xs.get(k / 2) : 0.5 * (xs.get(k / 2 - 1) + xs.get(k / 2));
    }
}
