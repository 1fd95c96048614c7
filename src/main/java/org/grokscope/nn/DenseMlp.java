package org.grokscope.nn;

import org.grokscope.engine.Act;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;

/**
 * MLP on feature vectors (flattened images, table rows): each example's single token is the index of its row in a
 * frozen feature table [rows, dim], so the data enters like an embedding that is not trained. x[n, dim] → (Linear,
 * act) × depth → Linear → logits[n, classes]; {@code depth} counts hidden layers (Omnigrok's "depth 3" MLP, three
 * Linear maps, is depth 2 here). Weights and names as {@link EmbedMlp}'s: fc1 … fc{depth}, out.
 */
public final class DenseMlp implements Model {
    public final int rows, dim, hidden, depth, classes;
    public final Act act;
    public final Linear[] layers; // fc1: dim→hidden, then hidden→hidden
    public final Linear out;
    private final float[] table;
    private final Params ps = new Params();
    private final Kernels k;
    private float[] x = new float[0], logits = new float[0], dA = new float[0], dB = new float[0];
    private float[][] h = new float[0][], pre = new float[0][];
    private int cap, lastN;

    public DenseMlp(Parallel pool, float[] table, int rows, int dim, int hidden, int depth, int classes, Act act) {
        if (depth < 1) throw new IllegalArgumentException("depth must be >= 1");
        if ((long) rows * dim != table.length) throw new IllegalArgumentException("a feature table of " + table.length + " values is not " + rows + " x " + dim);
        this.table = table; this.rows = rows; this.dim = dim; this.hidden = hidden; this.depth = depth; this.classes = classes; this.act = act;
        Gemm gemm = new Gemm(pool);
        k = new Kernels(pool);
        layers = new Linear[depth];
        for (int l = 0; l < depth; l++) layers[l] = new Linear(ps, gemm, k, "fc" + (l + 1), l == 0 ? dim : hidden, hidden, true);
        out = new Linear(ps, gemm, k, "out", hidden, classes, true);
        ps.allocate();
    }

    @Override public Params params() { return ps; }
    @Override public int seqLen() { return 1; }
    @Override public int vocab() { return rows; }
    @Override public int classes() { return classes; }

    private void reserve(int n) {
        if (n <= cap) return;
        cap = n;
        x = new float[n * dim];
        h = new float[depth][n * hidden];
        pre = act.backwardFromOutput() ? new float[depth][] : new float[depth][n * hidden];
        logits = new float[n * classes];
        dA = new float[n * hidden];
        dB = new float[n * hidden];
    }

    @Override
    public float[] forward(int[] tok, int tokOff, int n) {
        reserve(n);
        for (int i = 0; i < n; i++) System.arraycopy(table, tok[tokOff + i] * dim, x, i * dim, dim); // x[n, D] = table[tok]
        layers[0].forward(x, 0, h[0], 0, n, act, pre[0]);                                          // h0[n, H]
        for (int l = 1; l < depth; l++) layers[l].forward(h[l - 1], 0, h[l], 0, n, act, pre[l]);  // h_l[n, H]
        out.forward(h[depth - 1], 0, logits, 0, n, Act.IDENTITY, null);                            // logits[n, C]
        lastN = n;
        return logits;
    }

    @Override
    public void backward(float[] dlogits) {
        int n = lastN;
        float[] da = dA, db = dB;
        out.backward(h[depth - 1], 0, dlogits, 0, da, 0, n, false);                                // da = dlogits·Woutᵀ
        for (int l = depth - 1; l >= 1; l--) {
            k.actBackward(da, pre[l] != null ? pre[l] : h[l], n * hidden, act);
            layers[l].backward(h[l - 1], 0, da, 0, db, 0, n, false);
            float[] t = da; da = db; db = t;
        }
        k.actBackward(da, pre[0] != null ? pre[0] : h[0], n * hidden, act);                        // d pre-activation of fc1
        layers[0].backward(x, 0, da, 0, null, 0, n, false);                                         // the table is data: no dx
    }

    @Override
    public long floatsPerExample() {
        return Math.max(dim, Math.max(hidden, classes));                                           // x [n, D]; h [n, H]; logits [n, C]
    }

    @Override
    public double flops(int n, boolean withBackward) {
        double f = 2.0 * n * ((double) dim * hidden + (double) (depth - 1) * hidden * hidden + (double) hidden * classes);
        // backward: weight gradients for every layer, input gradients for all but the first
        return withBackward ? f + f + 2.0 * n * ((double) (depth - 1) * hidden * hidden + (double) hidden * classes) : f;
    }
}
