package org.grokscope.train;

import org.grokscope.engine.Kernels;
import org.grokscope.nn.Params;

/**
 * Gradient descent, as torch.optim.SGD: g ← g + wd·θ (coupled decay); with momentum μ: b ← μ b + g. With
 * {@link Step#NORMALIZED}, the step direction is g / ‖g‖₂ (normalized GD of Mohamadi et al.: θ ← θ − η ∇/‖∇‖₂; ‖g‖ over
 * all parameters, fp64, after decay is added).
 */
public final class Sgd implements Optimizer {
    private final Kernels k;
    private final double momentum, weightDecay;
    private final Step stepKind;
    private final float[] buf;
    private long t;

    /**
     * How long a step is: the learning rate times the direction ({@code PLAIN}), or the learning rate itself
     * ({@code NORMALIZED}).
     */
    public enum Step {
        PLAIN,
        NORMALIZED
    }

    public Sgd(Kernels k, int size, double momentum, double weightDecay, Step step) {
        this.k = k;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.stepKind = step;
        this.buf = momentum != 0 ? new float[size] : new float[0];
    }

    @Override
    public void step(Params ps, double lr) {
        t++;
        float[] w = ps.w, g = ps.g;
        int n = w.length;
        if (weightDecay != 0) {
            float wd = (float) weightDecay;
            for (int i = 0; i < n; i++) g[i] += wd * w[i];
        }
        float[] dir = g;
        if (momentum != 0) {
            float mu = (float) momentum;
            if (t == 1) System.arraycopy(g, 0, buf, 0, n);
            else for (int i = 0; i < n; i++) buf[i] = mu * buf[i] + g[i];
            dir = buf;
        }
        double scale = lr;
        if (stepKind == Step.NORMALIZED) {
            double norm = Math.sqrt(k.sumSquares(dir, null, 0, n));
            scale = norm > 0 ? lr / norm : 0;
        }
        float s = (float) scale;
        for (int i = 0; i < n; i++) w[i] -= s * dir[i];
    }

    @Override
    public float[][] state() {
        return new float[][] {buf};
    }

    @Override
    public java.util.List<String> stateNames() {
        return java.util.List.of("momentum_buffer");
    } // empty without momentum

    @Override
    public long stepCount() {
        return t;
    }

    @Override
    public void setStepCount(long t) {
        this.t = t;
    }
}
