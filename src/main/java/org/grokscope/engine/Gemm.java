package org.grokscope.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply, row-major, in the three forms backpropagation needs:
 * <pre>
 *   nn: C[m,n] (+)= A[m,k] · B[k,n]
 *   tn: C[m,n] (+)= A[k,m]ᵀ · B[k,n]     (weight gradients: xᵀ·dy)
 *   nt: C[m,n] (+)= A[m,k] · B[n,k]ᵀ     (input gradients: dy·Wᵀ)
 * </pre>
 * Blocking: for each 256-column × 256-deep block of B, the block is packed once into a contiguous
 * panel of 2L-wide column strips (L = vector lanes; the last strip zero-padded), then all threads sweep
 * 72-row chunks of A over it with a 6 × 2L register tile (12 accumulators: with the two B loads and an A
 * broadcast that is 15 of AVX2's 16 registers; 12 FMAs per 2 vector loads and 6 broadcasts, where the
 * 4-row tile did 8 per 2 + 4). Packing removes the power-of-two row strides that otherwise
 * alias in L1, and the nt form needs no separate transpose. The first k-block stores its tile instead
 * of zero-filling C. Every element is summed in the same order whatever the thread count.
 * An instance is a reusable plan (not thread-safe): it holds the operands so a dispatch allocates nothing.
 */
public final class Gemm implements Parallel.Task {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 2 * L;
    private static final int MB = 72;
    private static final int NB = 256;
    private static final int KB = 256;

    private final Parallel pool;
    private final float[] panel = new float[KB * NB];
    private float[] spill = new float[0]; // per-chunk 4 × NR tiles for partial strips (odd n such as 113), grown, never reallocated in a steady state

    private float[] a, c;
    private int aOff, ars, acs, cOff, ldc, m, n;
    private int j0, jn, k0, kn;    // current block: columns [j0, j0+jn), depth [k0, k0+kn)
    private boolean store;
    private int groups = 1;         // column-strip groups per row chunk

    public Gemm(Parallel pool) {
        this.pool = pool;
    }

    public void nn(float[] A, int aOff, float[] B, int bOff, float[] C, int cOff, int m, int n, int k, boolean accumulate) {
        general(A, aOff, k, 1, B, bOff, n, 1, C, cOff, n, m, n, k, accumulate);
    }

    public void tn(float[] A, int aOff, float[] B, int bOff, float[] C, int cOff, int m, int n, int k, boolean accumulate) {
        general(A, aOff, 1, m, B, bOff, n, 1, C, cOff, n, m, n, k, accumulate);
    }

    public void nt(float[] A, int aOff, float[] B, int bOff, float[] C, int cOff, int m, int n, int k, boolean accumulate) {
        general(A, aOff, k, 1, B, bOff, 1, k, C, cOff, n, m, n, k, accumulate);
    }

    /**
     * op(A)(i,kk) = A[aOff + i*ars + kk*acs]; op(B)(kk,j) = B[bOff + kk*brs + j*bcs]; C(i,j) = C[cOff + i*ldc + j].
     */
    private void general(float[] A, int aOff, int ars, int acs, float[] B, int bOff, int brs, int bcs,
                         float[] C, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(C, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        this.a = A; this.aOff = aOff; this.ars = ars; this.acs = acs;
        this.c = C; this.cOff = cOff; this.ldc = ldc; this.m = m; this.n = n;
        // few row chunks (a weight gradient: m = fan-in, e.g. 128) would leave a thread idle or unevenly
        // loaded, so each row chunk is also split into groups of column strips; every C element is still
        // computed by the same tile code in the same order, so the result does not depend on the split
        int rowChunks = (m + MB - 1) / MB;
        groups = rowChunks >= 4 * pool.threads() ? 1 : Math.min(4, (Math.min(NB, n) + NR - 1) / NR);
        int chunks = rowChunks * groups;
        if (n % NR != 0 && spill.length < chunks * 6 * NR) spill = new float[chunks * 6 * NR];
        for (j0 = 0; j0 < n; j0 += NB) {
            jn = Math.min(NB, n - j0);
            for (k0 = 0; k0 < k; k0 += KB) {
                kn = Math.min(KB, k - k0);
                packer.b = B; packer.bOff = bOff; packer.brs = brs; packer.bcs = bcs;
                pool.run((jn + NR - 1) / NR, packer);  // strips in parallel: a serial pack left the other thread idle
                store = k0 == 0 && !accumulate;
                pool.run(chunks, this);
            }
        }
        this.a = this.c = null;
        packer.b = null;
    }

    private final Pack packer = new Pack();

    // panel[strip s][kk][0..NR) = op(B)(k0+kk, j0 + s*NR + 0..NR), zero past column n; one strip per chunk
    private final class Pack implements Parallel.Task {
        float[] b; int bOff, brs, bcs;

        @Override
        public void run(int s) {
            float[] p = panel, B = b;
            int js = j0 + s * NR, w = Math.min(NR, j0 + jn - js), base = s * kn * NR;
            if (bcs == 1) {
                for (int kk = 0; kk < kn; kk++) {
                    int src = bOff + (k0 + kk) * brs + js, dst = base + kk * NR;
                    System.arraycopy(B, src, p, dst, w);
                    for (int j = w; j < NR; j++) p[dst + j] = 0f;
                }
            } else {
                for (int j = 0; j < NR; j++) {
                    if (j < w) {
                        int src = bOff + (js + j) * bcs + k0 * brs;
                        for (int kk = 0; kk < kn; kk++) p[base + kk * NR + j] = B[src + kk * brs];
                    } else {
                        for (int kk = 0; kk < kn; kk++) p[base + kk * NR + j] = 0f;
                    }
                }
            }
        }
    }

    @Override
    public void run(int chunk) {
        int rc = chunk / groups, g = chunk % groups;
        int i0 = rc * MB, i1 = Math.min(m, i0 + MB);
        int strips = (jn + NR - 1) / NR;
        for (int s = g * strips / groups, s1 = (g + 1) * strips / groups; s < s1; s++) {
            int js = j0 + s * NR, w = Math.min(NR, j0 + jn - js), base = s * kn * NR;
            int i = i0;
            for (; i + 6 <= i1; i += 6) tile6(i, js, w, base, chunk * 6 * NR);
            for (; i + 4 <= i1; i += 4) tile4(i, js, w, base, chunk * 6 * NR);
            for (; i < i1; i++) tile1(i, js, w, base, chunk * 6 * NR);
        }
    }

    private void tile6(int i, int js, int w, int base, int so) {
        final float[] a = this.a, p = this.panel;
        final int acs = this.acs;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int a0 = aOff + i * ars + k0 * acs, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars, a4 = a3 + ars, a5 = a4 + ars;
        int pi = base;
        for (int kk = 0; kk < kn; kk++, pi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, p, pi);
            FloatVector b1 = FloatVector.fromArray(S, p, pi + L);
            int ak = kk * acs;
            FloatVector x = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + ak]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + ak]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        int ci = cOff + i * ldc + js;
        final float[] c = this.c;
        if (w == NR && store) {
            c00.intoArray(c, ci); c01.intoArray(c, ci + L); ci += ldc;
            c10.intoArray(c, ci); c11.intoArray(c, ci + L); ci += ldc;
            c20.intoArray(c, ci); c21.intoArray(c, ci + L); ci += ldc;
            c30.intoArray(c, ci); c31.intoArray(c, ci + L); ci += ldc;
            c40.intoArray(c, ci); c41.intoArray(c, ci + L); ci += ldc;
            c50.intoArray(c, ci); c51.intoArray(c, ci + L);
        } else if (w == NR) { // written out: a FloatVector passed to a helper that is not inlined is boxed
            c00.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci); c01.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L); ci += ldc;
            c10.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci); c11.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L); ci += ldc;
            c20.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci); c21.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L); ci += ldc;
            c30.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci); c31.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L); ci += ldc;
            c40.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci); c41.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L); ci += ldc;
            c50.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci); c51.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        } else {
            // partial strip: spill the tile to this chunk's scratch and copy the valid columns
            float[] t = spill;
            c00.intoArray(t, so); c01.intoArray(t, so + L);
            c10.intoArray(t, so + NR); c11.intoArray(t, so + NR + L);
            c20.intoArray(t, so + 2 * NR); c21.intoArray(t, so + 2 * NR + L);
            c30.intoArray(t, so + 3 * NR); c31.intoArray(t, so + 3 * NR + L);
            c40.intoArray(t, so + 4 * NR); c41.intoArray(t, so + 4 * NR + L);
            c50.intoArray(t, so + 5 * NR); c51.intoArray(t, so + 5 * NR + L);
            for (int r = 0; r < 6; r++, ci += ldc)
                for (int j = 0; j < w; j++) c[ci + j] = store ? t[so + r * NR + j] : c[ci + j] + t[so + r * NR + j];
        }
    }

    private void tile4(int i, int js, int w, int base, int so) {
        final float[] a = this.a, p = this.panel;
        final int acs = this.acs;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int a0 = aOff + i * ars + k0 * acs, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        int pi = base;
        for (int kk = 0; kk < kn; kk++, pi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, p, pi);
            FloatVector b1 = FloatVector.fromArray(S, p, pi + L);
            int ak = kk * acs;
            FloatVector x = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        int ci = cOff + i * ldc + js;
        final float[] c = this.c;
        if (w == NR && store) {
            c00.intoArray(c, ci); c01.intoArray(c, ci + L); ci += ldc;
            c10.intoArray(c, ci); c11.intoArray(c, ci + L); ci += ldc;
            c20.intoArray(c, ci); c21.intoArray(c, ci + L); ci += ldc;
            c30.intoArray(c, ci); c31.intoArray(c, ci + L);
        } else if (w == NR) {
            c00.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c01.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
            ci += ldc;
            c10.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c11.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
            ci += ldc;
            c20.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c21.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
            ci += ldc;
            c30.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c31.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        } else {
            // partial strip: spill the tile to this chunk's scratch and copy the valid columns
            float[] t = spill;
            c00.intoArray(t, so); c01.intoArray(t, so + L);
            c10.intoArray(t, so + NR); c11.intoArray(t, so + NR + L);
            c20.intoArray(t, so + 2 * NR); c21.intoArray(t, so + 2 * NR + L);
            c30.intoArray(t, so + 3 * NR); c31.intoArray(t, so + 3 * NR + L);
            for (int r = 0; r < 4; r++, ci += ldc)
                for (int j = 0; j < w; j++) c[ci + j] = store ? t[so + r * NR + j] : c[ci + j] + t[so + r * NR + j];
        }
    }

    private void tile1(int i, int js, int w, int base, int so) {
        final float[] a = this.a, p = this.panel;
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        int a0 = aOff + i * ars + k0 * acs;
        int pi = base;
        for (int kk = 0; kk < kn; kk++, pi += NR) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk * acs]);
            c0 = x.fma(FloatVector.fromArray(S, p, pi), c0);
            c1 = x.fma(FloatVector.fromArray(S, p, pi + L), c1);
        }
        int ci = cOff + i * ldc + js;
        final float[] c = this.c;
        if (w == NR && store) {
            c0.intoArray(c, ci); c1.intoArray(c, ci + L);
        } else if (w == NR) {
            c0.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c1.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        } else {
            float[] t = spill;
            c0.intoArray(t, so); c1.intoArray(t, so + L);
            for (int j = 0; j < w; j++) c[ci + j] = store ? t[so + j] : c[ci + j] + t[so + j];
        }
    }
}
