package org.grokscope.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * The orthonormal real Fourier basis over Z_p and the measures built on it (Nanda et al. 2023). Basis rows: the
 * constant 1/√p, then for k = 1 … ⌊(p−1)/2⌋ the normalized cos(2πkx/p) and sin(2πkx/p), and for even p the Nyquist row
 * cos(πx)/√p. Frequencies are indexed 0 (constant) … p/2; a matrix's norm at frequency k is the norm of its projection
 * on that frequency's rows.
 */
public final class Fourier {
    public final int p, frequencies; // frequencies = ⌊p/2⌋ + 1, including the constant
    private final double[][] basis; // [p][p]
    private final int[] freqOfRow;
    private final double[] cos, sin; // cos(2πj/p), sin(2πj/p), j = 0 … p−1

    public Fourier(int p) {
        this.p = p;
        frequencies = p / 2 + 1;
        basis = new double[p][p];
        freqOfRow = new int[p];
        cos = new double[p];
        sin = new double[p];
        for (int j = 0; j < p; j++) {
            cos[j] = Math.cos(2 * Math.PI * j / p);
            sin[j] = Math.sin(2 * Math.PI * j / p);
        }
        for (int x = 0; x < p; x++) basis[0][x] = 1 / Math.sqrt(p);
        int row = 1;
        for (int k = 1; 2 * k < p; k++) {
            double c = 0, s = 0;
            for (int x = 0; x < p; x++) {
                basis[row][x] = Math.cos(2 * Math.PI * k * x / p);
                basis[row + 1][x] = Math.sin(2 * Math.PI * k * x / p);
                c += basis[row][x] * basis[row][x];
                s += basis[row + 1][x] * basis[row + 1][x];
            }
            for (int x = 0; x < p; x++) {
                basis[row][x] /= Math.sqrt(c);
                basis[row + 1][x] /= Math.sqrt(s);
            }
            freqOfRow[row] = k;
            freqOfRow[row + 1] = k;
            row += 2;
        }
        if (p % 2 == 0) {
            for (int x = 0; x < p; x++) basis[row][x] = (x % 2 == 0 ? 1 : -1) / Math.sqrt(p);
            freqOfRow[row] = p / 2;
        }
    }

    public double basis(int row, int x) {
        return basis[row][x];
    }

    /**
     * Per-frequency norms of a matrix whose Fourier axis has length p: {@code alongRows} means the rows of m[rows = p,
     * cols] (an embedding table), otherwise its columns (an unembedding, classes last). Returns ‖projection‖₂ for
     * frequencies 0 … p/2.
     */
    public double[] norms(float[] m, int off, int rows, int cols, boolean alongRows) {
        double[] sq = new double[frequencies];
        int other = alongRows ? cols : rows;
        for (int r = 0; r < p; r++) {
            double[] b = basis[r];
            for (int o = 0; o < other; o++) {
                double dot = 0;
                for (int x = 0; x < p; x++) dot += b[x] * (alongRows ? m[off + x * cols + o] : m[off + o * cols + x]);
                sq[freqOfRow[r]] += dot * dot;
            }
        }
        for (int k = 0; k < frequencies; k++) sq[k] = Math.sqrt(sq[k]);
        return sq;
    }

    /** Frequencies k ≥ 1 whose norm is at least {@code threshold} × the largest non-constant norm. */
    public static List<Integer> keyFrequencies(double[] norms, double threshold) {
        double max = 0;
        for (int k = 1; k < norms.length; k++) max = Math.max(max, norms[k]);
        List<Integer> keys = new ArrayList<>();
        if (max == 0) return keys;
        for (int k = 1; k < norms.length; k++) if (norms[k] >= threshold * max) keys.add(k);
        return keys;
    }

    /**
     * Gini coefficient (Hurley–Rickard) of the non-constant frequency norms: 0 when every frequency is equally used, →
     * 1 when one frequency holds everything. G = 1 − 2 Σ_k (c_(k)/‖c‖₁)(N − k + ½)/N with c ascending, k = 1 … N.
     */
    public static double gini(double[] norms) {
        int n = norms.length - 1;
        double[] c = java.util.Arrays.copyOfRange(norms, 1, norms.length);
        java.util.Arrays.sort(c);
        double l1 = 0;
        for (double v : c) l1 += Math.abs(v);
        if (l1 == 0 || n == 0) return 0;
        double s = 0;
        for (int k = 1; k <= n; k++) s += (Math.abs(c[k - 1]) / l1) * (n - k + 0.5) / n;
        return 1 - 2 * s;
    }

    /**
     * Nanda et al.'s restricted and excluded logits for x + y mod p. {@code logits} holds all p² pairs (row x·p + y) ×
     * p classes. The directions cos(w_k(x+y)) and sin(w_k(x+y)) (w_k = 2πk/p), normalized over the p² grid, are
     * projected out of every class's logit table for each key frequency k. Restricted logits keep the per-class
     * constant plus those projections; excluded logits are the logits minus them. Returns {restricted, excluded}, each
     * [p², p].
     */
    public double[][] restrictedAndExcluded(float[] logits, List<Integer> keys) {
        int C = p, N = p * p;
        double[] sums = new double[p * C]; // S[s, c] = Σ_{x+y≡s} logits[(x, y), c]
        double[] mean = new double[C];
        for (int x = 0; x < p; x++)
            for (int y = 0; y < p; y++) {
                int s = (x + y) % p, o = (x * p + y) * C;
                for (int c = 0; c < C; c++) {
                    sums[s * C + c] += logits[o + c];
                    mean[c] += logits[o + c];
                }
            }
        for (int c = 0; c < C; c++) mean[c] /= N;
        double[] proj = new double[p * C]; // projection value at x+y ≡ s, class c
        double[] a = new double[C], b = new double[C];
        for (int k : keys) {
            boolean nyquist = 2 * k == p;
            double normSq = nyquist ? N : N / 2.0; // Σ_{x,y} cos²(w_k(x+y))
            java.util.Arrays.fill(a, 0);
            java.util.Arrays.fill(b, 0);
            for (int s = 0; s < p; s++) {
                double cs = cos[(int) ((long) k * s % p)], sn = sin[(int) ((long) k * s % p)];
                for (int c = 0; c < C; c++) {
                    a[c] += sums[s * C + c] * cs;
                    b[c] += sums[s * C + c] * sn;
                }
            }
            for (int s = 0; s < p; s++) {
                double cs = cos[(int) ((long) k * s % p)] / normSq,
                        sn = nyquist ? 0 : sin[(int) ((long) k * s % p)] / normSq;
                for (int c = 0; c < C; c++) proj[s * C + c] += a[c] * cs + b[c] * sn;
            }
        }
        double[] restricted = new double[N * C], excluded = new double[N * C];
        for (int x = 0; x < p; x++)
            for (int y = 0; y < p; y++) {
                int s = (x + y) % p, o = (x * p + y) * C;
                for (int c = 0; c < C; c++) {
                    restricted[o + c] = mean[c] + proj[s * C + c];
                    excluded[o + c] = logits[o + c] - proj[s * C + c];
                }
            }
        return new double[][] {restricted, excluded};
    }

    /** Mean cross-entropy (fp64) of the rows {@code rows} of logits[·, C] against labels. */
    public static double crossEntropy(double[] logits, int C, int[] rows, int[] labels) {
        double sum = 0;
        for (int i = 0; i < rows.length; i++) {
            int o = rows[i] * C;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < C; c++) max = Math.max(max, logits[o + c]);
            double z = 0;
            for (int c = 0; c < C; c++) z += Math.exp(logits[o + c] - max);
            sum += max + Math.log(z) - logits[o + labels[i]];
        }
        return sum / rows.length;
    }
}
