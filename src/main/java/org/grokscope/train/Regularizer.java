package org.grokscope.train;

import org.grokscope.engine.Kernels;
import org.grokscope.nn.Params;

/**
 * Explicit penalties added to the data loss, with their gradients added to {@code ps.g}.
 *
 * <ul>
 *   <li>ℓ2: (λ/2)·‖θ‖₂², gradient λθ (coupled; distinct from AdamW's decoupled decay).
 *   <li>ℓ∞ (Mohamadi et al. eq. 2.2): λ·max_i |θ_i| over all parameters. Its subgradient: λ·sign(θ_i)/m for each of the
 *       m entries attaining the maximum (ties share it equally, as autodiff of max does), zero elsewhere.
 * </ul>
 */
public final class Regularizer {
    private final double l2, linf;
    private final Kernels k;

    public Regularizer(Kernels k, double l2, double linf) {
        this.k = k;
        this.l2 = l2;
        this.linf = linf;
    }

    public boolean active() {
        return l2 != 0 || linf != 0;
    }

    /** Adds the penalty gradients; returns the penalty value. */
    public double apply(Params ps) {
        double value = 0;
        float[] w = ps.w, g = ps.g;
        if (l2 != 0) {
            value += 0.5 * l2 * k.sumSquares(w, null, 0, w.length);
            float lam = (float) l2;
            for (int i = 0; i < w.length; i++) g[i] += lam * w[i];
        }
        if (linf != 0) {
            double max = k.maxAbs(w, 0, w.length);
            value += linf * max;
            if (max > 0) {
                int count = 0;
                for (float x : w) if (Math.abs(x) == (float) max) count++;
                float share = (float) (linf / count);
                for (int i = 0; i < w.length; i++) if (Math.abs(w[i]) == (float) max) g[i] += Math.signum(w[i]) * share;
            }
        }
        return value;
    }
}
