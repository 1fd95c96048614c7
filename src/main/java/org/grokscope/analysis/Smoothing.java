package org.grokscope.analysis;

/** Gaussian smoothing of a series, with reflected edges (as scipy.ndimage.gaussian_filter1d's default). */
public final class Smoothing {
    private Smoothing() {}

    /** @param sigma standard deviation in samples; 0 returns a copy. */
    public static double[] gaussian(double[] y, double sigma) {
        int n = y.length;
        if (sigma <= 0 || n == 0) return y.clone();
        int r = (int) Math.ceil(4 * sigma);
        double[] w = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            w[i + r] = Math.exp(-0.5 * i * i / (sigma * sigma));
            sum += w[i + r];
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = -r; j <= r; j++) s += w[j + r] * y[reflect(i + j, n)];
            out[i] = s / sum;
        }
        return out;
    }

    static int reflect(int i, int n) {
        if (n == 1) return 0;
        while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
        return i;
    }
}
