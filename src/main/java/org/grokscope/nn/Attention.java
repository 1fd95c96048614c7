package org.grokscope.nn;

import org.grokscope.engine.Parallel;

/**
 * Scaled dot-product attention core over short sequences, per example and head (projections live in
 * the model). Queries may cover only the last Tq of the T positions (the loss reads only the last one),
 * in which case query i sits at position T - Tq + i. Causal: a query at position t sees keys s ≤ t.
 * An optional key mask (1 = attend, 0 = padding) supports padded text batches.
 */
public final class Attention {
    private static final int EX = 8; // examples per chunk
    public final int heads, dHead, d;
    public final boolean causal;
    private final Parallel pool;
    private final Fwd fwd = new Fwd();
    private final Bwd bwd = new Bwd();

    public Attention(Parallel pool, int d, int heads, boolean causal) {
        if (d % heads != 0) throw new IllegalArgumentException("d_model " + d + " not divisible by heads " + heads);
        this.pool = pool; this.d = d; this.heads = heads; this.dHead = d / heads; this.causal = causal;
    }

    // q[n, Tq, d], k[n, T, d], v[n, T, d] -> z[n, Tq, d]; saves probabilities p[n, H, Tq, T]
    public void forward(float[] q, float[] k, float[] v, float[] z, float[] p, int n, int T, int Tq, float[] keyMask) {
        Fwd f = fwd;
        f.q = q; f.k = k; f.v = v; f.z = z; f.p = p; f.n = n; f.T = T; f.Tq = Tq; f.mask = keyMask;
        pool.run((n + EX - 1) / EX, f);
    }

    // dz[n, Tq, d] -> dq[n, Tq, d], dk[n, T, d], dv[n, T, d] (all overwritten)
    public void backward(float[] q, float[] k, float[] v, float[] p, float[] dz, float[] dq, float[] dk, float[] dv, int n, int T, int Tq) {
        Bwd b = bwd;
        b.q = q; b.k = k; b.v = v; b.p = p; b.dz = dz; b.dq = dq; b.dk = dk; b.dv = dv; b.n = n; b.T = T; b.Tq = Tq;
        pool.run((n + EX - 1) / EX, b);
    }

    private final class Fwd implements Parallel.Task {
        float[] q, k, v, z, p, mask; int n, T, Tq;

        @Override
        public void run(int c) {
            float scale = (float) (1 / Math.sqrt(dHead));
            int e1 = Math.min(n, (c + 1) * EX);
            for (int e = c * EX; e < e1; e++) {
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < Tq; i++) {
                        int t = T - Tq + i;
                        int qo = (e * Tq + i) * d + h * dHead;
                        int po = ((e * heads + h) * Tq + i) * T;
                        int last = causal ? t : T - 1;
                        float max = Float.NEGATIVE_INFINITY;
                        for (int s = 0; s <= last; s++) {
                            if (mask != null && mask[e * T + s] == 0f) { p[po + s] = Float.NEGATIVE_INFINITY; continue; }
                            int ko = (e * T + s) * d + h * dHead;
                            float dot = 0f;
                            for (int j = 0; j < dHead; j++) dot = Math.fma(q[qo + j], k[ko + j], dot);
                            dot *= scale;
                            p[po + s] = dot;
                            if (dot > max) max = dot;
                        }
                        double sum = 0;
                        for (int s = 0; s <= last; s++) {
                            float ex = p[po + s] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(p[po + s] - max);
                            p[po + s] = ex;
                            sum += ex;
                        }
                        float inv = sum > 0 ? (float) (1 / sum) : 0f;
                        for (int s = 0; s <= last; s++) p[po + s] *= inv;
                        for (int s = last + 1; s < T; s++) p[po + s] = 0f;
                        int zo = qo;
                        for (int j = 0; j < dHead; j++) z[zo + j] = 0f;
                        for (int s = 0; s <= last; s++) {
                            float ps_ = p[po + s];
                            if (ps_ == 0f) continue;
                            int vo = (e * T + s) * d + h * dHead;
                            for (int j = 0; j < dHead; j++) z[zo + j] = Math.fma(ps_, v[vo + j], z[zo + j]);
                        }
                    }
                }
            }
        }
    }

    private final class Bwd implements Parallel.Task {
        float[] q, k, v, p, dz, dq, dk, dv; int n, T, Tq;

        @Override
        public void run(int c) {
            float scale = (float) (1 / Math.sqrt(dHead));
            int e1 = Math.min(n, (c + 1) * EX);
            for (int e = c * EX; e < e1; e++) {
                java.util.Arrays.fill(dk, e * T * d, (e + 1) * T * d, 0f);
                java.util.Arrays.fill(dv, e * T * d, (e + 1) * T * d, 0f);
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < Tq; i++) {
                        int qo = (e * Tq + i) * d + h * dHead;
                        int po = ((e * heads + h) * Tq + i) * T;
                        // dp_s = dz·v_s ; dv_s += p_s dz ; ds_s = p_s (dp_s - Σ p dp) (dp recomputed in the second pass)
                        double dot = 0;
                        for (int s = 0; s < T; s++) {
                            float ps_ = p[po + s];
                            if (ps_ == 0f) continue;
                            int vo = (e * T + s) * d + h * dHead;
                            float g = 0f;
                            for (int j = 0; j < dHead; j++) {
                                g = Math.fma(dz[qo + j], v[vo + j], g);
                                dv[vo + j] = Math.fma(ps_, dz[qo + j], dv[vo + j]);
                            }
                            dot += (double) ps_ * g;
                        }
                        for (int j = 0; j < dHead; j++) dq[qo + j] = 0f;
                        for (int s = 0; s < T; s++) {
                            float ps_ = p[po + s];
                            if (ps_ == 0f) continue;
                            int vo = (e * T + s) * d + h * dHead;
                            float g = 0f;
                            for (int j = 0; j < dHead; j++) g = Math.fma(dz[qo + j], v[vo + j], g);
                            float ds = (float) (ps_ * (g - dot)) * scale;
                            int ko = vo;
                            for (int j = 0; j < dHead; j++) {
                                dq[qo + j] = Math.fma(ds, k[ko + j], dq[qo + j]);
                                dk[ko + j] = Math.fma(ds, q[qo + j], dk[ko + j]);
                            }
                        }
                    }
                }
            }
        }
    }
}
