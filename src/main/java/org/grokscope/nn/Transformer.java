package org.grokscope.nn;

import org.grokscope.engine.Act;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;

/**
 * Decoder-only transformer classifier reading the logits at the last position: Nanda et al.'s 1-layer model (no
 * LayerNorm), Power et al.'s 2-layer model (post-LN) and the decoder of Grokfast's and teddykoker's code
 * (normed_residual) are configurations of it.
 *
 * <pre>
 *   x = E[tok] + P                                      [n, T, d]
 *   per block:  none/pre:        x = x + Attn(LN1?(x));      x = x + MLP(LN2?(x))
 *               post:            x = LN1(x + Attn(x));       x = LN2(x + MLP(x))
 *               normed_residual: x = LN1(x); x = x + Attn(x); x = x + MLP(LN2(x))
 *   pre and normed_residual add a final LN;  logits = x[:, T-1] · W_U   [n, classes]
 * </pre>
 *
 * normed_residual is pre-LN except that the residual stream continues from LN1's output, not from the block's input
 * (the reference code assigns {@code x = self.ln_1(x)} before the attention's residual). Only what the loss reads is
 * computed: in the last block, queries, W_O, the MLP, the norms and the unembedding run on the last position alone
 * (keys and values still cover all T positions). And in the first block every row's attention input depends only on
 * (token, position): when the vocabulary is smaller than the batch, LN1 and the Q/K/V projections run once per step on
 * the T·V rows of a token-position table U[t, v] = E[v] + P[t] and are gathered per example; their backward scatters
 * into the table. Gradients are identical to computing every position for every example.
 */
public final class Transformer implements Model, FourierReadable {
    public enum Norm {
        NONE,
        PRE,
        POST,
        NORMED_RESIDUAL
    }

    public record Spec(
            int vocab,
            int seqLen,
            int dModel,
            int heads,
            int dMlp,
            int layers,
            Norm norm,
            Act act,
            int classes,
            boolean attnBias,
            boolean mlpBias) {}

    public final Spec spec;
    private final int d, T, H, F, nl;
    private final Params ps = new Params();
    private final Gemm gemm;
    private final Kernels k;
    private final Embedding embed;
    private final LayerNorm[] ln1, ln2;
    private final LayerNorm lnf;
    private final Linear[] wq, wk, wv, wo, fc1, fc2;
    private final Attention attn;
    private final Linear unembed;

    // activations (per layer) and backward scratch, sized for cap examples
    private int cap;
    private float[][] xin,
            a,
            mean1,
            rstd1,
            q,
            kk,
            vv,
            prob,
            z,
            o,
            xq,
            aq,
            s1,
            x1,
            mean1q,
            rstd1q,
            min,
            mean2,
            rstd2,
            hpre,
            h,
            mo,
            s2,
            xout;
    private float[] xf, meanf, rstdf, logits;
    private float[] dx, dx1, ds, dh, dmin, dz, dq, dk, dv, da, daq, dxin, dxf;
    private int[] lastTok;
    private int lastOff, lastN;

    // first-block token-position tables [T·V, d] (see class comment)
    private final float[] uTab, aTab, kTab, vTab, qTab, dkTab, dvTab, dqTab, daTab, duTab, meanTab, rstdTab;
    private final org.grokscope.engine.TokenIndex[] index;
    private boolean tables;
    /** Tests force the table path on or off; null decides by size (vocab < batch). */
    Boolean forceTables;

    public Transformer(Parallel pool, Spec s) {
        this.spec = s;
        d = s.dModel();
        T = s.seqLen();
        H = s.heads();
        F = s.dMlp();
        nl = s.layers();
        gemm = new Gemm(pool);
        k = new Kernels(pool);
        embed = new Embedding(ps, pool, k, "embed", s.vocab(), d, T, true);
        boolean norm = s.norm() != Norm.NONE;
        ln1 = new LayerNorm[nl];
        ln2 = new LayerNorm[nl];
        wq = new Linear[nl];
        wk = new Linear[nl];
        wv = new Linear[nl];
        wo = new Linear[nl];
        fc1 = new Linear[nl];
        fc2 = new Linear[nl];
        for (int l = 0; l < nl; l++) {
            String b = "blocks." + l + ".";
            if (norm) ln1[l] = new LayerNorm(ps, pool, b + "ln1", d, 1e-5f);
            wq[l] = new Linear(ps, gemm, k, b + "attn.q", d, d, s.attnBias(), Param.Role.ATTN_IN, Param.Role.ATTN_BIAS);
            wk[l] = new Linear(ps, gemm, k, b + "attn.k", d, d, s.attnBias(), Param.Role.ATTN_IN, Param.Role.ATTN_BIAS);
            wv[l] = new Linear(ps, gemm, k, b + "attn.v", d, d, s.attnBias(), Param.Role.ATTN_IN, Param.Role.ATTN_BIAS);
            wo[l] = new Linear(ps, gemm, k, b + "attn.o", d, d, s.attnBias(), Param.Role.WEIGHT, Param.Role.ATTN_BIAS);
            if (norm) ln2[l] = new LayerNorm(ps, pool, b + "ln2", d, 1e-5f);
            fc1[l] = new Linear(ps, gemm, k, b + "mlp.fc1", d, F, s.mlpBias());
            fc2[l] = new Linear(ps, gemm, k, b + "mlp.fc2", F, d, s.mlpBias());
        }
        lnf = preNorm() ? new LayerNorm(ps, pool, "ln_f", d, 1e-5f) : null;
        unembed = new Linear(ps, gemm, k, "unembed", d, s.classes(), false, Param.Role.UNEMBEDDING);
        attn = new Attention(pool, d, H, true);
        ps.allocate();
        int tv = T * s.vocab() * d;
        uTab = new float[tv];
        kTab = new float[tv];
        vTab = new float[tv];
        qTab = new float[tv];
        aTab = s.norm() == Norm.PRE ? new float[tv] : uTab;
        dkTab = new float[tv];
        dvTab = new float[tv];
        dqTab = new float[tv];
        daTab = new float[tv];
        duTab = s.norm() == Norm.PRE ? new float[tv] : daTab;
        meanTab = new float[T * s.vocab()];
        rstdTab = new float[T * s.vocab()];
        index = new org.grokscope.engine.TokenIndex[T];
        for (int t = 0; t < T; t++) index[t] = new org.grokscope.engine.TokenIndex(s.vocab());
    }

    // the table path covers the attention input only; normed_residual also sends LN1's output down the residual
    private boolean useTables(int n) {
        if (spec.norm() == Norm.NORMED_RESIDUAL) return false;
        return forceTables != null ? forceTables : spec.vocab() < n;
    }

    // LN before the attention and the MLP, and a final LN
    private boolean preNorm() {
        return spec.norm() == Norm.PRE || spec.norm() == Norm.NORMED_RESIDUAL;
    }

    // first block from tables: q[n, Tq, d], k, v[n, T, d] gathered from projections of U[t, v] = E[v] + P[t]
    private void tableForward(int[] tok, int tokOff, int n, int Tq) {
        int V = spec.vocab(), TV = T * V;
        float[] w = ps.w;
        int e = embed.table.offset(), p = embed.pos.offset();
        for (int t = 0; t < T; t++)
            for (int v = 0; v < V; v++)
                for (int j = 0; j < d; j++) uTab[(t * V + v) * d + j] = w[e + v * d + j] + w[p + t * d + j];
        if (spec.norm() == Norm.PRE) ln1[0].forward(uTab, aTab, TV, meanTab, rstdTab);
        wk[0].forward(aTab, 0, kTab, 0, TV, Act.IDENTITY, null);
        wv[0].forward(aTab, 0, vTab, 0, TV, Act.IDENTITY, null);
        int qOff = Tq == 1 ? (T - 1) * V * d : 0;
        wq[0].forward(aTab, qOff, qTab, qOff, Tq == 1 ? V : TV, Act.IDENTITY, null);
        k.gatherRows(kTab, V, tok, tokOff, T, 0, n, d, kk[0]);
        k.gatherRows(vTab, V, tok, tokOff, T, 0, n, d, vv[0]);
        k.gatherRows(qTab, V, tok, tokOff, T, T - Tq, n, d, q[0]);
    }

    // backward of tableForward: dq, dk, dv → table gradients → W_Q/K/V, LN1, E and P gradients
    private void tableBackward(int n, int Tq) {
        int V = spec.vocab(), TV = T * V;
        java.util.Arrays.fill(dkTab, 0f);
        java.util.Arrays.fill(dvTab, 0f);
        java.util.Arrays.fill(dqTab, 0f);
        for (int t = 0; t < T; t++) {
            index[t].build(lastTok, lastOff, T, t, n);
            k.scatterAdd(index[t], dk, t * d, T * d, d, dkTab, t * V * d);
            k.scatterAdd(index[t], dv, t * d, T * d, d, dvTab, t * V * d);
            if (Tq == T) k.scatterAdd(index[t], dq, t * d, T * d, d, dqTab, t * V * d);
        }
        int qOff = Tq == 1 ? (T - 1) * V * d : 0;
        if (Tq == 1) k.scatterAdd(index[T - 1], dq, 0, d, d, dqTab, qOff);
        wk[0].backward(aTab, 0, dkTab, 0, daTab, 0, TV, false);
        wv[0].backward(aTab, 0, dvTab, 0, daTab, 0, TV, true);
        wq[0].backward(aTab, qOff, dqTab, qOff, daTab, qOff, Tq == 1 ? V : TV, true);
        if (spec.norm() == Norm.PRE) ln1[0].backward(uTab, daTab, duTab, TV, meanTab, rstdTab, false);
        float[] g = ps.g;
        int e = embed.table.offset(), p = embed.pos.offset();
        for (int t = 0; t < T; t++) {
            for (int v = 0; v < V; v++) for (int j = 0; j < d; j++) g[e + v * d + j] += duTab[(t * V + v) * d + j];
            k.colSumAdd(duTab, t * V * d, V, d, g, p + t * d);
        }
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
        return spec.vocab();
    }

    @Override
    public int classes() {
        return spec.classes();
    }

    private boolean last(int l) {
        return l == nl - 1;
    }

    private void reserve(int n) {
        if (n <= cap) return;
        cap = n;
        int R = n * T;
        xin = new float[nl][];
        a = new float[nl][];
        mean1 = new float[nl][];
        rstd1 = new float[nl][];
        q = new float[nl][];
        kk = new float[nl][];
        vv = new float[nl][];
        prob = new float[nl][];
        z = new float[nl][];
        o = new float[nl][];
        xq = new float[nl][];
        aq = new float[nl][];
        s1 = new float[nl][];
        x1 = new float[nl][];
        mean1q = new float[nl][];
        rstd1q = new float[nl][];
        min = new float[nl][];
        mean2 = new float[nl][];
        rstd2 = new float[nl][];
        hpre = new float[nl][];
        h = new float[nl][];
        mo = new float[nl][];
        s2 = new float[nl][];
        xout = new float[nl][];
        boolean pre = preNorm(), post = spec.norm() == Norm.POST;
        for (int l = 0; l < nl; l++) {
            int Rq = last(l) ? n : R, Tq = last(l) ? 1 : T;
            xin[l] = l == 0 ? new float[R * d] : xout[l - 1];
            a[l] = pre ? new float[R * d] : xin[l];
            if (pre) {
                mean1[l] = new float[R];
                rstd1[l] = new float[R];
            }
            q[l] = new float[Rq * d];
            kk[l] = new float[R * d];
            vv[l] = new float[R * d];
            prob[l] = new float[n * H * Tq * T];
            z[l] = new float[Rq * d];
            o[l] = new float[Rq * d];
            xq[l] = last(l) && T > 1 ? new float[Rq * d] : xin[l];
            aq[l] = last(l) && T > 1 ? (pre ? new float[Rq * d] : xq[l]) : a[l];
            s1[l] = new float[Rq * d];
            x1[l] = post ? new float[Rq * d] : s1[l];
            if (post) {
                mean1q[l] = new float[Rq];
                rstd1q[l] = new float[Rq];
            }
            min[l] = pre ? new float[Rq * d] : x1[l];
            if (norm()) {
                mean2[l] = new float[Rq];
                rstd2[l] = new float[Rq];
            }
            hpre[l] = spec.act().backwardFromOutput() ? null : new float[Rq * F];
            h[l] = new float[Rq * F];
            mo[l] = new float[Rq * d];
            s2[l] = new float[Rq * d];
            xout[l] = post ? new float[Rq * d] : s2[l];
        }
        xf = pre ? new float[n * d] : xout[nl - 1];
        if (pre) {
            meanf = new float[n];
            rstdf = new float[n];
        }
        logits = new float[n * spec.classes()];
        dx = new float[R * d];
        dx1 = new float[R * d];
        ds = new float[R * d];
        dh = new float[R * F];
        dmin = new float[R * d];
        dz = new float[R * d];
        dq = new float[R * d];
        dk = new float[R * d];
        dv = new float[R * d];
        da = new float[R * d];
        daq = new float[R * d];
        dxin = new float[R * d];
        dxf = new float[n * d];
    }

    private boolean norm() {
        return spec.norm() != Norm.NONE;
    }

    // rows at the last position: dst[e] = src[e*T + T-1]
    private void gatherLast(float[] src, float[] dst, int n) {
        for (int e = 0; e < n; e++) System.arraycopy(src, (e * T + T - 1) * d, dst, e * d, d);
    }

    // dst[e*T + T-1] += src[e]
    private void addLast(float[] dst, float[] src, int n) {
        k.addRows(dst, (T - 1) * d, T * d, dst, (T - 1) * d, T * d, src, n, d);
    }

    // dst = x + y over rows of d (dst may be x)
    private void add(float[] dst, float[] x, float[] y, int rows) {
        k.addRows(dst, 0, d, x, 0, d, y, rows, d);
    }

    @Override
    public float[] forward(int[] tok, int tokOff, int n) {
        reserve(n);
        int R = n * T;
        boolean pre = preNorm(), post = spec.norm() == Norm.POST, normedRes = spec.norm() == Norm.NORMED_RESIDUAL;
        embed.forward(tok, tokOff, n, xin[0]); // x[n, T, d]
        tables = useTables(n) && ps.tap == null; // a tapped pass needs per-example rows
        for (int l = 0; l < nl; l++) {
            boolean lst = last(l) && T > 1;
            int Rq = last(l) ? n : R, Tq = last(l) ? 1 : T;
            if (l == 0 && tables) {
                tableForward(tok, tokOff, n, Tq); // Q, K, V by table gathers
                if (lst) gatherLast(xin[l], xq[l], n);
            } else {
                if (pre) ln1[l].forward(xin[l], a[l], R, mean1[l], rstd1[l]); // a = LN1(x)
                if (lst) {
                    gatherLast(xin[l], xq[l], n);
                    if (pre) gatherLast(a[l], aq[l], n);
                }
                wk[l].forward(a[l], 0, kk[l], 0, R, Act.IDENTITY, null); // K[n, T, d]
                wv[l].forward(a[l], 0, vv[l], 0, R, Act.IDENTITY, null); // V[n, T, d]
                wq[l].forward(aq[l], 0, q[l], 0, Rq, Act.IDENTITY, null); // Q[n, Tq, d]
            }
            attn.forward(q[l], kk[l], vv[l], z[l], prob[l], n, T, Tq, null); // z[n, Tq, d]
            wo[l].forward(z[l], 0, o[l], 0, Rq, Act.IDENTITY, null); // o[n, Tq, d]
            add(s1[l], normedRes ? aq[l] : xq[l], o[l], Rq); // s1 = x + o (LN1(x) + o)
            if (post) ln1[l].forward(s1[l], x1[l], Rq, mean1q[l], rstd1q[l]); // x1 = LN1(s1)
            if (pre) ln2[l].forward(x1[l], min[l], Rq, mean2[l], rstd2[l]); // m_in = LN2(x1)
            fc1[l].forward(min[l], 0, h[l], 0, Rq, spec.act(), hpre[l]); // h[n, Tq, F]
            fc2[l].forward(h[l], 0, mo[l], 0, Rq, Act.IDENTITY, null); // mo[n, Tq, d]
            add(s2[l], x1[l], mo[l], Rq); // s2 = x1 + mo
            if (post) ln2[l].forward(s2[l], xout[l], Rq, mean2[l], rstd2[l]); // x = LN2(s2)
        }
        if (pre) lnf.forward(xout[nl - 1], xf, n, meanf, rstdf);
        unembed.forward(xf, 0, logits, 0, n, Act.IDENTITY, null); // logits[n, C]
        lastTok = tok;
        lastOff = tokOff;
        lastN = n;
        return logits;
    }

    @Override
    public void backward(float[] dlogits) {
        int n = lastN, R = n * T;
        boolean pre = preNorm(), post = spec.norm() == Norm.POST, normedRes = spec.norm() == Norm.NORMED_RESIDUAL;
        unembed.backward(xf, 0, dlogits, 0, pre ? dxf : dx, 0, n, false); // dx[n, d]
        if (pre) lnf.backward(xout[nl - 1], dxf, dx, n, meanf, rstdf, false);
        for (int l = nl - 1; l >= 0; l--) {
            boolean lst = last(l) && T > 1;
            int Rq = last(l) ? n : R, Tq = last(l) ? 1 : T;
            // dx = dL/d(block output) [Rq, d]
            if (post) ln2[l].backward(s2[l], dx, dx1, Rq, mean2[l], rstd2[l], false); // ds2 -> dx1
            else System.arraycopy(dx, 0, dx1, 0, Rq * d); // dx1 = dx (residual)
            fc2[l].backward(h[l], 0, dx1, 0, dh, 0, Rq, false); // dh = dmo·W2ᵀ
            kActBackward(dh, hpre[l] != null ? hpre[l] : h[l], Rq * F);
            if (pre) {
                fc1[l].backward(min[l], 0, dh, 0, dmin, 0, Rq, false);
                ln2[l].backward(x1[l], dmin, dx1, Rq, mean2[l], rstd2[l], true); // dx1 += LN2ᵀ(dmin)
            } else {
                fc1[l].backward(min[l], 0, dh, 0, dx1, 0, Rq, true); // dx1 += dh·W1ᵀ
            }
            float[] dres = dx1; // dL/d(s1) or dL/d(x1)
            if (post) {
                ln1[l].backward(s1[l], dx1, ds, Rq, mean1q[l], rstd1q[l], false);
                dres = ds;
            }
            wo[l].backward(z[l], 0, dres, 0, dz, 0, Rq, false); // dz = do·Woᵀ
            attn.backward(q[l], kk[l], vv[l], prob[l], dz, dq, dk, dv, n, T, Tq);
            if (l == 0 && tables) {
                tableBackward(n, Tq); // attention-input path
                java.util.Arrays.fill(dx, 0, R * d, 0f); // residual path only
                if (lst) addLast(dx, dres, n);
                else System.arraycopy(dres, 0, dx, 0, R * d);
                continue;
            }
            wq[l].backward(aq[l], 0, dq, 0, daq, 0, Rq, false); // daq[Rq, d]
            wk[l].backward(a[l], 0, dk, 0, da, 0, R, false); // da[R, d]
            wv[l].backward(a[l], 0, dv, 0, da, 0, R, true);
            if (lst) addLast(da, daq, n);
            else add(da, da, daq, R);
            if (normedRes) {
                if (lst) addLast(da, dres, n);
                else add(da, da, dres, R);
            } // residual through LN1
            float[] dnext = dxin;
            if (pre) ln1[l].backward(xin[l], da, dnext, R, mean1[l], rstd1[l], false);
            else System.arraycopy(da, 0, dnext, 0, R * d);
            if (!normedRes) {
                if (lst) addLast(dnext, dres, n);
                else add(dnext, dnext, dres, R);
            }
            System.arraycopy(dnext, 0, dx, 0, R * d);
        }
        embed.backward(lastTok, lastOff, n, dx);
    }

    private void kActBackward(float[] d, float[] x, int count) {
        k.actBackward(d, x, count, spec.act());
    }

    @Override
    public long floatsPerExample() {
        return Math.max(
                Math.max((long) T * d, (long) T * F),
                Math.max((long) H * T * T, spec.classes())); // [R, d], [R, F], prob [n, H, T, T], logits
    }

    @Override
    public double flops(int n, boolean withBackward) {
        double R = (double) n * T, f = 0;
        boolean tab = useTables(n);
        for (int l = 0; l < nl; l++) {
            double Rq = last(l) ? n : R, Tq = last(l) ? 1 : T;
            double kvRows = l == 0 && tab ? (double) T * spec.vocab() : R,
                    qRows = l == 0 && tab ? Tq * spec.vocab() : Rq;
            f += 2 * kvRows * d * d * 2; // K, V
            f += 2 * qRows * d * d + 2 * Rq * d * d; // Q, O
            f += 2 * Rq * d * F * 2; // MLP
            f += 2.0 * n * H * Tq * T * (d / H) * 2; // scores and weighted sum
        }
        f += 2.0 * n * d * spec.classes();
        return withBackward ? 3 * f : f;
    }

    // the token embedding; W_L = W_out · W_U of the last block's MLP (neurons × classes; storage is [in, out])
    @Override
    public int[] residueEmbeddingOffsets(int p) {
        return new int[] {embed.table.offset()};
    }

    @Override
    public int residueWidth() {
        return spec.dModel();
    }

    @Override
    public int neurons() {
        return fc2[fc2.length - 1].in;
    }

    @Override
    public float[] neuronToLogits() {
        float[] w = params().w;
        Param f = fc2[fc2.length - 1].weight, un = unembed.weight;
        int F = f.shape()[0], d = f.shape()[1], C = un.shape()[1];
        float[] wl = new float[F * C];
        for (int i = 0; i < F; i++)
            for (int j = 0; j < d; j++) {
                float a = w[f.offset() + i * d + j];
                for (int c = 0; c < C; c++) wl[i * C + c] += a * w[un.offset() + j * C + c];
            }
        return wl;
    }
}
