package org.grokscope.nn;

import org.grokscope.engine.Act;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;

/**
 * MLP on feature vectors (flattened images, table rows): each example's single token is the index of its row in a
 * frozen feature table [rows, dim], so the data enters like an embedding that is not trained. x[n, dim] → (Linear, act)
 * × depth → Linear → logits[n, classes]; {@code depth} counts hidden layers (Omnigrok's "depth 3" MLP, three Linear
 * maps, is depth 2 here). Weights and names as {@link EmbedMlp}'s: fc1 … fc{depth}, out.
 */
public final class DenseMlp implements Model {
    public final int rows, dim, hidden, depth, classes;
    public final Act act;
    private final DenseStack mlp;
    private final float[] table;
    private final Params ps = new Params();
    private float[] x = new float[0];
    private int lastN;

    public DenseMlp(Parallel pool, float[] table, int rows, int dim, int hidden, int depth, int classes, Act act) {
        if (depth < 1) throw new IllegalArgumentException("depth must be >= 1");
        if ((long) rows * dim != table.length)
            throw new IllegalArgumentException(
                    "a feature table of " + table.length + " values is not " + rows + " x " + dim);
        this.table = table;
        this.rows = rows;
        this.dim = dim;
        this.hidden = hidden;
        this.depth = depth;
        this.classes = classes;
        this.act = act;
        mlp = new DenseStack(ps, new Gemm(pool), new Kernels(pool), dim, hidden, depth, classes, act);
        ps.allocate();
    }

    @Override
    public Params params() {
        return ps;
    }

    @Override
    public int seqLen() {
        return 1;
    }

    @Override
    public int vocab() {
        return rows;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public float[] forward(int[] tok, int tokOff, int n) {
        if (x.length < n * dim) x = new float[n * dim];
        for (int i = 0; i < n; i++)
            System.arraycopy(table, tok[tokOff + i] * dim, x, i * dim, dim); // x[n, D] = table[tok]
        lastN = n;
        return mlp.forward(x, n); // logits[n, C]
    }

    @Override
    public void backward(float[] dlogits) {
        mlp.backward(x, dlogits, null, lastN); // the table is data: no dx
    }

    @Override
    public long floatsPerExample() {
        return Math.max(dim, mlp.floatsPerExample()); // x [n, D]; h [n, H]; logits [n, C]
    }

    @Override
    public double flops(int n, boolean withBackward) {
        double f = mlp.flops(n);
        // backward: weight gradients for every layer, input gradients for all but the first
        return withBackward
                ? f + f + 2.0 * n * ((double) (depth - 1) * hidden * hidden + (double) hidden * classes)
                : f;
    }
}
