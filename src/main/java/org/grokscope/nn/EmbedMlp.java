package org.grokscope.nn;

import org.grokscope.engine.Act;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;
import org.grokscope.engine.TokenIndex;

/**
 * MLP over concatenated token embeddings: tok[n, T] → [E[tok_0], …, E[tok_T-1]] (n × T·d) → (Linear, act) × depth →
 * Linear → logits[n, classes]. The first Linear never sees the concatenation: with Tab_t = E · W1[t·d:(t+1)·d] (vocab ×
 * hidden, once per step) a row's pre-activation is b1 + Σ_t Tab_t[tok_t], a gather; its backward is a scatter-add into
 * dTab_t and two vocab-sized GEMMs. Gradients are identical to the dense formulation.
 *
 * <p>With d = 0 the input is one-hot instead ([onehot(tok_0), …], n × T·V, as Prieto et al.'s and Gromov's MLPs take
 * it): there is no embedding, and W1 [T·V, H] is itself the tables, Tab_t = W1[t·V:(t+1)·V].
 */
public final class EmbedMlp implements Model, FourierReadable {
    public final int vocab, T, d, hidden, depth, classes;
    public final Act act;
    public final Param emb, w1, b1;
    public final Linear[] layers; // hidden→hidden layers (depth-1 of them)
    public final Linear out;
    private final Params ps = new Params();
    private final Gemm gemm;
    private final Kernels k;
    private final TokenIndex index;
    private final int[] tOff;
    private final float[] tab, dtab;
    private float[][] h = new float[0][], pre = new float[0][];
    private float[] logits = new float[0], dA = new float[0], dB = new float[0];
    private int cap;
    private int[] lastTok;
    private int lastOff, lastN;

    public EmbedMlp(Parallel pool, int vocab, int T, int d, int hidden, int depth, int classes, Act act) {
        if (depth < 1) throw new IllegalArgumentException("depth must be >= 1");
        this.vocab = vocab;
        this.T = T;
        this.d = d;
        this.hidden = hidden;
        this.depth = depth;
        this.classes = classes;
        this.act = act;
        gemm = new Gemm(pool);
        k = new Kernels(pool);
        if (d < 0) throw new IllegalArgumentException("embedding width must be >= 0 (0 = one-hot input)");
        int in = d == 0 ? T * vocab : T * d; // fc1's fan-in
        emb = d == 0 ? null : ps.add("embed.weight", Param.Role.EMBEDDING, d, vocab, d);
        w1 = ps.add("fc1.weight", Param.Role.WEIGHT, in, in, hidden);
        b1 = ps.add("fc1.bias", Param.Role.BIAS, in, hidden);
        layers = new Linear[depth - 1];
        for (int l = 0; l < depth - 1; l++) layers[l] = new Linear(ps, gemm, k, "fc" + (l + 2), hidden, hidden, true);
        out = new Linear(ps, gemm, k, "out", hidden, classes, true);
        ps.allocate();
        index = new TokenIndex(vocab);
        tOff = new int[T];
        for (int t = 0; t < T; t++) tOff[t] = (d == 0 ? w1.offset() : 0) + t * vocab * hidden;
        tab = d == 0 ? null : new float[T * vocab * hidden];
        dtab = d == 0 ? null : new float[vocab * hidden];
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
        h = new float[depth][n * hidden];
        pre = act.backwardFromOutput() ? new float[depth][] : new float[depth][n * hidden];
        logits = new float[n * classes];
        dA = new float[n * hidden];
        dB = new float[n * hidden];
    }

    @Override
    public float[] forward(int[] tok, int tokOff, int n) {
        reserve(n);
        float[] w = ps.w;
        if (d > 0)
            for (int t = 0; t < T; t++)
                gemm.nn(
                        w,
                        emb.offset(),
                        w,
                        w1.offset() + t * d * hidden,
                        tab,
                        tOff[t],
                        vocab,
                        hidden,
                        d,
                        false); // Tab_t[V, H]
        k.gatherSum(
                d > 0 ? tab : w,
                tOff,
                tok,
                tokOff,
                T,
                n,
                hidden,
                w,
                b1.offset(),
                h[0],
                0); // h0[n, H] = b1 + Σ_t Tab_t[tok_t]
        k.biasAct(h[0], 0, null, 0, pre[0], n, hidden, act);
        for (int l = 1; l < depth; l++) layers[l - 1].forward(h[l - 1], 0, h[l], 0, n, act, pre[l]); // h_l[n, H]
        out.forward(h[depth - 1], 0, logits, 0, n, Act.IDENTITY, null); // logits[n, C]
        lastTok = tok;
        lastOff = tokOff;
        lastN = n;
        return logits;
    }

    @Override
    public void backward(float[] dlogits) {
        int n = lastN;
        float[] da = dA, db = dB;
        out.backward(h[depth - 1], 0, dlogits, 0, da, 0, n, false); // da = dlogits·Woutᵀ
        for (int l = depth - 1; l >= 1; l--) {
            k.actBackward(da, pre[l] != null ? pre[l] : h[l], n * hidden, act);
            layers[l - 1].backward(h[l - 1], 0, da, 0, db, 0, n, false);
            float[] t = da;
            da = db;
            db = t;
        }
        k.actBackward(da, pre[0] != null ? pre[0] : h[0], n * hidden, act); // d pre-activation [n, H]
        k.colSumAdd(da, 0, n, hidden, ps.g, b1.offset());
        if (ps.tap != null) tap(da, n);
        if (d == 0) { // one-hot: dW1_t[V, H] gathers by token
            for (int t = 0; t < T; t++)
                k.scatterAdd(
                        index.build(lastTok, lastOff, T, t, n),
                        da,
                        0,
                        hidden,
                        hidden,
                        ps.g,
                        w1.offset() + t * vocab * hidden);
            return;
        }
        for (int t = 0; t < T; t++) {
            java.util.Arrays.fill(dtab, 0f);
            k.scatterAdd(index.build(lastTok, lastOff, T, t, n), da, 0, hidden, hidden, dtab, 0); // dTab_t[V, H]
            gemm.tn(
                    ps.w,
                    emb.offset(),
                    dtab,
                    0,
                    ps.g,
                    w1.offset() + t * d * hidden,
                    d,
                    hidden,
                    vocab,
                    true); // dW1_t += Eᵀ·dTab_t
            gemm.nt(
                    dtab,
                    0,
                    ps.w,
                    w1.offset() + t * d * hidden,
                    ps.g,
                    emb.offset(),
                    vocab,
                    d,
                    hidden,
                    true); // dE += dTab_t·W1_tᵀ
        }
    }

    // per-example factors of the table-computed first layer: W1 is dense over the concatenated embeddings
    // x_i = [E[tok_i0], …]; E is gathered by token with u_it = dpre_i · W1_tᵀ; b1 is a bias
    private void tap(float[] dpre, int n) {
        if (d == 0) {
            tapOneHot(dpre, n);
            return;
        }
        float[] w = ps.w;
        float[] x = new float[n * T * d], u = new float[n * T * d];
        for (int e = 0; e < n; e++)
            for (int t = 0; t < T; t++)
                System.arraycopy(w, emb.offset() + lastTok[lastOff + e * T + t] * d, x, (e * T + t) * d, d);
        ps.tap.dense(x, 0, T * d, dpre, 0, hidden, n);
        ps.tap.bias(dpre, 0, hidden, n);
        float[] ut = new float[n * d];
        for (int t = 0; t < T; t++) {
            gemm.nt(dpre, 0, w, w1.offset() + t * d * hidden, ut, 0, n, d, hidden, false); // u_t[n, d]
            for (int e = 0; e < n; e++) System.arraycopy(ut, e * d, u, (e * T + t) * d, d);
        }
        ps.tap.gather(lastTok, lastOff, u, 0, d, n * T);
    }

    // one-hot input: W1 is a table read at row t·V + tok_t for each position t, with dpre_i as every row's gradient
    private void tapOneHot(float[] dpre, int n) {
        int[] ids = new int[n * T];
        float[] dy = new float[n * T * hidden];
        for (int e = 0; e < n; e++)
            for (int t = 0; t < T; t++) {
                ids[e * T + t] = t * vocab + lastTok[lastOff + e * T + t];
                System.arraycopy(dpre, e * hidden, dy, (e * T + t) * hidden, hidden);
            }
        ps.tap.gather(ids, 0, dy, 0, hidden, n * T);
        ps.tap.bias(dpre, 0, hidden, n);
    }

    @Override
    public long floatsPerExample() {
        return Math.max(hidden, classes); // h, pre, dA, dB [n, H]; logits [n, C]
    }

    @Override
    public double flops(int n, boolean withBackward) {
        double tables = 2.0 * T * vocab * d * hidden; // 0 for one-hot input
        double dense = 2.0 * n * hidden * (hidden * (depth - 1.0) + classes);
        double f = tables + dense + (double) n * T * hidden;
        return withBackward ? f + 2 * dense + 2 * tables + (double) n * T * hidden : f;
    }

    // one embedding table for both operands (one-hot input: each operand's block of W1); the output layer maps the
    // last hidden layer to the logits
    @Override
    public int[] residueEmbeddingOffsets(int p) {
        return d > 0 ? new int[] {emb.offset()} : new int[] {w1.offset(), w1.offset() + vocab * hidden};
    }

    @Override
    public int residueWidth() {
        return d > 0 ? d : hidden;
    }

    @Override
    public int neurons() {
        return out.in;
    }

    @Override
    public float[] neuronToLogits() {
        return java.util.Arrays.copyOfRange(params().w, out.weight.offset(), out.weight.offset() + out.weight.size());
    }
}
