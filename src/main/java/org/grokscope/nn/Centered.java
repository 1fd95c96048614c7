package org.grokscope.nn;

/**
 * Kumar et al.'s laziness knob: the model's output is f̃(θ; x) = α·(f(θ; x) − f(θ₀; x)), the difference from a frozen
 * copy at the initial parameters, scaled by α. The network starts at output 0 for every input whatever α is, and a
 * large α makes a small parameter change move the output a lot: the lazy (kernel) limit as α → ∞ with the learning rate
 * scaled by 1/α². The frozen copy costs one extra forward pass per batch; gradients (and the eNTK, which is α² times
 * the inner model's) flow through the inner model only.
 *
 * <pre>
 *   logits = α·(inner(tok) − frozen(tok))      [n, classes]
 *   d inner logits = α · dlogits
 * </pre>
 */
public final class Centered implements Model {
    private final Model inner, frozen;
    private final float alpha;
    private float[] out = new float[0], scaled = new float[0];
    private int lastN;

    /** {@code frozen} must have the same architecture; its parameters are set to inner's now (θ₀). */
    public Centered(Model inner, Model frozen, double alpha) {
        if (inner.params().size() != frozen.params().size())
            throw new IllegalArgumentException("frozen copy has a different architecture");
        this.inner = inner;
        this.frozen = frozen;
        this.alpha = (float) alpha;
        freeze();
    }

    /** Copies the inner model's current parameters into the frozen copy (call after initialization). */
    public void freeze() {
        System.arraycopy(
                inner.params().w, 0, frozen.params().w, 0, inner.params().size());
    }

    public Model inner() {
        return inner;
    }

    @Override
    public Params params() {
        return inner.params();
    }

    @Override
    public int seqLen() {
        return inner.seqLen();
    }

    @Override
    public int vocab() {
        return inner.vocab();
    }

    @Override
    public int classes() {
        return inner.classes();
    }

    @Override
    public float[] forward(int[] tok, int tokOff, int n) {
        int c = inner.classes();
        if (out.length < n * c) {
            out = new float[n * c];
            scaled = new float[n * c];
        }
        float[] f0 = frozen.forward(tok, tokOff, n);
        System.arraycopy(f0, 0, out, 0, n * c);
        float[] f = inner.forward(tok, tokOff, n);
        for (int i = 0; i < n * c; i++) out[i] = alpha * (f[i] - out[i]);
        lastN = n;
        return out;
    }

    @Override
    public void backward(float[] dlogits) {
        int len = lastN * inner.classes();
        for (int i = 0; i < len; i++) scaled[i] = alpha * dlogits[i];
        inner.backward(scaled);
    }

    @Override
    public long floatsPerExample() {
        return Math.max(inner.floatsPerExample(), Math.max(frozen.floatsPerExample(), inner.classes()));
    }

    @Override
    public double flops(int n, boolean withBackward) {
        return inner.flops(n, withBackward) + frozen.flops(n, false) + 2.0 * n * inner.classes();
    }
}
