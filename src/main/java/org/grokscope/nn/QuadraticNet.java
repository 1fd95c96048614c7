package org.grokscope.nn;

import org.grokscope.engine.Act;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;
import org.grokscope.engine.TokenIndex;

/**
 * Two-layer quadratic network of Gromov / Mohamadi et al.: f(x) = V (W x)^{⊙2} with x = (e_a, e_b) one-hot, no biases.
 * W is stored as rows of its transpose, Wᵀ[2p, h], so W x = Wᵀ[a] + Wᵀ[p + b] is a gather (the paper's W ∈ R^{h×2p}); V
 * is stored [h, classes].
 */
public final class QuadraticNet implements Model, FourierReadable, Homogeneous {
    public final int p, width, classes;
    public final Param w, v;
    private final Params ps = new Params();
    private final Gemm gemm;
    private final Kernels k;
    private final TokenIndex index;
    private final int[] tOff;
    private float[] pre = new float[0], sq = new float[0], logits = new float[0], dh = new float[0];
    private int cap, lastOff, lastN;
    private int[] lastTok;

    public QuadraticNet(Parallel pool, int p, int width, int classes) {
        this.p = p;
        this.width = width;
        this.classes = classes;
        gemm = new Gemm(pool);
        k = new Kernels(pool);
        w = ps.add("w.weight", Param.Role.WEIGHT, 2 * p, 2 * p, width);
        v = ps.add("v.weight", Param.Role.WEIGHT, width, width, classes);
        ps.allocate();
        index = new TokenIndex(p);
        tOff = new int[] {w.offset(), w.offset() + p * width};
    }

    @Override
    public Params params() {
        return ps;
    }

    @Override
    public int seqLen() {
        return 2;
    }

    @Override
    public int vocab() {
        return p;
    }

    @Override
    public int classes() {
        return classes;
    }

    // W's two halves embed x and y; V maps the width neurons to the logits; f(cθ) = c³ f(θ)
    @Override
    public int[] residueEmbeddingOffsets(int p) {
        return new int[] {w.offset(), w.offset() + p * width};
    }

    @Override
    public int residueWidth() {
        return width;
    }

    @Override
    public int neurons() {
        return width;
    }

    @Override
    public float[] neuronToLogits() {
        return java.util.Arrays.copyOfRange(params().w, v.offset(), v.offset() + v.size());
    }

    @Override
    public int degree() {
        return 3;
    }

    @Override
    public float[] forward(int[] tok, int tokOff, int n) {
        if (n > cap) {
            cap = n;
            pre = new float[n * width];
            sq = new float[n * width];
            logits = new float[n * classes];
            dh = new float[n * width];
        }
        k.gatherSum(ps.w, tOff, tok, tokOff, 2, n, width, null, 0, pre, 0); // pre[n, h] = Wᵀ[a] + Wᵀ[p+b]
        System.arraycopy(pre, 0, sq, 0, n * width);
        k.biasAct(sq, 0, null, 0, null, n, width, Act.SQUARE); // sq = pre²
        gemm.nn(sq, 0, ps.w, v.offset(), logits, 0, n, classes, width, false); // logits[n, C] = sq·V
        lastTok = tok;
        lastOff = tokOff;
        lastN = n;
        return logits;
    }

    @Override
    public void backward(float[] dlogits) {
        int n = lastN;
        gemm.tn(sq, 0, dlogits, 0, ps.g, v.offset(), width, classes, n, true); // dV += sqᵀ·dlogits
        gemm.nt(dlogits, 0, ps.w, v.offset(), dh, 0, n, width, classes, false); // dsq = dlogits·Vᵀ
        k.actBackward(dh, pre, n * width, Act.SQUARE); // dpre = 2·pre·dsq
        for (int t = 0; t < 2; t++)
            k.scatterAdd(index.build(lastTok, lastOff, 2, t, n), dh, 0, width, width, ps.g, tOff[t]);
        if (ps.tap != null) tap(dlogits, n);
    }

    // per-example factors: V is dense over sq; Wᵀ rows a and p + b are gathered with dpre
    private void tap(float[] dlogits, int n) {
        ps.tap.dense(sq, 0, width, dlogits, 0, classes, n);
        int[] ids = new int[2 * n];
        float[] dy = new float[2 * n * width];
        for (int e = 0; e < n; e++)
            for (int t = 0; t < 2; t++) {
                ids[2 * e + t] = lastTok[lastOff + 2 * e + t] + t * p;
                System.arraycopy(dh, e * width, dy, (2 * e + t) * width, width);
            }
        ps.tap.gather(ids, 0, dy, 0, width, 2 * n);
    }

    @Override
    public long floatsPerExample() {
        return Math.max(2L * width, classes); // dy [2 n, width]; logits [n, C]
    }

    @Override
    public double flops(int n, boolean withBackward) {
        double f = 2.0 * n * width * classes + 3.0 * n * width;
        return withBackward ? f + 4.0 * n * width * classes + 4.0 * n * width : f;
    }
}
