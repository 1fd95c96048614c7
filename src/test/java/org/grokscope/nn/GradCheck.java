package org.grokscope.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;
import org.grokscope.engine.Rng;

/**
 * Finite-difference check of a model's parameter gradients. For every parameter tensor p, along the direction u =
 * ĝ_p/‖ĝ_p‖ + r/‖r‖ (ĝ the analytic gradient restricted to p, r random), compares the central difference (L(θ+εu) −
 * L(θ−εu))/2ε with ĝ·u. An error in any layer's backward, for inputs or parameters, shows up in at least one tensor.
 */
final class GradCheck {
    private GradCheck() {}

    static double loss(Model m, Kernels k, int[] tok, int[] y, int n, boolean mse, float[] d) {
        float[] logits = m.forward(tok, 0, n);
        return mse
                ? k.mseOneHot(logits, n, m.classes(), y, 0, d, 1.0 / ((double) n * m.classes()))
                        .loss()
                : k.crossEntropy(logits, n, m.classes(), y, 0, d, 1.0 / n).loss();
    }

    static void check(Model m, Parallel pool, int[] tok, int[] y, int n, boolean mse, double eps, double tol) {
        check(m, pool, tok, y, n, mse, eps, tol, 1e-5);
    }

    /** {@code abs}: the floor for gradients that are zero in exact arithmetic (fp32 loss noise / eps). */
    static void check(
            Model m, Parallel pool, int[] tok, int[] y, int n, boolean mse, double eps, double tol, double abs) {
        Kernels k = new Kernels(pool);
        Params ps = m.params();
        ps.zeroGrad();
        float[] d = new float[n * m.classes()];
        loss(m, k, tok, y, n, mse, d);
        m.backward(d);
        float[] g = ps.g.clone();
        Rng rng = new Rng(7);
        for (Param p : ps.list()) {
            int o = p.offset(), len = p.size();
            double gn = 0, rn = 0;
            double[] r = new double[len];
            for (int i = 0; i < len; i++) {
                gn += (double) g[o + i] * g[o + i];
                r[i] = rng.nextGaussian();
                rn += r[i] * r[i];
            }
            gn = Math.sqrt(gn);
            rn = Math.sqrt(rn);
            double[] u = new double[len];
            double an = 0;
            for (int i = 0; i < len; i++) {
                u[i] = (gn > 0 ? g[o + i] / gn : 0) + r[i] / rn;
                an += g[o + i] * u[i];
            }
            float[] saved = java.util.Arrays.copyOfRange(ps.w, o, o + len);
            for (int i = 0; i < len; i++) ps.w[o + i] = (float) (saved[i] + eps * u[i]);
            double lp = loss(m, k, tok, y, n, mse, null);
            for (int i = 0; i < len; i++) ps.w[o + i] = (float) (saved[i] - eps * u[i]);
            double lm = loss(m, k, tok, y, n, mse, null);
            System.arraycopy(saved, 0, ps.w, o, len);
            double fd = (lp - lm) / (2 * eps);
            assertThat(Math.abs(fd - an))
                    .as(
                            "%s %s: finite difference %.6g vs analytic %.6g",
                            m.getClass().getSimpleName(), p.name(), fd, an)
                    .isLessThanOrEqualTo(tol * Math.max(Math.abs(an), Math.abs(fd)) + abs);
        }
    }
}
