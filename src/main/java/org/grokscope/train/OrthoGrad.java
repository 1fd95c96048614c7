package org.grokscope.train;

import java.util.List;
import org.grokscope.nn.Param;
import org.grokscope.nn.Params;

/**
 * ⊥Grad (Prieto et al. 2025) around any optimizer: before the inner step, each parameter tensor's gradient loses its
 * component along that tensor's weights and is rescaled to its original norm. Per tensor w with gradient g (both
 * flattened):
 *
 * <pre>
 *   g⊥ = g − (w·g / (w·w + 1e−30)) w          remove the radial part (scaling w up or down)
 *   g  ← g⊥ · ‖g‖₂ / (‖g⊥‖₂ + 1e−30)          same length as before
 * </pre>
 *
 * as in the paper's reference. The three sums are fp64 in the tensor's element order (deterministic), the element-wise
 * updates fp32. What reaches it is the whole gradient the step sees: the data loss plus explicit penalties (a Grokfast
 * filter, when configured, runs before it); AdamW's decoupled decay and SGD's coupled decay are applied inside the
 * inner optimizer afterwards, as PyTorch's optimizers do with a wrapped gradient. Removing the radial part stops naive
 * loss minimization (growing every logit by scaling the weights), which after memorization is most of what a softmax
 * loss's gradient asks for.
 */
public final class OrthoGrad implements Optimizer {
    private static final double EPS = 1e-30;
    private final Optimizer inner;
    private final Param[] tensors; // an array: iterating it allocates nothing in the step

    public OrthoGrad(Optimizer inner, List<Param> tensors) {
        this.inner = inner;
        this.tensors = tensors.toArray(new Param[0]);
    }

    @Override
    public void step(Params ps, double lr) {
        for (Param p : tensors) project(ps.w, ps.g, p.offset(), p.size());
        inner.step(ps, lr);
    }

    /** Makes g[off, off+n) orthogonal to w[off, off+n), keeping its norm. */
    static void project(float[] w, float[] g, int off, int n) {
        double ww = 0, wg = 0, gg = 0;
        for (int i = off; i < off + n; i++) {
            double wi = w[i], gi = g[i];
            ww += wi * wi;
            wg += wi * gi;
            gg += gi * gi;
        }
        float proj = (float) (wg / (ww + EPS));
        double oo = 0;
        for (int i = off; i < off + n; i++) {
            float o = g[i] - proj * w[i];
            g[i] = o;
            oo += (double) o * o;
        }
        float scale = (float) (Math.sqrt(gg) / (Math.sqrt(oo) + EPS));
        for (int i = off; i < off + n; i++) g[i] *= scale;
    }

    @Override
    public float[][] state() {
        return inner.state();
    }

    @Override
    public java.util.List<String> stateNames() {
        return inner.stateNames();
    }

    @Override
    public long stepCount() {
        return inner.stepCount();
    }

    @Override
    public void setStepCount(long t) {
        inner.setStepCount(t);
    }
}
