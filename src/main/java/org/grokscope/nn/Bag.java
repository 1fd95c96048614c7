package org.grokscope.nn;

import org.grokscope.engine.Act;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;
import org.grokscope.engine.TokenIndex;

/**
 * Embedding-bag text classifier: the mean of the token embeddings over the non-padding positions (id 0 is padding),
 * then an MLP.
 *
 * <pre>
 *   m_i = (1/len_i) Σ_{t: tok_it ≠ 0} E[tok_it]      [n, d]
 *   h = act(m·W_l + b_l) × depth                     [n, hidden]
 *   logits = h·W_out + b_out                          [n, classes]
 * </pre>
 *
 * The backward of the mean is a scatter by token value (every embedding row is written by one thread, in a fixed
 * order), so it is deterministic for any thread count.
 */
public final class Bag implements Model {
    private static final int EX = 16;
    public final int vocab, T, d, hidden, depth, classes;
    public final Act act;
    public final Param emb;
    private final DenseStack mlp; // (Linear, act) × depth → Linear on the mean embedding
    private final Params ps = new Params();
    private final Parallel pool;
    private final Kernels k;
    private final TokenIndex index;
    private final MeanFwd meanFwd = new MeanFwd();
    private final MeanBwd meanBwd = new MeanBwd();
    private int cap;
    private float[] m = new float[0], dm = new float[0], invLen = new float[0];
    private int[] lastTok;
    private int lastOff, lastN;

    public Bag(Parallel pool, int vocab, int T, int d, int hidden, int depth, int classes, Act act) {
        if (depth < 0) throw new IllegalArgumentException("depth must be >= 0");
        this.pool = pool;
        this.vocab = vocab;
        this.T = T;
        this.d = d;
        this.hidden = hidden;
        this.depth = depth;
        this.classes = classes;
        this.act = act;
        Gemm gemm = new Gemm(pool);
        k = new Kernels(pool);
        emb = ps.add("embed.weight", Param.Role.EMBEDDING, d, vocab, d);
        mlp = new DenseStack(ps, gemm, k, d, hidden, depth, classes, act);
        ps.allocate();
        index = new TokenIndex(vocab);
    }

    @Override
    public Params params() {
        return ps;
    }

    @Override
    public int seqLen() {
        return T;
    }

    @Override
    public int vocab() {
        return vocab;
    }

    @Override
    public int classes() {
        return classes;
    }

    private void reserve(int n) {
        if (n <= cap) return;
        cap = n;
        m = new float[n * d];
        dm = new float[n * d];
        invLen = new float[n];
    }

    @Override
    public float[] forward(int[] tok, int tokOff, int n) {
        reserve(n);
        lastTok = tok;
        lastOff = tokOff;
        lastN = n;
        meanFwd.n = n;
        pool.run((n + EX - 1) / EX, meanFwd); // m[n, d]
        return mlp.forward(m, n); // logits[n, C]
    }

    @Override
    public void backward(float[] dlogits) {
        int n = lastN;
        mlp.backward(m, dlogits, dm, n); // dm[n, d]
        index.build(lastTok, lastOff, 1, 0, n * T); // token positions by value
        meanBwd.n = n;
        pool.run((vocab + 63) / 64, meanBwd); // dE[v] += Σ dm_i / len_i
        if (ps.tap != null) tap(n);
    }

    // per-example factors: the mean is m_i = c_i·E with c_i the example's token counts / len_i (a dense
    // layer over the vocabulary), so E's per-example gradient is c_iᵀ ⊗ dm_i
    private void tap(int n) {
        float[] c = new float[n * vocab];
        for (int r = 0; r < n * T; r++) {
            int v = lastTok[lastOff + r], e = r / T;
            if (v != 0) c[e * vocab + v] += invLen[e];
        }
        ps.tap.dense(c, 0, vocab, dm, 0, d, n);
    }

    private final class MeanFwd implements Parallel.Task {
        int n;

        @Override
        public void run(int c) {
            float[] w = ps.w;
            int e1 = Math.min(n, (c + 1) * EX), eo = emb.offset();
            for (int e = c * EX; e < e1; e++) {
                int o = e * d, count = 0;
                java.util.Arrays.fill(m, o, o + d, 0f);
                for (int t = 0; t < T; t++) {
                    int v = lastTok[lastOff + e * T + t];
                    if (v == 0) continue;
                    if (v < 0 || v >= vocab)
                        throw new IllegalArgumentException("token " + v + " outside vocabulary of " + vocab);
                    count++;
                    int src = eo + v * d;
                    for (int j = 0; j < d; j++) m[o + j] += w[src + j];
                }
                float inv = count == 0 ? 0f : 1f / count;
                invLen[e] = inv;
                for (int j = 0; j < d; j++) m[o + j] *= inv;
            }
        }
    }

    private final class MeanBwd implements Parallel.Task {
        int n;

        @Override
        public void run(int c) {
            float[] g = ps.g;
            int[] start = index.start(), rows = index.rows();
            int v0 = Math.max(1, c * 64), v1 = Math.min(vocab, (c + 1) * 64), eo = emb.offset();
            for (int v = v0; v < v1; v++) {
                int o = eo + v * d;
                for (int q = start[v]; q < start[v + 1]; q++) {
                    int e = rows[q] / T;
                    float s = invLen[e];
                    int src = e * d;
                    for (int j = 0; j < d; j++) g[o + j] += dm[src + j] * s;
                }
            }
        }
    }

    @Override
    public long floatsPerExample() {
        return Math.max(d, mlp.floatsPerExample()); // m [n, d]; h [n, H]; logits [n, C]
    }

    @Override
    public double flops(int n, boolean withBackward) {
        double mean = (double) n * T * d;
        double dense = 2.0
                * n
                * (depth == 0
                        ? (double) d * classes
                        : (double) d * hidden + hidden * (hidden * (depth - 1.0) + classes));
        return withBackward ? 2 * mean + 3 * dense : mean + dense;
    }
}
