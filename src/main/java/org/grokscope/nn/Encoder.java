package org.grokscope.nn;

import org.grokscope.engine.Act;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;

/**
 * BERT-style encoder classifier (the CDS paper's text model): token id 0 is padding and is masked out of every
 * attention; position 0 holds [CLS].
 *
 * <pre>
 *   x = LN_emb(E[tok] + P)                                    [n, T, d]
 *   per layer (post-LN):  x = LN1(x + Attn(x, mask));  x = LN2(x + FFN(x)),  FFN = W2·act(W1·x)
 *   pooled = x[:, 0] (cls) or the mean over non-padding positions (mean)      [n, d]
 *   pooled = tanh(pooled·W_p + b_p)  (BERT's pooler, optional)
 *   logits = pooled·W_c + b_c                                  [n, classes]
 * </pre>
 *
 * Only what the loss reads is computed: with [CLS] pooling the last layer runs its query, output projection, norms and
 * feed-forward on position 0 alone, and its attention reads the token rows without projecting them to keys and values
 * ({@link ReadoutAttention}: W_k q per head instead of x·W_k for every token; results agree with the projected form to
 * rounding). Padding is not computed either: the batch's rows are packed one example after another without it
 * ({@link Packing}; IMDB at 256 tokens is 38 % padding), which gives the padded computation's results bit for bit. A
 * gradient tap (the eNTK probe) gets the projected form, whose per-token factors it reads.
 */
public final class Encoder implements Model {
    public enum Pooling {
        CLS,
        MEAN
    }

    public record Spec(
            int vocab,
            int seqLen,
            int dModel,
            int heads,
            int dFf,
            int layers,
            Act act,
            Pooling pooling,
            boolean pooler,
            int classes) {}

    public final Spec spec;
    private final int d, T, F, nl, C;
    private final Params ps = new Params();
    private final Kernels k;
    private final Embedding embed;
    private final LayerNorm lnE;
    private final LayerNorm[] ln1, ln2;
    private final Linear[] wq, wk, wv, wo, fc1, fc2;
    private final Linear pooler, cls;
    private final Attention attn;
    private final ReadoutAttention readout; // the last layer's [CLS] query without per-token keys and values
    private boolean
            readoutOn; // this batch's last layer used it (decided per forward: a gradient tap needs the projections)
    private final Packing pk = new Packing();

    private int cap;
    private int[] lastTok;
    private int lastOff, lastN;
    private float[] x0, meanE, rstdE, pooled, pooledAct, logits, cnt;
    private float[][] xin, q, kk, vv, prob, z, xq, s1, mean1, rstd1, x1, hpre, h, s2, mean2, rstd2, xout;
    private float[] dx, dxq, dz, dq, dk, dv, ds1, dx1, dh, ds2, dpool, dpooled, dxin;

    public Encoder(Parallel pool, Spec s) {
        this.spec = s;
        d = s.dModel();
        T = s.seqLen();
        F = s.dFf();
        nl = s.layers();
        C = s.classes();
        Gemm gemm = new Gemm(pool);
        k = new Kernels(pool);
        embed = new Embedding(ps, pool, k, "embed", s.vocab(), d, T, true);
        lnE = new LayerNorm(ps, pool, "embed.ln", d, 1e-12f);
        ln1 = new LayerNorm[nl];
        ln2 = new LayerNorm[nl];
        wq = new Linear[nl];
        wk = new Linear[nl];
        wv = new Linear[nl];
        wo = new Linear[nl];
        fc1 = new Linear[nl];
        fc2 = new Linear[nl];
        for (int l = 0; l < nl; l++) {
            String b = "layers." + l + ".";
            wq[l] = new Linear(ps, gemm, k, b + "attn.q", d, d, true);
            wk[l] = new Linear(ps, gemm, k, b + "attn.k", d, d, true);
            wv[l] = new Linear(ps, gemm, k, b + "attn.v", d, d, true);
            wo[l] = new Linear(ps, gemm, k, b + "attn.o", d, d, true);
            ln1[l] = new LayerNorm(ps, pool, b + "ln1", d, 1e-12f);
            fc1[l] = new Linear(ps, gemm, k, b + "ffn.fc1", d, F, true);
            fc2[l] = new Linear(ps, gemm, k, b + "ffn.fc2", F, d, true);
            ln2[l] = new LayerNorm(ps, pool, b + "ln2", d, 1e-12f);
        }
        this.pooler = s.pooler() ? new Linear(ps, gemm, k, "pooler", d, d, true) : null;
        cls = new Linear(ps, gemm, k, "classifier", d, C, true);
        attn = new Attention(pool, d, s.heads(), false);
        readout = nl > 0 ? new ReadoutAttention(pool, ps, s.heads(), wk[nl - 1], wv[nl - 1]) : null;
        ps.allocate();
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
        return C;
    }

    /** Tests compute every position of the last layer too, to show that skipping them changes nothing. */
    boolean fullLastLayer;
    /** Tests keep the padding rows too, to show that dropping them changes no bit. */
    boolean keepPadding;

    /** Query rows per example in layer l: 1 in the last layer under [CLS] pooling, else T. */
    private int tq(int l) {
        return l == nl - 1 && spec.pooling() == Pooling.CLS && !fullLastLayer ? 1 : T;
    }

    private void reserve(int n) {
        if (n <= cap) return;
        cap = n;
        int nt = n * T * d;
        x0 = new float[nt];
        meanE = new float[n * T];
        rstdE = new float[n * T];
        cnt = new float[n];
        xin = new float[nl][];
        q = new float[nl][];
        kk = new float[nl][];
        vv = new float[nl][];
        prob = new float[nl][];
        z = new float[nl][];
        xq = new float[nl][];
        s1 = new float[nl][];
        mean1 = new float[nl][];
        rstd1 = new float[nl][];
        x1 = new float[nl][];
        hpre = new float[nl][];
        h = new float[nl][];
        s2 = new float[nl][];
        mean2 = new float[nl][];
        rstd2 = new float[nl][];
        xout = new float[nl][];
        for (int l = 0; l < nl; l++) {
            int rq = n * tq(l);
            xin[l] = new float[nt];
            boolean readoutLayer = l == nl - 1 && tq(l) == 1; // keys and values only if a gradient tap asks
            kk[l] = readoutLayer ? null : new float[nt];
            vv[l] = readoutLayer ? null : new float[nt];
            q[l] = new float[rq * d];
            z[l] = new float[rq * d];
            prob[l] = new float[rq * spec.heads() * T];
            xq[l] = tq(l) == T ? xin[l] : new float[rq * d];
            s1[l] = new float[rq * d];
            x1[l] = new float[rq * d];
            s2[l] = new float[rq * d];
            xout[l] = new float[rq * d];
            mean1[l] = new float[rq];
            rstd1[l] = new float[rq];
            mean2[l] = new float[rq];
            rstd2[l] = new float[rq];
            h[l] = new float[rq * F];
            hpre[l] = spec.act().backwardFromOutput() ? null : new float[rq * F];
        }
        pooled = new float[n * d];
        pooledAct = new float[n * d];
        logits = new float[n * C];
        int rqMax = 0; // query-side rows: n in a [CLS]-only layer
        for (int l = 0; l < nl; l++) rqMax = Math.max(rqMax, n * tq(l));
        int rd = Math.max(rqMax, 1) * d;
        dx = new float[nt];
        dxin = new float[nt];
        dxq = new float[rd];
        dz = new float[rd];
        dq = new float[rd];
        ds1 = new float[rd];
        dx1 = new float[rd];
        ds2 = new float[rd];
        dh = new float[Math.max(rqMax, 1) * F];
        boolean anyProjected = false;
        for (int l = 0; l < nl; l++) anyProjected |= kk[l] != null;
        dk = anyProjected ? new float[nt] : null;
        dv = anyProjected ? new float[nt] : null;
        dpool = new float[n * d];
        dpooled = new float[n * d];
    }

    @Override
    public float[] forward(int[] tok, int tokOff, int n) {
        reserve(n);
        lastTok = tok;
        lastOff = tokOff;
        lastN = n;
        pk.build(tok, tokOff, n, T, ps.tap != null || keepPadding); // R packed rows: padding dropped
        int R = pk.count;
        rowsSeen += R;
        examplesSeen += n;
        for (int e = 0; e < n; e++) {
            int c = 0;
            for (int r = pk.start[e]; r < pk.start[e + 1]; r++) if (pk.keyOn[r] != 0f) c++;
            cnt[e] = c;
        }
        embed.forward(pk.ids, 0, pk.at, R, x0); // x0[R, d]
        lnE.forward(x0, xin[0], R, meanE, rstdE); // xin0[R, d]
        for (int l = 0; l < nl; l++) {
            int Tq = tq(l), rq = Tq == 1 ? n : R;
            int[] qStart = Tq == 1 ? pk.oneEach(n) : pk.start;
            float[] x = xin[l];
            boolean viaReadout = l == nl - 1 && Tq == 1 && ps.tap == null;
            if (!viaReadout) {
                if (kk[l] == null) {
                    kk[l] = new float[cap * T * d];
                    vv[l] = new float[cap * T * d];
                }
                wk[l].forward(x, 0, kk[l], 0, R, Act.IDENTITY, null); // k[R, d]
                wv[l].forward(x, 0, vv[l], 0, R, Act.IDENTITY, null); // v[R, d]
            }
            if (Tq == 1)
                for (int e = 0; e < n; e++) System.arraycopy(x, pk.start[e] * d, xq[l], e * d, d); // [CLS] rows
            wq[l].forward(xq[l], 0, q[l], 0, rq, Act.IDENTITY, null); // q[rq, d]
            if (viaReadout)
                readout.forward(
                        q[l], x, z[l], prob[l], n, pk.start, pk.keyOn, T); // z[n, d]: keys and values never formed
            else attn.forward(q[l], kk[l], vv[l], z[l], prob[l], n, qStart, pk.start, pk.keyOn, T); // z[rq, d]
            if (l == nl - 1) readoutOn = viaReadout;
            wo[l].forward(z[l], 0, s1[l], 0, rq, Act.IDENTITY, null);
            float[] a = s1[l], xr = xq[l];
            for (int i = 0; i < rq * d; i++) a[i] += xr[i]; // s1 = x + attn
            ln1[l].forward(s1[l], x1[l], rq, mean1[l], rstd1[l]); // x1[rq, d]
            fc1[l].forward(x1[l], 0, h[l], 0, rq, spec.act(), hpre[l]); // h[rq, F]
            fc2[l].forward(h[l], 0, s2[l], 0, rq, Act.IDENTITY, null);
            float[] b = s2[l], xa = x1[l];
            for (int i = 0; i < rq * d; i++) b[i] += xa[i]; // s2 = x1 + ffn
            ln2[l].forward(s2[l], l + 1 < nl ? xin[l + 1] : xout[l], rq, mean2[l], rstd2[l]);
        }
        float[] top = nl > 0 ? xout[nl - 1] : xin[0];
        boolean clsTop = nl > 0 && tq(nl - 1) == 1;
        if (spec.pooling() == Pooling.CLS) {
            if (clsTop) System.arraycopy(top, 0, pooled, 0, n * d);
            else for (int e = 0; e < n; e++) System.arraycopy(top, pk.start[e] * d, pooled, e * d, d);
        } else {
            java.util.Arrays.fill(pooled, 0, n * d, 0f);
            for (int e = 0; e < n; e++) {
                float inv = 1f / cnt[e];
                for (int r = pk.start[e]; r < pk.start[e + 1]; r++) {
                    if (pk.keyOn[r] == 0f) continue;
                    int o = r * d;
                    for (int j = 0; j < d; j++) pooled[e * d + j] += top[o + j];
                }
                for (int j = 0; j < d; j++) pooled[e * d + j] *= inv;
            }
        }
        float[] p = pooled;
        if (pooler != null) {
            pooler.forward(pooled, 0, pooledAct, 0, n, Act.TANH, null);
            p = pooledAct;
        } // tanh(pooled·Wp + bp)
        cls.forward(p, 0, logits, 0, n, Act.IDENTITY, null); // logits[n, C]
        return logits;
    }

    @Override
    public void backward(float[] dlogits) {
        int n = lastN, R = pk.count;
        float[] p = pooler != null ? pooledAct : pooled;
        cls.backward(p, 0, dlogits, 0, dpooled, 0, n, false);
        if (pooler != null) {
            for (int i = 0; i < n * d; i++) dpooled[i] *= 1f - pooledAct[i] * pooledAct[i]; // tanh' from the output
            pooler.backward(pooled, 0, dpooled, 0, dpool, 0, n, false);
        } else {
            System.arraycopy(dpooled, 0, dpool, 0, n * d);
        }
        // gradient into the top rows: [n, d] ([CLS] queries only) or [R, d]
        boolean clsTop = nl > 0 && tq(nl - 1) == 1;
        float[] dtop = dx;
        java.util.Arrays.fill(dtop, 0, (clsTop ? n : R) * d, 0f);
        if (spec.pooling() == Pooling.CLS) {
            if (clsTop) System.arraycopy(dpool, 0, dtop, 0, n * d);
            else for (int e = 0; e < n; e++) System.arraycopy(dpool, e * d, dtop, pk.start[e] * d, d);
        } else {
            for (int e = 0; e < n; e++) {
                float inv = 1f / cnt[e];
                for (int r = pk.start[e]; r < pk.start[e + 1]; r++) {
                    if (pk.keyOn[r] == 0f) continue;
                    int o = r * d;
                    for (int j = 0; j < d; j++) dtop[o + j] = dpool[e * d + j] * inv;
                }
            }
        }
        float[] dout = dx, din = dxin; // d xout_l, d xin_l: swapped per layer, not copied
        for (int l = nl - 1; l >= 0; l--) {
            int Tq = tq(l), rq = Tq == 1 ? n : R;
            int[] qStart = Tq == 1 ? pk.oneEach(n) : pk.start;
            int[] qEnds = Tq == 1 ? null : pk.kEnds; // weight gradients over packed rows: the padded blocks
            int qBlocks = pk.blocks;
            // dout holds d xout_l [rq, d]
            ln2[l].backward(s2[l], dout, ds2, rq, mean2[l], rstd2[l], false); // ds2
            fc2[l].backward(h[l], 0, ds2, 0, dh, 0, rq, false, qEnds, qBlocks); // dh = ds2·W2ᵀ
            k.actBackward(dh, hpre[l] != null ? hpre[l] : h[l], rq * F, spec.act());
            System.arraycopy(ds2, 0, dx1, 0, rq * d); // residual
            fc1[l].backward(x1[l], 0, dh, 0, dx1, 0, rq, true, qEnds, qBlocks); // dx1 += dh·W1ᵀ
            ln1[l].backward(s1[l], dx1, ds1, rq, mean1[l], rstd1[l], false); // ds1
            wo[l].backward(z[l], 0, ds1, 0, dz, 0, rq, false, qEnds, qBlocks); // dz
            boolean viaReadout = l == nl - 1 && readoutOn;
            if (viaReadout) readout.backward(q[l], xin[l], prob[l], dz, dq, din, n, pk.start, T); // dq, din, dW_k, dW_v
            else {
                if (dk == null) {
                    dk = new float[cap * T * d];
                    dv = new float[cap * T * d];
                }
                attn.backward(q[l], kk[l], vv[l], prob[l], dz, dq, dk, dv, n, qStart, pk.start, T);
            }
            System.arraycopy(ds1, 0, dxq, 0, rq * d); // residual into the query rows
            wq[l].backward(xq[l], 0, dq, 0, dxq, 0, rq, true, qEnds, qBlocks); // dxq += dq·Wqᵀ
            if (!viaReadout) {
                wk[l].backward(xin[l], 0, dk, 0, din, 0, R, false, pk.kEnds, pk.blocks); // din = dk·Wkᵀ
                wv[l].backward(xin[l], 0, dv, 0, din, 0, R, true, pk.kEnds, pk.blocks); // din += dv·Wvᵀ
            }
            if (Tq == 1)
                for (int e = 0; e < n; e++) {
                    int o = pk.start[e] * d, oq = e * d;
                    for (int j = 0; j < d; j++) din[o + j] += dxq[oq + j];
                }
            else for (int i = 0; i < R * d; i++) din[i] += dxq[i];
            float[] t = dout;
            dout = din;
            din = t; // d xout_{l-1} = d xin_l
        }
        lnE.backward(x0, dout, din, R, meanE, rstdE, false); // d x0
        if (pk.all) embed.backward(lastTok, lastOff, n, din); // dE, dP (and the gradient tap)
        else embed.backward(pk.ids, pk.at, R, din);
    }

    private long rowsSeen, examplesSeen;

    /**
     * The work computed: rows per example are the mean of the batches seen so far (padding is not computed), T before
     * the first.
     */
    @Override
    public long floatsPerExample() {
        return Math.max(
                Math.max((long) T * d, (long) T * F),
                Math.max((long) spec.heads() * T * T, C)); // [n T, d], [n T, F], prob [n T, H, T], logits
    }

    @Override
    public double flops(int n, boolean withBackward) {
        double f = 0, rows = examplesSeen > 0 ? (double) n * rowsSeen / examplesSeen : (double) n * T;
        int H = spec.heads();
        for (int l = 0; l < nl; l++) {
            double rq = tq(l) == 1 ? n : rows, keys = rows / Math.max(1, n);
            double dense = 2 * rq * d * d * 2 + 2 * rq * d * F * 2; // Q, O; FFN
            double kv, core;
            if (l == nl - 1 && tq(l) == 1) { // the readout: W_k q, xbar·W_v; scores, xbar
                kv = 0;
                core = 2 * (2.0 * n * d * d) + 2 * (2.0 * rows * H * d);
            } else {
                kv = 2 * rows * d * d * 2; // K, V of every row
                core = 2.0 * rq * keys * d * 2; // scores and weighted values
            }
            double norms = 10 * (rows + 2 * rq) * d; // norms, residuals
            f += (withBackward ? 3 : 1) * (dense + kv + core) + (withBackward ? 2 : 1) * norms;
        }
        double head = 2.0 * n * d * (d + C);
        return f + (withBackward ? 3 : 1) * head + rows * d * (withBackward ? 4 : 2);
    }
}
