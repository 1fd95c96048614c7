package org.grokscope.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Two estimators of the critical data size (CDS) from a sample-wise sweep (runs over training-set sizes n, several
 * seeds each).
 *
 * <p>(a) The CDS paper's (Zhu et al. 2024, their plotting code): per run, Gaussian-smooth the test accuracy curve; for
 * each threshold θ in 0.1..0.9 take the first step where it reaches θ, or 0 if it never does (that 0 makes the left
 * flank: small sets never generalize); the run's "generalization steps" is the maximum over θ. Average over seeds per
 * n; CDS is the n where that peaks (no generalization to the left, slowest at the peak, faster to the right).
 *
 * <p>(b) Ours: fit acc(n) = lo + (hi − lo)·σ((ln n − m)/s) to final test accuracy against ln n; the CDS is the smallest
 * n at which the fitted curve has completed a fraction f of its rise from lo to hi: n_f = exp(m + s·ln(f/(1−f))). The
 * point estimate fits the seed-mean curve; the interval is the percentile bootstrap over seeds (resample seeds with
 * replacement, refit the mean curve).
 */
public final class CriticalDataSize {
    private CriticalDataSize() {}

    /** One run's test accuracy curve. */
    public record Curve(int[] steps, double[] testAcc) {}

    public record PaperPoint(double n, double meanSteps, double sdSteps, int runs, int generalized) {}

    public record PaperEstimate(double cds, List<PaperPoint> points) {}

    public static PaperEstimate paper(Map<Double, List<Curve>> byN, double sigmaSteps, double[] thresholds) {
        List<PaperPoint> pts = new ArrayList<>();
        for (Map.Entry<Double, List<Curve>> e : new TreeMap<>(byN).entrySet()) {
            double sum = 0, sq = 0;
            int gen = 0;
            for (Curve c : e.getValue()) {
                double s = generalizationSteps(c, sigmaSteps, thresholds);
                sum += s;
                sq += s * s;
                if (s > 0) gen++;
            }
            int k = e.getValue().size();
            double mean = sum / k;
            pts.add(new PaperPoint(
                    e.getKey(), mean, k > 1 ? Math.sqrt(Math.max(0, (sq - k * mean * mean) / (k - 1))) : 0, k, gen));
        }
        double cds = Double.NaN, best = 0;
        for (PaperPoint p : pts)
            if (p.meanSteps() > best) {
                best = p.meanSteps();
                cds = p.n();
            }
        return new PaperEstimate(cds, pts);
    }

    /** The paper's per-run statistic: max over thresholds of the first step reaching it (0 if never). */
    public static double generalizationSteps(Curve c, double sigmaSteps, double[] thresholds) {
        double spacing = c.steps().length > 1
                ? (double) (c.steps()[c.steps().length - 1] - c.steps()[0]) / (c.steps().length - 1)
                : 1;
        double[] sm = Smoothing.gaussian(c.testAcc(), sigmaSteps / spacing);
        double best = 0;
        for (double th : thresholds) {
            for (int i = 0; i < sm.length; i++) {
                if (sm[i] >= th) {
                    best = Math.max(best, c.steps()[i]);
                    break;
                }
            }
        }
        return best;
    }

    /** The fitted sigmoid in ln n. */
    public record Sigmoid(double lo, double hi, double m, double s, double sse) {
        public double at(double n) {
            return lo + (hi - lo) / (1 + Math.exp(-(Math.log(n) - m) / s));
        }

        public double nAtFraction(double f) {
            return Math.exp(m + s * Math.log(f / (1 - f)));
        }
    }

    /**
     * The least rise of final test accuracy across the sizes (largest minus smallest value, 0 to 1) that a sigmoid is
     * fitted to. Below it the data show no transition, and a sigmoid through them places one anywhere (six runs at
     * 0-1.3 % test accuracy were once given a "CDS" from a curve rising to 0.94 past the last size): no rise, no
     * estimate.
     */
    public static final double MIN_RISE = 0.1;

    /** How far values rise across the sizes: the largest minus the smallest. */
    public static double rise(double[] y) {
        double a = Double.POSITIVE_INFINITY, b = Double.NEGATIVE_INFINITY;
        for (double v : y) {
            a = Math.min(a, v);
            b = Math.max(b, v);
        }
        return y.length == 0 ? 0 : b - a;
    }

    /** The seed-mean of acc[seed][i] at every size i. */
    public static double[] seedMean(double[][] acc) {
        return mean(acc, null);
    }

    /**
     * perSeed[j]: the same estimate from seed j's curve alone (NaN where that curve does not rise), so a reader sees
     * where the interval comes from.
     */
    public record FitEstimate(
            double cds,
            double low,
            double high,
            double fraction,
            Sigmoid curve,
            int seeds,
            int bootstrap,
            double[] perSeed) {}

    /** @param acc acc[seed][i] at sizes n[i] (final test accuracy) */
    public static FitEstimate fit(double[] n, double[][] acc, double fraction, int bootstrap, long seed) {
        int k = acc.length;
        if (rise(mean(acc, null)) < MIN_RISE)
            throw new IllegalArgumentException("no rise: check rise() >= MIN_RISE before fitting");
        Sigmoid c = fitSigmoid(n, mean(acc, null));
        double cds = clamp(c.nAtFraction(fraction), n);
        double lo = cds, hi = cds;
        if (k > 1 && bootstrap > 0) {
            org.grokscope.engine.Rng rng = org.grokscope.engine.Rng.of(seed, "bootstrap");
            double[] est = new double[bootstrap];
            int[] pick = new int[k];
            for (int b = 0; b < bootstrap; b++) {
                for (int i = 0; i < k; i++) pick[i] = rng.nextInt(k);
                est[b] = clamp(fitSigmoid(n, mean(acc, pick)).nAtFraction(fraction), n);
            }
            java.util.Arrays.sort(est);
            lo = est[(int) Math.floor(0.025 * (bootstrap - 1))];
            hi = est[(int) Math.ceil(0.975 * (bootstrap - 1))];
        }
        double[] perSeed = new double[k];
        for (int j = 0; j < k; j++)
            perSeed[j] = rise(acc[j]) < MIN_RISE
                    ? Double.NaN
                    : clamp(fitSigmoid(n, acc[j]).nAtFraction(fraction), n);
        return new FitEstimate(cds, lo, hi, fraction, c, k, k > 1 ? bootstrap : 0, perSeed);
    }

    // the estimate is only meaningful inside the sampled range: clamp to [min n, max n]
    private static double clamp(double x, double[] n) {
        double a = Double.POSITIVE_INFINITY, b = 0;
        for (double v : n) {
            a = Math.min(a, v);
            b = Math.max(b, v);
        }
        return Double.isFinite(x) ? Math.max(a, Math.min(b, x)) : b;
    }

    private static double[] mean(double[][] acc, int[] pick) {
        int k = pick == null ? acc.length : pick.length, len = acc[0].length;
        double[] out = new double[len];
        for (int j = 0; j < k; j++) {
            double[] row = acc[pick == null ? j : pick[j]];
            for (int i = 0; i < len; i++) out[i] += row[i] / k;
        }
        return out;
    }

    /**
     * Least-squares fit: for each (m, s) on a grid, lo and hi − lo are the linear least-squares solution; the best grid
     * point is refined by two finer grids around it. Deterministic, no starting guess.
     */
    public static Sigmoid fitSigmoid(double[] n, double[] y) {
        double[] x = new double[n.length];
        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n.length; i++) {
            x[i] = Math.log(n[i]);
            xmin = Math.min(xmin, x[i]);
            xmax = Math.max(xmax, x[i]);
        }
        double span = Math.max(xmax - xmin, 1e-6);
        Sigmoid best = null;
        double mLo = xmin - 0.5 * span, mHi = xmax + 0.5 * span, sLo = Math.log(span / 200), sHi = Math.log(span * 2);
        for (int round = 0; round < 3; round++) {
            int G = 80;
            for (int a = 0; a <= G; a++) {
                double m = mLo + (mHi - mLo) * a / G;
                for (int b = 0; b <= G; b++) {
                    double s = Math.exp(sLo + (sHi - sLo) * b / G);
                    Sigmoid c = solveLinear(x, y, m, s);
                    if (best == null || c.sse() < best.sse()) best = c;
                }
            }
            double dm = (mHi - mLo) / G * 3, ds = (sHi - sLo) / G * 3;
            mLo = best.m() - dm;
            mHi = best.m() + dm;
            double ls = Math.log(best.s());
            sLo = ls - ds;
            sHi = ls + ds;
        }
        return best;
    }

    private static Sigmoid solveLinear(double[] x, double[] y, double m, double s) {
        // y ≈ lo + (hi − lo)·g, g = σ((x − m)/s), accuracies: 0 ≤ lo and hi ≤ 1 (unbounded, a steep rise
        // from near zero could put the lower asymptote below zero and move the fraction point with it).
        // Two parameters: the constrained optimum is the free one if feasible, else the best of the edges.
        int k = x.length;
        double[] g = new double[k];
        double sg = 0, sgg = 0, sy = 0, sgy = 0;
        for (int i = 0; i < k; i++) {
            g[i] = 1 / (1 + Math.exp(-(x[i] - m) / s));
            sg += g[i];
            sgg += g[i] * g[i];
            sy += y[i];
            sgy += g[i] * y[i];
        }
        double det = k * sgg - sg * sg, lo, r;
        if (Math.abs(det) < 1e-12) {
            lo = sy / k;
            r = 0;
        } else {
            r = (k * sgy - sg * sy) / det;
            lo = (sy - r * sg) / k;
        }
        Sigmoid free = fitted(x, y, g, lo, lo + r, m, s);
        if (lo >= 0 && lo + r <= 1) return free;
        Sigmoid best = null;
        // lo = 0, hi free
        double h0 = sgg > 1e-12 ? Math.min(1, Math.max(0, sgy / sgg)) : 0;
        best = better(best, fitted(x, y, g, 0, h0, m, s));
        // hi = 1, lo free: y − g ≈ lo·(1 − g)
        double num = 0, den = 0;
        for (int i = 0; i < k; i++) {
            num += (1 - g[i]) * (y[i] - g[i]);
            den += (1 - g[i]) * (1 - g[i]);
        }
        double l1 = den > 1e-12 ? Math.min(1, Math.max(0, num / den)) : 0;
        best = better(best, fitted(x, y, g, l1, 1, m, s));
        return best;
    }

    private static Sigmoid fitted(double[] x, double[] y, double[] g, double lo, double hi, double m, double s) {
        double sse = 0;
        for (int i = 0; i < x.length; i++) {
            double e = y[i] - lo - (hi - lo) * g[i];
            sse += e * e;
        }
        return new Sigmoid(lo, hi, m, s, sse);
    }

    private static Sigmoid better(Sigmoid a, Sigmoid b) {
        return a == null || b.sse() < a.sse() ? b : a;
    }
}
