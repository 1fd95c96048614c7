package org.grokscope.analysis;

import java.util.List;
import java.util.Map;

/**
 * Candidate early signals of grokking, each a number computed from a run's evaluations up to one of them (never later
 * ones): the test loss against its post-memorization peak and its trend on log steps, the weight norm against its peak
 * and its decay rate, distance from initialization, the Fourier sparsity of the embedding and of W_L and its rise,
 * Nanda et al.'s restricted and excluded losses, the eNTK's distance from its start and its kernel-target alignment,
 * the number of key frequencies, and the plain test accuracy as the baseline every signal must beat. Trends are taken
 * over the second half of the elapsed steps (a window that scales with the run, as log-step plots are read); the test
 * loss's also over the last quarter, which turns a few evaluations sooner. A signal a run does not measure (restricted
 * loss off x + y, Fourier measures on text) is NaN.
 */
public final class Signals {
    /** The signals, in the order {@link #at} returns them. */
    public static final List<String> NAMES = List.of(
            "test_acc",
            "test_loss_vs_peak",
            "test_loss_slope",
            "test_loss_slope_recent",
            "train_loss_log10",
            "norm_vs_peak",
            "norm_slope",
            "dist_from_init_rel",
            "embed_gini",
            "embed_gini_rise",
            "wl_gini",
            "wl_gini_rise",
            "key_freq_share",
            "restricted_loss_log10",
            "excluded_over_restricted_log10",
            "ntk_rel",
            "ntk_rel_slope",
            "ntk_cka",
            "ntk_cka_rise",
            "progress");

    /**
     * A run's evaluations: steps and columns by metrics.csv name (NaN where a cell is empty); {@code p} the modulus (0
     * if none).
     */
    public record History(int[] step, Map<String, double[]> columns, int p) {
        double[] col(String name) {
            double[] c = columns.get(name);
            return c == null ? EMPTY : c;
        }

        private static final double[] EMPTY = new double[0];
    }

    private Signals() {}

    /**
     * A value as metrics.csv keeps it (8 significant digits): what a resumed run reads back, so forecasts agree bit for
     * bit.
     */
    public static double asWritten(double v) {
        return Double.isFinite(v) ? Double.parseDouble(String.format(java.util.Locale.ROOT, "%.8g", v)) : v;
    }

    /** The columns a forecast reads: the evaluation's, then the probes'. */
    public static final List<String>
            EVAL_COLUMNS = List.of("train_acc", "test_acc", "train_loss", "test_loss", "l2_norm", "dist_from_init"),
            PROBE_COLUMNS =
                    List.of(
                            "embed_gini",
                            "wl_gini",
                            "embed_keys",
                            "restricted_loss",
                            "excluded_loss",
                            "ntk_rel",
                            "ntk_cka");

    /**
     * A run's history as it trains, for forecasts: one row per evaluation, probe columns NaN between probes. Values go
     * in as metrics.csv writes them (the caller rounds them the same way), so a resumed run, which reads them back from
     * the file, forecasts bit for bit as an uninterrupted one.
     */
    public static final class Recorder {
        private final int p;
        private int n;
        private int[] step = new int[64];
        private final Map<String, double[]> cols = new java.util.LinkedHashMap<>();

        public Recorder(int p) {
            this.p = p;
            for (String c : EVAL_COLUMNS) cols.put(c, new double[64]);
            for (String c : PROBE_COLUMNS) cols.put(c, new double[64]);
        }

        /** Appends an evaluation (values keyed by {@link #EVAL_COLUMNS} names); its probe cells start empty. */
        public void evaluation(int s, Map<String, Double> values) {
            if (n == step.length) {
                step = java.util.Arrays.copyOf(step, 2 * n);
                cols.replaceAll((k, v) -> java.util.Arrays.copyOf(v, 2 * n));
            }
            step[n] = s;
            for (Map.Entry<String, double[]> e : cols.entrySet())
                e.getValue()[n] = values.getOrDefault(e.getKey(), Double.NaN);
            n++;
        }

        /** Fills the latest evaluation's probe cells (keyed by {@link #PROBE_COLUMNS} names; others ignored). */
        public void probes(Map<String, Double> values) {
            for (String c : PROBE_COLUMNS) if (values.containsKey(c)) cols.get(c)[n - 1] = values.get(c);
        }

        public int size() {
            return n;
        }

        /** The history so far (copies: it does not change when more is recorded). */
        public History history() {
            Map<String, double[]> c = new java.util.LinkedHashMap<>();
            cols.forEach((k, v) -> c.put(k, java.util.Arrays.copyOf(v, n)));
            return new History(java.util.Arrays.copyOf(step, n), c, p);
        }
    }

    /** The signals at evaluation {@code k} of a run with a budget of {@code budget} steps. */
    public static double[] at(History h, int k, int budget) {
        double[] out = new double[NAMES.size()];
        int t = h.step()[k], from = firstAtOrAfter(h.step(), t / 2.0);
        double[] testLoss = h.col("test_loss"), l2 = h.col("l2_norm");
        int i = 0;
        out[i++] = value(h.col("test_acc"), k);
        out[i++] = Math.log(value(testLoss, k) / max(testLoss, k));
        out[i++] = logLogSlope(h.step(), testLoss, from, k);
        out[i++] = logLogSlope(h.step(), testLoss, firstAtOrAfter(h.step(), 0.75 * t), k);
        out[i++] = Math.log10(value(h.col("train_loss"), k));
        out[i++] = Math.log(value(l2, k) / max(l2, k));
        out[i++] = logLogSlope(h.step(), l2, from, k);
        out[i++] = value(h.col("dist_from_init"), k) / value(l2, 0);
        double[] eg = h.col("embed_gini"), wg = h.col("wl_gini");
        out[i++] = last(eg, k);
        out[i++] = last(eg, k) - firstFrom(eg, from, k);
        out[i++] = last(wg, k);
        out[i++] = last(wg, k) - firstFrom(wg, from, k);
        out[i++] = h.p() > 2 ? last(h.col("embed_keys"), k) / ((h.p() - 1) / 2.0) : Double.NaN;
        double rl = last(h.col("restricted_loss"), k), el = last(h.col("excluded_loss"), k);
        out[i++] = Math.log10(rl);
        out[i++] = Math.log10(el / rl);
        double[] ntk = h.col("ntk_rel"), cka = h.col("ntk_cka");
        out[i++] = last(ntk, k);
        out[i++] = logLogSlope(h.step(), ntk, from, k);
        out[i++] = last(cka, k);
        out[i++] = last(cka, k) - firstFrom(cka, from, k);
        out[i++] = (double) t / budget;
        for (int j = 0; j < out.length; j++) if (Double.isInfinite(out[j])) out[j] = Double.NaN;
        return out;
    }

    static double value(double[] c, int k) {
        return k < c.length ? c[k] : Double.NaN;
    }

    static double max(double[] c, int k) {
        double m = Double.NaN;
        for (int i = 0; i <= k && i < c.length; i++) if (!Double.isNaN(c[i]) && (Double.isNaN(m) || c[i] > m)) m = c[i];
        return m;
    }

    // the last measured value at or before k (probe columns are empty between probes)
    static double last(double[] c, int k) {
        for (int i = Math.min(k, c.length - 1); i >= 0; i--) if (!Double.isNaN(c[i])) return c[i];
        return Double.NaN;
    }

    // the first measured value in [from, k]
    static double firstFrom(double[] c, int from, int k) {
        for (int i = from; i <= k && i < c.length; i++) if (!Double.isNaN(c[i])) return c[i];
        return Double.NaN;
    }

    static int firstAtOrAfter(int[] step, double t) {
        for (int i = 0; i < step.length; i++) if (step[i] >= t) return i;
        return step.length - 1;
    }

    /**
     * Least-squares slope of log y on log step over evaluations [from, k] with positive step and y; NaN with fewer than
     * 3.
     */
    static double logLogSlope(int[] step, double[] y, int from, int k) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int n = 0;
        for (int i = Math.max(from, 0); i <= k && i < y.length; i++) {
            if (step[i] <= 0 || Double.isNaN(y[i]) || y[i] <= 0) continue;
            double x = Math.log(step[i]), v = Math.log(y[i]);
            sx += x;
            sy += v;
            sxx += x * x;
            sxy += x * v;
            n++;
        }
        if (n < 3) return Double.NaN;
        double den = n * sxx - sx * sx;
        return den <= 0 ? Double.NaN : (n * sxy - sx * sy) / den;
    }
}
