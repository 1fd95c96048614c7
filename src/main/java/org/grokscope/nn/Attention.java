package org.grokscope.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.grokscope.engine.Parallel;

/**
 * Scaled dot-product attention core over short sequences, per example and head (projections live in
 * the model). Queries may cover only the last Tq of the T positions (the loss reads only the last one),
 * in which case query i sits at position T - Tq + i. Causal: a query at position t sees keys s ≤ t.
 * An optional key mask (1 = attend, 0 = padding) supports padded text batches. Per-head dot products
 * and updates run over dHead with vectors; a dot product's lanes are summed by a fixed folding tree (the
 * Vector API's reduceLanes leaves the order open), so results do not depend on the JIT.
 */
public final class Attention {
    private static final int EX = 8; // examples per chunk
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
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
        pool.run(chunks(n), f);
    }

    // dz[n, Tq, d] -> dq[n, Tq, d], dk[n, T, d], dv[n, T, d] (all overwritten)
    public void backward(float[] q, float[] k, float[] v, float[] p, float[] dz, float[] dq, float[] dk, float[] dv, int n, int T, int Tq) {
        Bwd b = bwd;
        b.q = q; b.k = k; b.v = v; b.p = p; b.dz = dz; b.dq = dq; b.dk = dk; b.dv = dv; b.n = n; b.T = T; b.Tq = Tq;
        pool.run(chunks(n), b);
    }

    private int chunks(int n) {
        return (n + EX - 1) / EX;
    }

    // lane i + h (mod L) to lane i, for h = L/2, L/4, …, 1: a fixed folding tree for horizontal sums
    private static final VectorShuffle<Float>[] FOLD = folds();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int levels = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] f = new VectorShuffle[levels];
        for (int i = 0, h = L / 2; i < levels; i++, h /= 2) {
            final int sh = h;
            f[i] = VectorShuffle.fromOp(S, lane -> (lane + sh) % L);
        }
        return f;
    }

    // Σ_j a[ao + j]·b[bo + j] over len; the vector lanes are summed by the fixed folding tree (the Vector
    // API's reduceLanes leaves the order open; storing the lanes and adding them one by one cost about
    // half of the attention's time at dHead 32: nanda step 34.8 -> 32.0 ms)
    private static float dot(float[] a, int ao, float[] b, int bo, int len) {
        int j = 0;
        float s = 0f;
        if (len >= L) {
            FloatVector acc = FloatVector.zero(S);
            for (; j + L <= len; j += L) acc = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), acc);
            for (VectorShuffle<Float> f : FOLD) acc = acc.add(acc.rearrange(f));
            s = acc.lane(0);
        }
        for (; j < len; j++) s = Math.fma(a[ao + j], b[bo + j], s);
        return s;
    }

    // y[yo + j] = fma(alpha, x[xo + j], y[yo + j]) over len (the same fused op whether a lane or the tail)
    private static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int len) {
        int j = 0;
        FloatVector av = FloatVector.broadcast(S, alpha);
        for (; j + L <= len; j += L) av.fma(FloatVector.fromArray(S, x, xo + j), FloatVector.fromArray(S, y, yo + j)).intoArray(y, yo + j);
        for (; j < len; j++) y[yo + j] = Math.fma(alpha, x[xo + j], y[yo + j]);
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
                            float dot = dot(q, qo, k, ko, dHead) * scale;
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
                            axpy(ps_, v, (e * T + s) * d + h * dHead, z, zo, dHead);
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
                            float g = dot(dz, qo, v, vo, dHead);
                            axpy(ps_, dz, qo, dv, vo, dHead);
                            dot += (double) ps_ * g;
                        }
                        for (int j = 0; j < dHead; j++) dq[qo + j] = 0f;
                        for (int s = 0; s < T; s++) {
                            float ps_ = p[po + s];
                            if (ps_ == 0f) continue;
                            int vo = (e * T + s) * d + h * dHead;
                            float g = dot(dz, qo, v, vo, dHead);
                            float ds = (float) (ps_ * (g - dot)) * scale;
                            axpy(ds, k, vo, dq, qo, dHead);
                            axpy(ds, q, qo, dk, vo, dHead);
                        }
                    }
                }
            }
        }
    }
}
