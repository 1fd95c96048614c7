package org.grokscope.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply, row-major, in the three forms backpropagation needs:
 * <pre>
 *   nn: C[m,n] (+)= A[m,k] · B[k,n]
 *   tn: C[m,n] (+)= A[k,m]ᵀ · B[k,n]     (weight gradients: xᵀ·dy)
 *   nt: C[m,n] (+)= A[m,k] · B[n,k]ᵀ     (input gradients: dy·Wᵀ; B is transposed into a scratch panel)
 * </pre>
 * A 4 × 2L register tile (L = vector lanes; 8 accumulators, which fit AVX2's 16 registers with room for
 * the B loads and A broadcasts) runs over 256-deep k-blocks of a 256-wide column block, so the B block
 * stays in L2. The first k-block stores its tile instead of zero-filling C first. Work is split into
 * 64-row × 256-column chunks; every element is summed in the same order whatever the thread count.
 * An instance is a reusable plan (not thread-safe): it holds the current operands so a dispatch
 * allocates nothing.
 */
public final class Gemm implements Parallel.Task {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 2 * L;
    private static final int MB = 64;
    private static final int NB = 256;
    private static final int KB = 256;

    private final Parallel pool;
    private float[] panel = new float[0];

    private float[] a, b, c;
    private int aOff, bOff, cOff, ars, acs, ldb, ldc, m, n, k, nBlocks;
    private boolean accumulate;

    public Gemm(Parallel pool) {
        this.pool = pool;
    }

    public void nn(float[] A, int aOff, float[] B, int bOff, float[] C, int cOff, int m, int n, int k, boolean accumulate) {
        general(A, aOff, k, 1, B, bOff, n, C, cOff, n, m, n, k, accumulate);
    }

    public void tn(float[] A, int aOff, float[] B, int bOff, float[] C, int cOff, int m, int n, int k, boolean accumulate) {
        general(A, aOff, 1, m, B, bOff, n, C, cOff, n, m, n, k, accumulate);
    }

    public void nt(float[] A, int aOff, float[] B, int bOff, float[] C, int cOff, int m, int n, int k, boolean accumulate) {
        if ((long) n * k > panel.length) panel = new float[Math.max(n * k, panel.length * 2)];
        float[] p = panel;
        for (int j = 0; j < n; j++) {          // p[kk, j] = B[j, kk]
            int src = bOff + j * k;
            for (int kk = 0; kk < k; kk++) p[kk * n + j] = B[src + kk];
        }
        general(A, aOff, k, 1, p, 0, n, C, cOff, n, m, n, k, accumulate);
    }

    /** op(A)(i,kk) = A[aOff + i*ars + kk*acs]; B(kk,j) = B[bOff + kk*ldb + j]; C(i,j) = C[cOff + i*ldc + j]. */
    private void general(float[] A, int aOff, int ars, int acs, float[] B, int bOff, int ldb,
                         float[] C, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(C, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        this.a = A; this.aOff = aOff; this.ars = ars; this.acs = acs;
        this.b = B; this.bOff = bOff; this.ldb = ldb;
        this.c = C; this.cOff = cOff; this.ldc = ldc;
        this.m = m; this.n = n; this.k = k; this.accumulate = accumulate;
        int mBlocks = (m + MB - 1) / MB;
        nBlocks = (n + NB - 1) / NB;
        pool.run(mBlocks * nBlocks, this);
        this.a = this.b = this.c = null;
    }

    @Override
    public void run(int chunk) {
        int i0 = (chunk / nBlocks) * MB, i1 = Math.min(m, i0 + MB);
        int j0 = (chunk % nBlocks) * NB, j1 = Math.min(n, j0 + NB);
        for (int k0 = 0; k0 < k; k0 += KB) {
            int k1 = Math.min(k, k0 + KB);
            boolean store = k0 == 0 && !accumulate;
            int i = i0;
            for (; i + 4 <= i1; i += 4) {
                int j = j0;
                for (; j + NR <= j1; j += NR) tile4x2(i, j, k0, k1, store);
                for (; j + L <= j1; j += L) tile4x1(i, j, k0, k1, store);
                for (; j < j1; j++) for (int r = 0; r < 4; r++) scalar(i + r, j, k0, k1, store);
            }
            for (; i < i1; i++) {
                int j = j0;
                for (; j + L <= j1; j += L) tile1x1(i, j, k0, k1, store);
                for (; j < j1; j++) scalar(i, j, k0, k1, store);
            }
        }
    }

    private void tile4x2(int i, int j, int k0, int k1, boolean store) {
        final float[] a = this.a, b = this.b, c = this.c;
        final int ars = this.ars, acs = this.acs, ldb = this.ldb;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int a0 = aOff + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        int bi = bOff + k0 * ldb + j;
        for (int kk = k0; kk < k1; kk++, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
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
        int ci = cOff + i * ldc + j;
        if (store) {
            c00.intoArray(c, ci); c01.intoArray(c, ci + L); ci += ldc;
            c10.intoArray(c, ci); c11.intoArray(c, ci + L); ci += ldc;
            c20.intoArray(c, ci); c21.intoArray(c, ci + L); ci += ldc;
            c30.intoArray(c, ci); c31.intoArray(c, ci + L);
        } else {
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
        }
    }

    private void tile4x1(int i, int j, int k0, int k1, boolean store) {
        final float[] a = this.a, b = this.b, c = this.c;
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        int a0 = aOff + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        int bi = bOff + k0 * ldb + j;
        for (int kk = k0; kk < k1; kk++, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            int ak = kk * acs;
            c0 = FloatVector.broadcast(S, a[a0 + ak]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + ak]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + ak]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + ak]).fma(b0, c3);
        }
        int ci = cOff + i * ldc + j;
        if (store) {
            c0.intoArray(c, ci); c1.intoArray(c, ci + ldc); c2.intoArray(c, ci + 2 * ldc); c3.intoArray(c, ci + 3 * ldc);
        } else {
            c0.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            ci += ldc;
            c1.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            ci += ldc;
            c2.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            ci += ldc;
            c3.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        }
    }

    private void tile1x1(int i, int j, int k0, int k1, boolean store) {
        final float[] a = this.a, b = this.b, c = this.c;
        FloatVector c0 = FloatVector.zero(S);
        int a0 = aOff + i * ars;
        int bi = bOff + k0 * ldb + j;
        for (int kk = k0; kk < k1; kk++, bi += ldb) {
            c0 = FloatVector.broadcast(S, a[a0 + kk * acs]).fma(FloatVector.fromArray(S, b, bi), c0);
        }
        int ci = cOff + i * ldc + j;
        if (store) c0.intoArray(c, ci);
        else c0.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
    }

    private void scalar(int i, int j, int k0, int k1, boolean store) {
        float s = 0f;
        int a0 = aOff + i * ars;
        for (int kk = k0; kk < k1; kk++) s = Math.fma(a[a0 + kk * acs], b[bOff + kk * ldb + j], s);
        int ci = cOff + i * ldc + j;
        c[ci] = store ? s : c[ci] + s;
    }
}
