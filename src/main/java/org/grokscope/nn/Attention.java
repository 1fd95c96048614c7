package org.grokscope.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.grokscope.engine.Parallel;

/**
 * Scaled dot-product attention core over short sequences, per example and head (projections live in the model). Queries
 * may cover only the last Tq of the T positions (the loss reads only the last one), in which case query i sits at
 * position T - Tq + i. Causal: a query at position t sees keys s ≤ t. An optional key mask (1 = attend, 0 = padding)
 * supports padded text batches. Per-head dot products and updates run over dHead with vectors; a dot product's lanes
 * are summed by a fixed folding tree (the Vector API's reduceLanes leaves the order open), so results do not depend on
 * the JIT.
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
        this.pool = pool;
        this.d = d;
        this.heads = heads;
        this.dHead = d / heads;
        this.causal = causal;
    }

    // q[n, Tq, d], k[n, T, d], v[n, T, d] -> z[n, Tq, d]; saves probabilities p[n, Tq, H, T]
    public void forward(float[] q, float[] k, float[] v, float[] z, float[] p, int n, int T, int Tq, float[] keyMask) {
        qFixed = starts(qFixed, n, Tq);
        kFixed = starts(kFixed, n, T);
        forward(q, k, v, z, p, n, qFixed, kFixed, keyMask, T);
    }

    /**
     * Packed sequences of any length (padding dropped): example e's queries are rows qStart[e] .. qStart[e+1] of q, its
     * keys and values rows kStart[e] .. kStart[e+1] of k and v, each attended where keyOn[row] != 0 (null: every key).
     * The query i of nq sits at key position nk - nq + i (for the causal mask). Probabilities p[query row][H][pStride]
     * (pStride at least the longest example). Per row the same operations as the padded call, so a padded batch gives
     * the same bits either way.
     */
    public void forward(
            float[] q,
            float[] k,
            float[] v,
            float[] z,
            float[] p,
            int n,
            int[] qStart,
            int[] kStart,
            float[] keyOn,
            int pStride) {
        Fwd f = fwd;
        f.q = q;
        f.k = k;
        f.v = v;
        f.z = z;
        f.p = p;
        f.n = n;
        f.qs = qStart;
        f.ks = kStart;
        f.mask = keyOn;
        f.pStride = pStride;
        pool.run(chunks(n), f);
        f.q = f.k = f.v = f.z = f.p = f.mask = null;
    }

    // dz[n, Tq, d] -> dq[n, Tq, d], dk[n, T, d], dv[n, T, d] (all overwritten)
    public void backward(
            float[] q,
            float[] k,
            float[] v,
            float[] p,
            float[] dz,
            float[] dq,
            float[] dk,
            float[] dv,
            int n,
            int T,
            int Tq) {
        qFixed = starts(qFixed, n, Tq);
        kFixed = starts(kFixed, n, T);
        backward(q, k, v, p, dz, dq, dk, dv, n, qFixed, kFixed, T);
    }

    /**
     * The packed form's backward: dq over the query rows, dk and dv over the key rows of the n examples (overwritten).
     */
    public void backward(
            float[] q,
            float[] k,
            float[] v,
            float[] p,
            float[] dz,
            float[] dq,
            float[] dk,
            float[] dv,
            int n,
            int[] qStart,
            int[] kStart,
            int pStride) {
        Bwd b = bwd;
        b.q = q;
        b.k = k;
        b.v = v;
        b.p = p;
        b.dz = dz;
        b.dq = dq;
        b.dk = dk;
        b.dv = dv;
        b.n = n;
        b.qs = qStart;
        b.ks = kStart;
        b.pStride = pStride;
        pool.run(chunks(n), b);
        b.q = b.k = b.v = b.p = b.dz = b.dq = b.dk = b.dv = null;
    }

    private int[] qFixed = new int[0], kFixed = new int[0];

    // e · len for e in [0, n]: the rows of fixed-length examples (grown, then reused: a step allocates nothing)
    private static int[] starts(int[] a, int n, int len) {
        if (a.length < n + 1) a = new int[n + 1];
        for (int e = 0; e <= n; e++) a[e] = e * len;
        return a;
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
    static float dot(float[] a, int ao, float[] b, int bo, int len) {
        int j = 0;
        float s = 0f;
        if (len >= L) {
            FloatVector acc = FloatVector.zero(S);
            for (; j + L <= len; j += L)
                acc = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), acc);
            for (VectorShuffle<Float> f : FOLD) acc = acc.add(acc.rearrange(f));
            s = acc.lane(0);
        }
        for (; j < len; j++) s = Math.fma(a[ao + j], b[bo + j], s);
        return s;
    }

    // y[yo + j] = fma(alpha, x[xo + j], y[yo + j]) over len (the same fused op whether a lane or the tail)
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int len) {
        int j = 0;
        FloatVector av = FloatVector.broadcast(S, alpha);
        for (; j + L <= len; j += L)
            av.fma(FloatVector.fromArray(S, x, xo + j), FloatVector.fromArray(S, y, yo + j))
                    .intoArray(y, yo + j);
        for (; j < len; j++) y[yo + j] = Math.fma(alpha, x[xo + j], y[yo + j]);
    }

    private final class Fwd implements Parallel.Task {
        float[] q, k, v, z, p, mask;
        int n, pStride;
        int[] qs, ks;

        @Override
        public void run(int c) {
            float scale = (float) (1 / Math.sqrt(dHead));
            int e1 = Math.min(n, (c + 1) * EX);
            for (int e = c * EX; e < e1; e++) {
                int k0 = ks[e], nk = ks[e + 1] - k0, q0 = qs[e], nq = qs[e + 1] - q0;
                for (int i = 0; i < nq; i++) {
                    int last = causal ? nk - nq + i : nk - 1;
                    for (int h = 0; h < heads; h++) {
                        int qo = (q0 + i) * d + h * dHead;
                        int po = ((q0 + i) * heads + h) * pStride;
                        float max = Float.NEGATIVE_INFINITY;
                        for (int s = 0; s <= last; s++) {
                            if (mask != null && mask[k0 + s] == 0f) {
                                p[po + s] = Float.NEGATIVE_INFINITY;
                                continue;
                            }
                            float dot = dot(q, qo, k, (k0 + s) * d + h * dHead, dHead) * scale;
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
                        for (int s = last + 1; s < nk; s++) p[po + s] = 0f;
                        for (int j = 0; j < dHead; j++) z[qo + j] = 0f;
                        for (int s = 0; s <= last; s++) {
                            float ps_ = p[po + s];
                            if (ps_ == 0f) continue;
                            axpy(ps_, v, (k0 + s) * d + h * dHead, z, qo, dHead);
                        }
                    }
                }
            }
        }
    }

    private final class Bwd implements Parallel.Task {
        float[] q, k, v, p, dz, dq, dk, dv;
        int n, pStride;
        int[] qs, ks;

        @Override
        public void run(int c) {
            float scale = (float) (1 / Math.sqrt(dHead));
            int e1 = Math.min(n, (c + 1) * EX);
            for (int e = c * EX; e < e1; e++) {
                int k0 = ks[e], nk = ks[e + 1] - k0, q0 = qs[e], nq = qs[e + 1] - q0;
                java.util.Arrays.fill(dk, k0 * d, (k0 + nk) * d, 0f);
                java.util.Arrays.fill(dv, k0 * d, (k0 + nk) * d, 0f);
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < nq; i++) {
                        int qo = (q0 + i) * d + h * dHead;
                        int po = ((q0 + i) * heads + h) * pStride;
                        // dp_s = dz·v_s ; dv_s += p_s dz ; ds_s = p_s (dp_s - Σ p dp) (dp recomputed in the second
                        // pass)
                        double dot = 0;
                        for (int s = 0; s < nk; s++) {
                            float ps_ = p[po + s];
                            if (ps_ == 0f) continue;
                            int vo = (k0 + s) * d + h * dHead;
                            float g = dot(dz, qo, v, vo, dHead);
                            axpy(ps_, dz, qo, dv, vo, dHead);
                            dot += (double) ps_ * g;
                        }
                        for (int j = 0; j < dHead; j++) dq[qo + j] = 0f;
                        for (int s = 0; s < nk; s++) {
                            float ps_ = p[po + s];
                            if (ps_ == 0f) continue;
                            int vo = (k0 + s) * d + h * dHead;
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
