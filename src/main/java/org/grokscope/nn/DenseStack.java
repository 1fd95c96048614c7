package org.grokscope.nn;

import org.grokscope.engine.Act;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Kernels;

/**
 * (Linear, act) × depth → Linear on an input x[n, in]: the MLP of {@link Bag} (on mean embeddings) and of
 * {@link DenseMlp} (on feature rows), forward and backward side by side with their buffers. Parameters fc1 … fc{depth},
 * out, added to the block in that order; depth 0 is a linear read-out.
 */
final class DenseStack {
    final int in, hidden, depth, classes;
    final Act act;
    final Linear[] layers; // fc1: in→hidden, then hidden→hidden
    final Linear out;
    private final Kernels k;
    private int cap;
    private float[][] h = new float[0][], pre = new float[0][];
    private float[] logits = new float[0], dA = new float[0], dB = new float[0];

    DenseStack(Params ps, Gemm gemm, Kernels k, int in, int hidden, int depth, int classes, Act act) {
        this.k = k;
        this.in = in;
        this.hidden = hidden;
        this.depth = depth;
        this.classes = classes;
        this.act = act;
        layers = new Linear[depth];
        for (int l = 0; l < depth; l++)
            layers[l] = new Linear(ps, gemm, k, "fc" + (l + 1), l == 0 ? in : hidden, hidden, true);
        out = new Linear(ps, gemm, k, "out", depth == 0 ? in : hidden, classes, true);
    }

    private void reserve(int n) {
        if (n <= cap) return;
        cap = n;
        h = new float[depth][n * hidden];
        pre = new float[depth][];
        if (!act.backwardFromOutput()) for (int l = 0; l < depth; l++) pre[l] = new float[n * hidden];
        logits = new float[n * classes];
        dA = new float[n * hidden];
        dB = new float[n * hidden];
    }

    // x[n, in] -> logits[n, C] (the stack's own buffer)
    float[] forward(float[] x, int n) {
        reserve(n);
        for (int l = 0; l < depth; l++) {
            layers[l].forward(x, 0, h[l], 0, n, act, pre[l]);
            x = h[l];
        } // h_l[n, H]
        out.forward(x, 0, logits, 0, n, Act.IDENTITY, null); // logits[n, C]
        return logits;
    }

    // dlogits[n, C] -> every weight's gradient, and dx[n, in] (overwritten; skipped if null) for the x of the last
    // forward
    void backward(float[] x, float[] dlogits, float[] dx, int n) {
        if (depth == 0) {
            out.backward(x, 0, dlogits, 0, dx, 0, n, false);
            return;
        }
        float[] da = dA, db = dB;
        out.backward(h[depth - 1], 0, dlogits, 0, da, 0, n, false); // da = dlogits·Woutᵀ
        for (int l = depth - 1; l >= 0; l--) {
            k.actBackward(da, pre[l] != null ? pre[l] : h[l], n * hidden, act);
            if (l == 0) layers[0].backward(x, 0, da, 0, dx, 0, n, false); // dx[n, in]
            else {
                layers[l].backward(h[l - 1], 0, da, 0, db, 0, n, false);
                float[] t = da;
                da = db;
                db = t;
            }
        }
    }

    /**
     * Floating-point operations of a forward pass over n examples (a backward with the input gradient costs twice
     * that).
     */
    double flops(int n) {
        return depth == 0
                ? 2.0 * n * in * classes
                : 2.0 * n * ((double) in * hidden + (double) (depth - 1) * hidden * hidden + (double) hidden * classes);
    }

    /** Floats per example of its largest buffer. */
    long floatsPerExample() {
        return Math.max(hidden, classes);
    }
}
