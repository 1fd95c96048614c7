package org.grokscope.analysis;

import java.util.Arrays;

/**
 * L2-regularized logistic regression on standardized features, fitted by Newton's method (a few dozen features, a few
 * tens of thousands of rows: exact and deterministic). A missing feature (NaN) is imputed as the training mean, i.e. 0
 * after standardization. The fitted model is plain numbers ({@link Model}), so it serializes as JSON and predicts
 * anywhere.
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
            for (int j = 0; j < weight.length; j++)
                if (!Double.isNaN(x[j])) z += weight[j] * (x[j] - mean[j]) / scale[j];
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
            for (double[] r : x)
                if (!Double.isNaN(r[j])) {
                    s += r[j];
                    s2 += r[j] * r[j];
                    c++;
                }
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
            for (int j = 0; j < d; j++) {
                g[j] -= lambda * beta[j];
                h[j][j] += lambda;
            }
            for (int j = 0; j <= d; j++) for (int k = 0; k < j; k++) h[k][j] = h[j][k];
            h[d][d] += 1e-9;
            double[] step;
            try {
                step = solve(h, g);
            } catch (Singular e) {
                String what = e.column == d ? "the intercept" : "feature '" + names[e.column] + "'";
                throw new IllegalArgumentException(
                        "logistic fit: " + what + " is constant over the rows or a combination of the"
                                + " features before it, so its weight has no unique value; fit with a ridge penalty (lambda > 0) or leave it out");
            }
            double max = 0;
            for (int j = 0; j <= d; j++) {
                beta[j] += step[j];
                max = Math.max(max, Math.abs(step[j]));
            }
            if (max < 1e-9) break;
        }
        return new Model(names.clone(), mean, scale, Arrays.copyOf(beta, d), beta[d]);
    }

    /**
     * Solves {@code a x = b} for a symmetric positive definite {@code a} by Cholesky factorization. The Newton system
     * of a ridge-penalized fit is positive definite; without the penalty it is singular when a feature is constant (or
     * always missing) or a combination of others, and then the fit has no unique answer: that is refused, naming the
     * first such column, instead of quietly giving its weight 0.
     */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int j = 0; j < n; j++) {
            double d = a[j][j];
            for (int k = 0; k < j; k++) d -= l[j][k] * l[j][k];
            // relative to the column's own size: rounding leaves ~1e-16 of it where the column is spanned by others
            if (!(d > 1e-12 * Math.max(Math.abs(a[j][j]), Double.MIN_NORMAL))) throw new Singular(j);
            l[j][j] = Math.sqrt(d);
            for (int i = j + 1; i < n; i++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
                l[i][j] = s / l[j][j];
            }
        }
        double[] y = new double[n], x = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i][k] * y[k];
            y[i] = s / l[i][i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) s -= l[k][i] * x[k];
            x[i] = s / l[i][i];
        }
        return x;
    }

    /** The system has no unique solution: column {@code column} is constant or spanned by the columns before it. */
    static final class Singular extends ArithmeticException {
        final int column;

        Singular(int column) {
            super("column " + column + " is constant or a combination of the columns before it");
            this.column = column;
        }
    }
}
