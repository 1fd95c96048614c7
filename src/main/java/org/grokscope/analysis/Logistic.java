package org.grokscope.analysis;

import java.util.Arrays;

/**
 * L2-regularized logistic regression on standardized features, fitted by Newton's method (a few dozen features, a
 * few tens of thousands of rows: exact and deterministic). A missing feature (NaN) is imputed as the training mean,
 * i.e. 0 after standardization. The fitted model is plain numbers ({@link Model}), so it serializes as JSON and
 * predicts anywhere.
 */
public final class Logistic {
    private Logistic() {}

    /** A fitted model: per feature its name, mean and scale, and its weight; the intercept. */
    public record Model(String[] features, double[] mean, double[] scale, double[] weight, double intercept) {
        /** P(label) for one row of raw features (NaN = missing). */
        public double probability(double[] x) {
            return 1 / (1 + Math.exp(-logOdds(x)));
        }

        /** The log-odds of the label for one row (NaN = missing). */
        public double logOdds(double[] x) {
            double z = intercept;
            for (int j = 0; j < weight.length; j++) if (!Double.isNaN(x[j])) z += weight[j] * (x[j] - mean[j]) / scale[j];
            return z;
        }
    }

    /**
     * Fits rows {@code x} (NaN = missing) to labels {@code y}, each row weighted by {@code w} (null: 1), with ridge
     * penalty {@code lambda} on the standardized weights (not the intercept).
     */
    public static Model fit(String[] names, double[][] x, boolean[] y, double[] w, double lambda) {
        int n = x.length, d = names.length;
        double[] mean = new double[d], scale = new double[d];
        for (int j = 0; j < d; j++) {
            double s = 0, s2 = 0;
            int c = 0;
            for (double[] r : x) if (!Double.isNaN(r[j])) { s += r[j]; s2 += r[j] * r[j]; c++; }
            mean[j] = c == 0 ? 0 : s / c;
            double var = c == 0 ? 0 : s2 / c - mean[j] * mean[j];
            scale[j] = var > 1e-24 ? Math.sqrt(var) : 1;
        }
        double[][] z = new double[n][d + 1]; // column d is the intercept's 1
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) z[i][j] = Double.isNaN(x[i][j]) ? 0 : (x[i][j] - mean[j]) / scale[j];
            z[i][d] = 1;
        }
        double[] beta = new double[d + 1];
        for (int it = 0; it < 50; it++) {
            double[] g = new double[d + 1];
            double[][] h = new double[d + 1][d + 1];
            for (int i = 0; i < n; i++) {
                double eta = 0;
                for (int j = 0; j <= d; j++) eta += beta[j] * z[i][j];
                double p = 1 / (1 + Math.exp(-eta)), wi = w == null ? 1 : w[i];
                double r = (y[i] ? 1 : 0) - p, v = Math.max(p * (1 - p), 1e-12) * wi;
                for (int j = 0; j <= d; j++) {
                    g[j] += wi * r * z[i][j];
                    for (int k = 0; k <= j; k++) h[j][k] += v * z[i][j] * z[i][k];
                }
            }
            for (int j = 0; j < d; j++) { g[j] -= lambda * beta[j]; h[j][j] += lambda; }
            for (int j = 0; j <= d; j++) for (int k = 0; k < j; k++) h[k][j] = h[j][k];
            h[d][d] += 1e-9;
            double[] step = solve(h, g);
            double max = 0;
            for (int j = 0; j <= d; j++) { beta[j] += step[j]; max = Math.max(max, Math.abs(step[j])); }
            if (max < 1e-9) break;
        }
        return new Model(names.clone(), mean, scale, Arrays.copyOf(beta, d), beta[d]);
    }

    // Gaussian elimination with partial pivoting on a small symmetric positive definite system
    static double[] solve(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = a0[i].clone();
        double[] b = b0.clone();
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
            double[] t = a[c]; a[c] = a[p]; a[p] = t;
            double tb = b[c]; b[c] = b[p]; b[p] = tb;
            if (Math.abs(a[c][c]) < 1e-300) continue;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) a[r][k] -= f * a[c][k];
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) s -= a[r][k] * x[k];
            x[r] = Math.abs(a[r][r]) < 1e-300 ? 0 : s / a[r][r];
        }
        return x;
    }
}
