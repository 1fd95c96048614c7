package org.grokscope.nn;

import org.grokscope.engine.Parallel;

/**
 * Attention of one query per example (the [CLS] readout of an encoder's last layer) over the example's token rows x,
 * without projecting every token to a key and a value. With K = x·W_k + b_k and V = x·W_v + b_v, per head h (columns
 * H_h of width dHead):
 *
 * <pre>
 *   s_t  = q_h·K_t,h / √dHead = (x_t·(W_k,h q_h) + q_h·b_k,h) / √dHead       qk_h = W_k,h q_h      [d]
 *   z_h  = Σ_t p_t V_t,h       = (Σ_t p_t x_t)·W_v,h + b_v,h                 xbar_h = Σ_t p_t x_t  [d]
 * </pre>
 *
 * (Σ_t p_t = 1 over the keys attended). The same function, in other sums: per example O(T·H·d) instead of the 4·T·d² of
 * two projections of every token and their gradients, which were nearly all of a 1-layer [CLS] encoder's step
 * (imdb-paper: 4.0 of 4.2 GFLOP). Results agree with the projected form to rounding, not bit for bit. Rows are packed
 * (padding dropped): example e's tokens are rows kStart[e] .. kStart[e+1] of x, attended where keyOn[row] != 0. Results
 * do not depend on the thread count: every sum runs in a fixed order (vector lanes folded by a fixed tree), and each
 * weight gradient element sums the examples in order; dot products and updates are the attention core's
 * ({@link Attention#dot}, {@link Attention#axpy}).
 */
final class ReadoutAttention {
    private static final int EX = 8; // examples per chunk
    private static final int ROWS = 8; // weight rows per chunk in the gradient pass
    private final Parallel pool;
    private final int d, heads, dHead;
    private final Params ps;
    private final Linear wk, wv;
    private final Fwd fwd = new Fwd();
    private final Bwd bwd = new Bwd();
    private final Grads grads = new Grads();
    private float[] qk,
            xbar,
            dxbar,
            dqk,
            c,
            dc,
            any; // [n, H, d] and [n, H], grown; any: 1 where some key was attended (Σ_t p_t = 1), else 0

    ReadoutAttention(Parallel pool, Params ps, int heads, Linear wk, Linear wv) {
        this.pool = pool;
        this.ps = ps;
        this.d = wk.in;
        this.heads = heads;
        this.dHead = d / heads;
        this.wk = wk;
        this.wv = wv;
        if (wk.bias == null || wv.bias == null)
            throw new IllegalArgumentException("the readout expects key and value biases");
    }

    private void reserve(int n) {
        if (qk != null && qk.length >= n * heads * d) return;
        qk = new float[n * heads * d];
        xbar = new float[n * heads * d];
        dxbar = new float[n * heads * d];
        dqk = new float[n * heads * d];
        c = new float[n * heads];
        dc = new float[n * heads];
        any = new float[n * heads];
    }

    // q[n, d] (projected queries), x[rows, d] -> z[n, d]; saves p[n, H, pStride]
    void forward(float[] q, float[] x, float[] z, float[] p, int n, int[] kStart, float[] keyOn, int pStride) {
        reserve(n);
        Fwd f = fwd;
        f.q = q;
        f.x = x;
        f.z = z;
        f.p = p;
        f.n = n;
        f.ks = kStart;
        f.mask = keyOn;
        f.pStride = pStride;
        pool.run((n + EX - 1) / EX, f);
        f.q = f.x = f.z = f.p = f.mask = null;
    }

    // dz[n, d] -> dq[n, d] (overwritten), dx[rows, d] (overwritten on every example's rows), dW_k, db_k, dW_v, db_v +=
    // (into ps.g)
    void backward(
            float[] q, float[] x, float[] p, float[] dz, float[] dq, float[] dx, int n, int[] kStart, int pStride) {
        Bwd b = bwd;
        b.q = q;
        b.x = x;
        b.p = p;
        b.dz = dz;
        b.dq = dq;
        b.dx = dx;
        b.n = n;
        b.ks = kStart;
        b.pStride = pStride;
        pool.run((n + EX - 1) / EX, b);
        b.q = b.x = b.p = b.dz = b.dq = b.dx = null;
        Grads g = grads;
        g.q = q;
        g.dz = dz;
        g.n = n;
        pool.run((d + ROWS - 1) / ROWS, g);
        g.q = g.dz = null;
        float[] gr = ps.g;
        int bk = wk.bias.offset(), bv = wv.bias.offset();
        for (int e = 0; e < n; e++) { // biases: Σ_e in order
            for (int h = 0; h < heads; h++)
                Attention.axpy(dc[e * heads + h], q, e * d + h * dHead, gr, bk + h * dHead, dHead);
            for (int h = 0; h < heads; h++)
                Attention.axpy(any[e * heads + h], dz, e * d + h * dHead, gr, bv + h * dHead, dHead);
        }
    }

    private final class Fwd implements Parallel.Task {
        float[] q, x, z, p, mask;
        int n, pStride;
        int[] ks;

        @Override
        public void run(int chunk) {
            float[] w = ps.w;
            float scale = (float) (1 / Math.sqrt(dHead));
            int wko = wk.weight.offset(), bko = wk.bias.offset(), wvo = wv.weight.offset(), bvo = wv.bias.offset();
            for (int e = chunk * EX, e1 = Math.min(n, e + EX); e < e1; e++) {
                int k0 = ks[e], nk = ks[e + 1] - k0;
                for (int h = 0; h < heads; h++) {
                    int qo = e * d + h * dHead, eh = e * heads + h, ho = eh * d, po = eh * pStride;
                    for (int i = 0; i < d; i++)
                        qk[ho + i] = Attention.dot(w, wko + i * d + h * dHead, q, qo, dHead); // qk_h = W_k,h q_h
                    float ch = Attention.dot(w, bko + h * dHead, q, qo, dHead); // q_h·b_k,h
                    c[eh] = ch;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int s = 0; s < nk; s++) {
                        if (mask[k0 + s] == 0f) {
                            p[po + s] = Float.NEGATIVE_INFINITY;
                            continue;
                        }
                        float v = (Attention.dot(x, (k0 + s) * d, qk, ho, d) + ch) * scale;
                        p[po + s] = v;
                        if (v > max) max = v;
                    }
                    double sum = 0;
                    for (int s = 0; s < nk; s++) {
                        float ex = p[po + s] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(p[po + s] - max);
                        p[po + s] = ex;
                        sum += ex;
                    }
                    float inv = sum > 0 ? (float) (1 / sum) : 0f;
                    java.util.Arrays.fill(xbar, ho, ho + d, 0f);
                    for (int s = 0; s < nk; s++) {
                        float ps_ = p[po + s] *= inv;
                        if (ps_ != 0f) Attention.axpy(ps_, x, (k0 + s) * d, xbar, ho, d); // xbar_h = Σ p_t x_t
                    }
                    any[eh] = sum > 0 ? 1f : 0f;
                    for (int j = 0; j < dHead; j++)
                        z[qo + j] = any[eh] * w[bvo + h * dHead + j]; // z_h = (Σ p) b_v,h + xbar_h·W_v,h
                    for (int i = 0; i < d; i++) Attention.axpy(xbar[ho + i], w, wvo + i * d + h * dHead, z, qo, dHead);
                }
            }
        }
    }

    private final class Bwd implements Parallel.Task {
        float[] q, x, p, dz, dq, dx;
        int n, pStride;
        int[] ks;

        @Override
        public void run(int chunk) {
            float[] w = ps.w;
            float scale = (float) (1 / Math.sqrt(dHead));
            int wko = wk.weight.offset(), bko = wk.bias.offset(), wvo = wv.weight.offset();
            for (int e = chunk * EX, e1 = Math.min(n, e + EX); e < e1; e++) {
                int k0 = ks[e], nk = ks[e + 1] - k0;
                java.util.Arrays.fill(dx, k0 * d, (k0 + nk) * d, 0f);
                for (int h = 0; h < heads; h++) {
                    int qo = e * d + h * dHead, eh = e * heads + h, ho = eh * d, po = eh * pStride;
                    for (int i = 0; i < d; i++)
                        dxbar[ho + i] = Attention.dot(w, wvo + i * d + h * dHead, dz, qo, dHead); // dxbar = W_v,h dz_h
                    // dp_t = dxbar·x_t ; dx_t += p_t dxbar ; ds_t = p_t (dp_t - Σ p dp) (dp recomputed in the second
                    // pass)
                    double pdp = 0;
                    for (int s = 0; s < nk; s++) {
                        float ps_ = p[po + s];
                        if (ps_ == 0f) continue;
                        int xo = (k0 + s) * d;
                        float g = Attention.dot(dxbar, ho, x, xo, d);
                        Attention.axpy(ps_, dxbar, ho, dx, xo, d);
                        pdp += (double) ps_ * g;
                    }
                    java.util.Arrays.fill(dqk, ho, ho + d, 0f);
                    float dch = 0f;
                    for (int s = 0; s < nk; s++) {
                        float ps_ = p[po + s];
                        if (ps_ == 0f) continue;
                        int xo = (k0 + s) * d;
                        float ds = (float) (ps_ * (Attention.dot(dxbar, ho, x, xo, d) - pdp)) * scale;
                        Attention.axpy(ds, x, xo, dqk, ho, d); // dqk = Σ ds_t x_t
                        Attention.axpy(ds, qk, ho, dx, xo, d); // dx_t += ds_t qk_h
                        dch += ds;
                    }
                    dc[eh] = dch;
                    for (int j = 0; j < dHead; j++)
                        dq[qo + j] = dch * w[bko + h * dHead + j]; // dq_h = dc b_k,h + W_k,hᵀ dqk
                    for (int i = 0; i < d; i++) Attention.axpy(dqk[ho + i], w, wko + i * d + h * dHead, dq, qo, dHead);
                }
            }
        }
    }

    // dW_k[i, h] += Σ_e dqk[e, h, i] q[e, h];  dW_v[i, h] += Σ_e xbar[e, h, i] dz[e, h]  (rows i of a chunk; examples
    // in order)
    private final class Grads implements Parallel.Task {
        float[] q, dz;
        int n;

        @Override
        public void run(int chunk) {
            float[] g = ps.g;
            int wko = wk.weight.offset(), wvo = wv.weight.offset();
            for (int i = chunk * ROWS, i1 = Math.min(d, i + ROWS); i < i1; i++)
                for (int h = 0; h < heads; h++) {
                    int go = i * d + h * dHead;
                    for (int e = 0; e < n; e++) {
                        int eh = (e * heads + h) * d + i, qo = e * d + h * dHead;
                        Attention.axpy(dqk[eh], q, qo, g, wko + go, dHead);
                        Attention.axpy(xbar[eh], dz, qo, g, wvo + go, dHead);
                    }
                }
        }
    }
}
