package org.grokscope.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.grokscope.engine.Parallel;

/**
 * y = (x - mean) / sqrt(var + eps) · gain + bias over the last dimension d (biased variance, as PyTorch). Row
 * statistics are summed in fp64, scalar; the elementwise passes and the gain/bias gradients (each column summed down
 * the rows in order) run on vectors with the scalar loops' exact operations.
 */
public final class LayerNorm {
    private static final int ROWS = 32;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    public final int d;
    public final float eps;
    public final Param gain, bias;
    private final Params ps;
    private final Parallel pool;
    private final Fwd fwd = new Fwd();
    private final Bwd bwd = new Bwd();
    private final GradParams gp = new GradParams();

    public LayerNorm(Params ps, Parallel pool, String name, int d, float eps) {
        this.ps = ps;
        this.pool = pool;
        this.d = d;
        this.eps = eps;
        gain = ps.add(name + ".weight", Param.Role.NORM_GAIN, d, d);
        bias = ps.add(name + ".bias", Param.Role.NORM_BIAS, d, d);
    }

    // x[n, d] -> y[n, d]; saves mean[n], rstd[n]
    public void forward(float[] x, float[] y, int n, float[] mean, float[] rstd) {
        fwd.x = x;
        fwd.y = y;
        fwd.n = n;
        fwd.mean = mean;
        fwd.rstd = rstd;
        pool.run((n + ROWS - 1) / ROWS, fwd);
    }

    // dy[n, d] -> dx[n, d] (= or +=), dgain += Σ dy·x̂, dbias += Σ dy
    public void backward(float[] x, float[] dy, float[] dx, int n, float[] mean, float[] rstd, boolean accumulate) {
        bwd.x = x;
        bwd.dy = dy;
        bwd.dx = dx;
        bwd.n = n;
        bwd.mean = mean;
        bwd.rstd = rstd;
        bwd.acc = accumulate;
        pool.run((n + ROWS - 1) / ROWS, bwd);
        gp.x = x;
        gp.dy = dy;
        gp.n = n;
        gp.mean = mean;
        gp.rstd = rstd;
        pool.run((d + 15) / 16, gp);
        if (ps.tap != null) tap(x, dy, n, mean, rstd);
    }

    // per-example gradient of the gain, Σ_t dy⊙x̂ over the example's rows; the bias is a plain bias
    private void tap(float[] x, float[] dy, int n, float[] mean, float[] rstd) {
        int m = ps.tap.examples(), r = n / m;
        float[] g = new float[m * d];
        for (int row = 0; row < n; row++) {
            int o = row * d, e = (row / r) * d;
            for (int j = 0; j < d; j++) g[e + j] += dy[o + j] * (x[o + j] - mean[row]) * rstd[row];
        }
        ps.tap.perExample(g, d);
        ps.tap.bias(dy, 0, d, n);
    }

    private final class Fwd implements Parallel.Task {
        float[] x, y, mean, rstd;
        int n;

        // Each row's mean and variance are sums in double, in column order. Four rows go side by side so that their
        // four chains of dependent additions overlap (one row alone waits on each add's latency); every row's sum is
        // still taken in the same order, so the results are the same bits.
        @Override
        public void run(int c) {
            int r1 = Math.min(n, (c + 1) * ROWS), r = c * ROWS;
            for (; r + 4 <= r1; r += 4) {
                int o0 = r * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int j = 0; j < d; j++) {
                    s0 += x[o0 + j];
                    s1 += x[o1 + j];
                    s2 += x[o2 + j];
                    s3 += x[o3 + j];
                }
                double mu0 = s0 / d, mu1 = s1 / d, mu2 = s2 / d, mu3 = s3 / d, v0 = 0, v1 = 0, v2 = 0, v3 = 0;
                for (int j = 0; j < d; j++) {
                    double e0 = x[o0 + j] - mu0, e1 = x[o1 + j] - mu1, e2 = x[o2 + j] - mu2, e3 = x[o3 + j] - mu3;
                    v0 += e0 * e0;
                    v1 += e1 * e1;
                    v2 += e2 * e2;
                    v3 += e3 * e3;
                }
                normalize(r, mu0, v0);
                normalize(r + 1, mu1, v1);
                normalize(r + 2, mu2, v2);
                normalize(r + 3, mu3, v3);
            }
            for (; r < r1; r++) {
                int o = r * d;
                double s = 0;
                for (int j = 0; j < d; j++) s += x[o + j];
                double mu = s / d, v = 0;
                for (int j = 0; j < d; j++) {
                    double e = x[o + j] - mu;
                    v += e * e;
                }
                normalize(r, mu, v);
            }
        }

        private void normalize(int r, double mu, double v) {
            float[] w = ps.w;
            int o = r * d;
            float rs = (float) (1 / Math.sqrt(v / d + eps));
            float m = (float) mu;
            mean[r] = m;
            rstd[r] = rs;
            int go = gain.offset(), bo = bias.offset(), j = 0;
            for (; j + L <= d; j += L)
                FloatVector.fromArray(S, x, o + j)
                        .sub(m)
                        .mul(rs)
                        .mul(FloatVector.fromArray(S, w, go + j))
                        .add(FloatVector.fromArray(S, w, bo + j))
                        .intoArray(y, o + j);
            for (; j < d; j++) y[o + j] = (x[o + j] - m) * rs * w[go + j] + w[bo + j];
        }
    }

    private final class Bwd implements Parallel.Task {
        float[] x, dy, dx, mean, rstd;
        int n;
        boolean acc;

        // the row sums as in the forward pass: four rows side by side, each summed in column order (same bits)
        @Override
        public void run(int c) {
            float[] w = ps.w;
            int go = gain.offset(), r1 = Math.min(n, (c + 1) * ROWS), r = c * ROWS;
            for (; r + 4 <= r1; r += 4) {
                int o0 = r * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
                float m0 = mean[r], m1 = mean[r + 1], m2 = mean[r + 2], m3 = mean[r + 3];
                float rs0 = rstd[r], rs1 = rstd[r + 1], rs2 = rstd[r + 2], rs3 = rstd[r + 3];
                double sg0 = 0, sg1 = 0, sg2 = 0, sg3 = 0, sx0 = 0, sx1 = 0, sx2 = 0, sx3 = 0;
                for (int j = 0; j < d; j++) {
                    double g = w[go + j];
                    double g0 = dy[o0 + j] * g, g1 = dy[o1 + j] * g, g2 = dy[o2 + j] * g, g3 = dy[o3 + j] * g;
                    sg0 += g0;
                    sg1 += g1;
                    sg2 += g2;
                    sg3 += g3;
                    sx0 += g0 * (x[o0 + j] - m0) * rs0;
                    sx1 += g1 * (x[o1 + j] - m1) * rs1;
                    sx2 += g2 * (x[o2 + j] - m2) * rs2;
                    sx3 += g3 * (x[o3 + j] - m3) * rs3;
                }
                apply(r, sg0, sx0);
                apply(r + 1, sg1, sx1);
                apply(r + 2, sg2, sx2);
                apply(r + 3, sg3, sx3);
            }
            for (; r < r1; r++) {
                int o = r * d;
                float m = mean[r], rs = rstd[r];
                double sg = 0, sgx = 0;
                for (int j = 0; j < d; j++) {
                    double gdy = (double) dy[o + j] * w[go + j];
                    sg += gdy;
                    sgx += gdy * (x[o + j] - m) * rs;
                }
                apply(r, sg, sgx);
            }
        }

        private void apply(int r, double sg, double sgx) {
            float[] w = ps.w;
            int o = r * d, go = gain.offset(), j = 0;
            float m = mean[r], rs = rstd[r];
            float a = (float) (sg / d), b = (float) (sgx / d);
            for (; j + L <= d; j += L) {
                FloatVector xh = FloatVector.fromArray(S, x, o + j).sub(m).mul(rs);
                FloatVector v = FloatVector.fromArray(S, dy, o + j)
                        .mul(FloatVector.fromArray(S, w, go + j))
                        .sub(a)
                        .sub(xh.mul(b))
                        .mul(rs);
                (acc ? FloatVector.fromArray(S, dx, o + j).add(v) : v).intoArray(dx, o + j);
            }
            for (; j < d; j++) {
                float xh = (x[o + j] - m) * rs;
                float v = rs * (dy[o + j] * w[go + j] - a - xh * b);
                dx[o + j] = acc ? dx[o + j] + v : v;
            }
        }
    }

    private final class GradParams implements Parallel.Task {
        float[] x, dy, mean, rstd;
        int n;

        @Override
        public void run(int c) {
            float[] g = ps.g;
            int j1 = Math.min(d, (c + 1) * 16), j = c * 16;
            for (; j + L <= j1; j += L) { // L columns at once, each summed down the rows in order
                FloatVector sg = FloatVector.zero(S), sb = FloatVector.zero(S);
                for (int r = 0; r < n; r++) {
                    FloatVector dv = FloatVector.fromArray(S, dy, r * d + j);
                    sg = sg.add(dv.mul(FloatVector.fromArray(S, x, r * d + j).sub(mean[r]))
                            .mul(rstd[r]));
                    sb = sb.add(dv);
                }
                sg.add(FloatVector.fromArray(S, g, gain.offset() + j)).intoArray(g, gain.offset() + j);
                sb.add(FloatVector.fromArray(S, g, bias.offset() + j)).intoArray(g, bias.offset() + j);
            }
            for (; j < j1; j++) {
                float sg = 0, sb = 0;
                for (int r = 0; r < n; r++) {
                    float dv = dy[r * d + j];
                    sg += dv * (x[r * d + j] - mean[r]) * rstd[r];
                    sb += dv;
                }
                g[gain.offset() + j] += sg;
                g[bias.offset() + j] += sb;
            }
        }
    }
}
