package org.grokscope.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class KernelsTest {
    @Test
    void vectorGeluAndItsDerivativeMatchTheDoublePrecisionFormula() {
        try (Parallel pool = new Parallel(2)) {
            Kernels k = new Kernels(pool);
            int n = 4001;
            float[] x = new float[n], y = new float[n], d = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = -20f + 40f * i / (n - 1);
                y[i] = x[i];
                d[i] = 1f;
            }
            k.biasAct(y, 0, null, 0, null, 1, n, Act.GELU);
            k.actBackward(d, x, n, Act.GELU);
            for (int i = 0; i < n; i++) {
                double ref = 0.5 * x[i] * (1 + Act.erf(x[i] / Math.sqrt(2)));
                double dref = 0.5 * (1 + Act.erf(x[i] / Math.sqrt(2)))
                        + x[i] * Math.exp(-0.5 * x[i] * x[i]) / Math.sqrt(2 * Math.PI);
                assertThat((double) y[i])
                        .as("gelu(%s)", x[i])
                        .isCloseTo(ref, within(2e-6 * Math.max(1, Math.abs(ref))));
                assertThat((double) d[i]).as("gelu'(%s)", x[i]).isCloseTo(dref, within(2e-6));
            }
        }
    }

    @Test
    void lossGradientsMatchFiniteDifferences() {
        try (Parallel pool = new Parallel(2)) {
            Kernels k = new Kernels(pool);
            int n = 9, C = 6;
            Rng r = new Rng(11);
            float[] z = new float[n * C];
            int[] y = new int[n];
            // logits on a grid of 1/64, away from 0 by more than the step (StableMax's s'' jumps there); h = 1/256 is
            // exact
            for (int i = 0; i < z.length; i++) {
                double v = 3 * r.nextGaussian();
                z[i] = (float) (Math.round(v * 64) / 64.0 + (Math.abs(v) < 0.05 ? 0.25 : 0));
            }
            for (int i = 0; i < n; i++) y[i] = r.nextInt(C);
            float h = 1f / 256;
            for (LossFunction fn : LossFunction.values()) {
                double scale = fn.gradScale(n, C);
                float[] d = new float[n * C];
                k.loss(fn, LossPrecision.FP64, z, n, C, y, 0, d, scale);
                for (int i = 0; i < z.length; i++) {
                    float keep = z[i];
                    z[i] = keep + h;
                    double up = k.loss(fn, LossPrecision.FP64, z, n, C, y, 0, null, scale)
                            .loss();
                    z[i] = keep - h;
                    double down = k.loss(fn, LossPrecision.FP64, z, n, C, y, 0, null, scale)
                            .loss();
                    z[i] = keep;
                    double fd = (up - down) / (2 * h);
                    assertThat((double) d[i])
                            .as("%s dloss/dz[%d] (z = %s)", fn, i, keep)
                            .isCloseTo(fd, within(2e-4 * Math.max(1e-2, Math.abs(fd))));
                }
            }
        }
    }

    /**
     * Regression: MSE against target values (from row lOff on), its gradient by finite differences, at both precisions.
     */
    @Test
    void mseAgainstTargetsFitsTheValuesAndItsGradientMatchesFiniteDifferences() {
        try (Parallel pool = new Parallel(2)) {
            Kernels k = new Kernels(pool);
            int n = 7, C = 2, off = 3;
            Rng r = new Rng(5);
            float[] z = new float[n * C], t = new float[(n + off) * C];
            for (int i = 0; i < z.length; i++) z[i] = Math.round(r.nextGaussian() * 64) / 64f;
            for (int i = 0; i < t.length; i++) t[i] = Math.round(r.nextGaussian() * 64) / 64f;
            int[] y = new int[n + off];
            double want = 0;
            for (int i = 0; i < n * C; i++) {
                double e = z[i] - t[off * C + i];
                want += e * e;
            }
            want /= n * C;
            for (LossPrecision prec : LossPrecision.values()) {
                float[] d = new float[n * C];
                double scale = LossFunction.MSE.gradScale(n, C);
                assertThat(k.loss(LossFunction.MSE, prec, z, n, C, y, off, d, scale, t)
                                .loss())
                        .isCloseTo(want, within(1e-6));
                float h = 1f / 256;
                for (int i = 0; i < z.length; i++) {
                    float keep = z[i];
                    z[i] = keep + h;
                    double up = k.loss(LossFunction.MSE, LossPrecision.FP64, z, n, C, y, off, null, scale, t)
                            .loss();
                    z[i] = keep - h;
                    double down = k.loss(LossFunction.MSE, LossPrecision.FP64, z, n, C, y, off, null, scale, t)
                            .loss();
                    z[i] = keep;
                    assertThat((double) d[i])
                            .as("%s dloss/dz[%d]", prec, i)
                            .isCloseTo((up - down) / (2 * h), within(1e-5));
                }
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> k.loss(LossFunction.CROSS_ENTROPY, LossPrecision.FP64, z, n, C, y, 0, null, 1, t))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("need the MSE loss");
        }
    }

    @Test
    void rowAddsWriteExactlyTheStridedRows() {
        try (Parallel pool = new Parallel(2)) {
            Kernels k = new Kernels(pool);
            int n = 301, w = 37, T = 3; // odd width: vector lanes and a tail; rows at the last of T positions
            float[] dst = new float[n * T * w], src = new float[n * w];
            Rng r = new Rng(5);
            for (int i = 0; i < dst.length; i++) dst[i] = (float) r.nextGaussian();
            for (int i = 0; i < src.length; i++) src[i] = (float) r.nextGaussian();
            float[] want = dst.clone();
            for (int e = 0; e < n; e++) for (int j = 0; j < w; j++) want[(e * T + T - 1) * w + j] += src[e * w + j];
            k.addRows(dst, (T - 1) * w, T * w, dst, (T - 1) * w, T * w, src, n, w);
            assertThat(dst).containsExactly(want);
            float[] out = new float[n * w], x = java.util.Arrays.copyOf(dst, n * w);
            k.addRows(out, 0, w, x, 0, w, src, n, w);
            for (int i = 0; i < n * w; i++) assertThat(out[i]).isEqualTo(x[i] + src[i]);
        }
    }
}
