package org.grokscope.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.Params;

/**
 * AdamW exactly as torch.optim.AdamW (single-tensor path): θ ← θ(1 − lr·wd); m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
 * θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε). Weight decay is decoupled and applies to every parameter, as in the
 * papers' code.
 *
 * <p>With {@link Decay#COUPLED} it is torch.optim.Adam instead: the decay joins the gradient inside the step, g ← g +
 * wd·θ (one fused multiply-add, as torch's vectorized add with alpha), and θ is not shrunk. Unlike an L2 penalty in the
 * loss, the term comes after any wrapper (Grokfast's filter, ⊥Grad) has seen the gradient, which is where Grokfast's
 * reference code has it ({@code torch.optim.Adam(weight_decay=…)} after the filter).
 */
public final class AdamW implements Optimizer, Parallel.Task {
    /** Where the weight decay acts: on the weights after the step (AdamW) or in the gradient (Adam's L2). */
    public enum Decay {
        DECOUPLED,
        COUPLED
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHUNK = 1 << 14;
    private final Parallel pool;
    private final double beta1, beta2, eps, weightDecay;
    private final Decay mode;
    private final float[] m, v;
    private long t;
    private float[] w, g;
    private float decay, gradDecay, b1, b2, stepSize, bc2sqrt, epsf;

    public AdamW(Parallel pool, int size, double beta1, double beta2, double eps, double weightDecay) {
        this(pool, size, beta1, beta2, eps, weightDecay, Decay.DECOUPLED);
    }

    public AdamW(Parallel pool, int size, double beta1, double beta2, double eps, double weightDecay, Decay mode) {
        this.pool = pool;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.mode = mode;
        m = new float[size];
        v = new float[size];
    }

    @Override
    public void step(Params ps, double lr) {
        t++;
        w = ps.w;
        g = ps.g;
        decay = mode == Decay.DECOUPLED ? (float) (1 - lr * weightDecay) : 1f;
        gradDecay = mode == Decay.COUPLED ? (float) weightDecay : 0f;
        b1 = (float) beta1;
        b2 = (float) beta2;
        stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        bc2sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
        epsf = (float) eps;
        pool.run((w.length + CHUNK - 1) / CHUNK, this);
        w = g = null;
    }

    @Override
    public void run(int c) {
        int i0 = c * CHUNK, i1 = Math.min(w.length, i0 + CHUNK);
        final float[] w = this.w, g = this.g, m = this.m, v = this.v;
        float omb1 = 1 - b1, omb2 = 1 - b2, inv = 1 / bc2sqrt, wd = gradDecay;
        boolean coupled = wd != 0f;
        int i = i0;
        int L = S.length();
        for (; i + L <= i1; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            if (coupled) gv = FloatVector.fromArray(S, w, i).fma(FloatVector.broadcast(S, wd), gv);
            FloatVector wv = FloatVector.fromArray(S, w, i).mul(decay);
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(b1).add(gv.mul(omb1));
            FloatVector vv =
                    FloatVector.fromArray(S, v, i).mul(b2).add(gv.mul(gv).mul(omb2));
            FloatVector den = vv.sqrt().mul(inv).add(epsf);
            wv.sub(mv.div(den).mul(stepSize)).intoArray(w, i);
            mv.intoArray(m, i);
            vv.intoArray(v, i);
        }
        for (; i < i1; i++) {
            float gi = coupled ? Math.fma(w[i], wd, g[i]) : g[i];
            float wi = w[i] * decay;
            float mi = m[i] * b1 + gi * omb1;
            float vi = v[i] * b2 + gi * gi * omb2;
            m[i] = mi;
            v[i] = vi;
            w[i] = wi - mi / ((float) Math.sqrt(vi) * inv + epsf) * stepSize;
        }
    }

    @Override
    public float[][] state() {
        return new float[][] {m, v};
    }

    @Override
    public java.util.List<String> stateNames() {
        return java.util.List.of("exp_avg", "exp_avg_sq");
    }

    @Override
    public long stepCount() {
        return t;
    }

    @Override
    public void setStepCount(long t) {
        this.t = t;
    }
}
