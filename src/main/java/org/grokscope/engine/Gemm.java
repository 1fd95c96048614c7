package org.grokscope.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply, row-major, in the three forms backpropagation needs:
 *
 * <pre>
 *   nn: C[m,n] (+)= A[m,k] · B[k,n]
 *   tn: C[m,n] (+)= A[k,m]ᵀ · B[k,n]     (weight gradients: xᵀ·dy)
 *   nt: C[m,n] (+)= A[m,k] · B[n,k]ᵀ     (input gradients: dy·Wᵀ)
 * </pre>
 *
 * Blocking (BLIS-style): for each 256-deep k-block, op(A) is packed once into MR-row micro-panels laid out [k][MR] (the
 * last one zero-padded); then for each 256-column block of B, the block is packed into a contiguous panel of 2L-wide
 * column strips (L = vector lanes; the last strip zero-padded), and all threads sweep 72-row chunks over it, strip by
 * strip, with an MR × 2L register tile. Each (k-block, column block) step is one dispatch to the pool, which also packs
 * the next step's operands into a second set of buffers: one hand-off per step, not three. MR follows the register
 * file: 8 rows (16 accumulators) with 512-bit vectors and 32 registers, 6 rows (12 accumulators; with the two B loads
 * and an A broadcast, 15 of AVX2's 16 registers) otherwise. Packing turns every operand read in the tile's loop into a
 * running index with constant offsets: no power-of-two strides aliasing in L1, no per-iteration bounds checks on a
 * variable stride (the unpacked tile ran 25 % slower), and the tn and nt forms need no separate transpose. The first
 * k-block stores its tile instead of zero-filling C. Every element is summed in the same order (k ascending) whatever
 * the thread count or tile height, so results are bitwise reproducible. An instance is a reusable plan (not
 * thread-safe): it holds the operands so a dispatch allocates nothing.
 */
public final class Gemm implements Parallel.SlotTask {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 2 * L;
    private static final int MR =
            L >= 16 ? 8 : 6; // micro-panel rows: 16 accumulators for 32 vector registers, 12 for 16
    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_256; // tn packing: MR lanes of one vector
    private static final VectorMask<Float> MR_LANES = SP.indexInRange(0, MR);
    /**
     * The register tile in use on this machine, rows x columns of C per micro-kernel call ("8x32" with 512-bit
     * vectors).
     */
    public static String tile() {
        return MR + "x" + NR;
    }

    private static final int MB = 72;
    private static final int NB = 256;
    private static final int KB = 256;
    /**
     * Depth of one k-block: each C element receives its products summed per block of this many k, block after block.
     */
    public static final int K_BLOCK = KB;

    private final Parallel pool;
    // op(B)'s packed column block, two of them: the one being computed and the next one, packed beside it
    private final float[][] panel = {new float[KB * NB], new float[KB * NB]};
    // a k-block of op(A) as MR-row micro-panels [k][MR], two of them likewise; grown, never reallocated in a steady
    // state
    private final float[][] aPack = {new float[0], new float[0]};
    private final float[] spill; // per pool thread: an MR × NR tile for partial strips (odd n such as 113) or rows

    private float[] a, b, c;
    private int aOff, ars, acs, bOff, brs, bcs, cOff, ldc, m, n;
    private int groups = 1; // column-strip groups per row chunk
    private int mb = MB; // rows per row chunk for the current GEMM
    // the step being computed: k-block [k0, k0 + kn), columns [j0, j0 + jn), which A and B buffers hold them, and
    // whether it stores (the first k-block) or adds; the next step's likewise, packed beside it (see general)
    private int k0, kn, j0, jn, aBuf, pBuf;
    private boolean store;
    private int nk0, nkn, nj0, njn, naBuf, npBuf;
    private int computeChunks, nextStrips;

    public Gemm(Parallel pool) {
        this.pool = pool;
        spill = new float[pool.threads() * MR * NR];
        primeOnce(this);
    }

    private static boolean primed; // guarded by Gemm.class

    /**
     * Once per JVM, before any real GEMM: 400 tiny GEMMs (nn, tn, nt; storing and accumulating; a full and a partial
     * micro-panel and strip) while the tile is still interpreted or profiled. C2 then compiles the tile once with every
     * branch of its epilogue in the profile. Without this, the first training steps reached the accumulate and
     * partial-tile branches only after C2 had compiled the tile without them, and each one deoptimized and recompiled
     * it (two or three times, ~0.2 s of C2 each, the tile running un-vectorized meanwhile). Costs ~0.2 s at start;
     * touches nothing but its own arrays.
     */
    private static synchronized void primeOnce(Gemm g) {
        if (primed) return;
        primed = true;
        int m = MR + 1, n = NR + 1, k = 16;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < 400; i++) {
            boolean acc = (i & 1) == 1;
            switch (i % 3) {
                case 0 -> g.nn(a, 0, b, 0, c, 0, m, n, k, acc);
                case 1 -> g.tn(a, 0, b, 0, c, 0, m, n, k, acc);
                default -> g.nt(a, 0, b, 0, c, 0, m, n, k, acc);
            }
        }
    }

    public void nn(
            float[] A, int aOff, float[] B, int bOff, float[] C, int cOff, int m, int n, int k, boolean accumulate) {
        general(A, aOff, k, 1, B, bOff, n, 1, C, cOff, n, m, n, k, accumulate, null, 0);
    }

    public void tn(
            float[] A, int aOff, float[] B, int bOff, float[] C, int cOff, int m, int n, int k, boolean accumulate) {
        general(A, aOff, 1, m, B, bOff, n, 1, C, cOff, n, m, n, k, accumulate, null, 0);
    }

    /**
     * tn with the k-blocks given: block b covers k in [kEnds[b-1], kEnds[b]) (from 0), each at most {@link #K_BLOCK}
     * deep, empty blocks skipped. Rows dropped from a padded batch (padding, whose products are exact zeros) keep the
     * padded computation's bits when the blocks end where the padded rows' blocks ended.
     */
    public void tn(
            float[] A,
            int aOff,
            float[] B,
            int bOff,
            float[] C,
            int cOff,
            int m,
            int n,
            int k,
            boolean accumulate,
            int[] kEnds,
            int blocks) {
        if (blocks < 1 || kEnds[blocks - 1] != k) throw new IllegalArgumentException("k-blocks must end at k = " + k);
        general(A, aOff, 1, m, B, bOff, n, 1, C, cOff, n, m, n, k, accumulate, kEnds, blocks);
    }

    public void nt(
            float[] A, int aOff, float[] B, int bOff, float[] C, int cOff, int m, int n, int k, boolean accumulate) {
        general(A, aOff, k, 1, B, bOff, 1, k, C, cOff, n, m, n, k, accumulate, null, 0);
    }

    /** op(A)(i,kk) = A[aOff + i*ars + kk*acs]; op(B)(kk,j) = B[bOff + kk*brs + j*bcs]; C(i,j) = C[cOff + i*ldc + j]. */
    private void general(
            float[] A,
            int aOff,
            int ars,
            int acs,
            float[] B,
            int bOff,
            int brs,
            int bcs,
            float[] C,
            int cOff,
            int ldc,
            int m,
            int n,
            int k,
            boolean accumulate,
            int[] kEnds,
            int blocks) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate)
                for (int i = 0; i < m; i++) java.util.Arrays.fill(C, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        this.a = A;
        this.aOff = aOff;
        this.ars = ars;
        this.acs = acs;
        this.b = B;
        this.bOff = bOff;
        this.brs = brs;
        this.bcs = bcs;
        this.c = C;
        this.cOff = cOff;
        this.ldc = ldc;
        this.m = m;
        this.n = n;
        // row chunks of at most MB rows, made equal (to a multiple of MR): 128 rows are two chunks of 64,
        // not 72 + 56, which left one thread waiting on every weight-gradient dispatch
        int rowChunks = (m + MB - 1) / MB;
        mb = ((m + rowChunks - 1) / rowChunks + MR - 1) / MR * MR;
        rowChunks = (m + mb - 1) / mb;
        // few row chunks (a weight gradient: m = fan-in, e.g. 128) would leave a thread idle or unevenly
        // loaded, so each row chunk is also split into groups of column strips; every C element is still
        // computed by the same tile code in the same order, so the result does not depend on the split
        groups = rowChunks >= 4 * pool.threads() ? 1 : Math.min(4, (Math.min(NB, n) + NR - 1) / NR);
        computeChunks = rowChunks * groups;
        int need = (m + MR - 1) / MR * MR * Math.min(KB, k);
        int kBlocks = 0;
        for (int bk = 0, end = 0; end < k; bk++) {
            int start = end;
            end = kEnds == null ? Math.min(k, start + KB) : kEnds[bk];
            if (end - start < 0 || end - start > KB)
                throw new IllegalArgumentException(
                        "k-block " + bk + " spans " + (end - start) + " (at most " + KB + ")");
            if (end > start) kBlocks++;
        }
        if (aPack[0].length < need) aPack[0] = new float[need];
        if (kBlocks > 1 && aPack[1].length < need) aPack[1] = new float[need];
        // the steps: k-blocks outermost (A is packed once per k-block, not once per column block too, and each C
        // element receives its k-blocks in ascending order), column blocks within. Each dispatch computes one step
        // and packs the next step's operands beside it into the other buffers: one hand-off per step instead of
        // three (pack A, pack B, compute), and the packing fills the time threads would otherwise wait at the
        // step's end. Every buffer is written by one dispatch and read by the next, never both at once.
        boolean first = true, primed = false;
        int step = 0, kb = -1;
        for (int bk = 0, end = 0; end < k; bk++) {
            int start = end;
            end = kEnds == null ? Math.min(k, start + KB) : kEnds[bk];
            if (end == start) continue;
            kb++;
            boolean storeBlock = first && !accumulate;
            first = false;
            for (int j = 0; j < n; j += NB, step++) {
                nk0 = start;
                nkn = end - start;
                nj0 = j;
                njn = Math.min(NB, n - j);
                naBuf = kb & 1;
                npBuf = step & 1;
                nextStrips = (njn + NR - 1) / NR;
                int packs = nextStrips + (j == 0 ? rowChunks : 0); // a new k-block: its A too
                if (!primed) dispatch(packs, packOnly); // nothing to compute yet
                else dispatch(computeChunks + packs, this); // the step before, and this one's packing
                primed = true;
                k0 = nk0;
                kn = nkn;
                j0 = nj0;
                jn = njn;
                aBuf = naBuf;
                pBuf = npBuf;
                store = storeBlock;
            }
        }
        nextStrips = 0;
        dispatch(computeChunks, this); // the last step, nothing left to pack
        this.a = this.b = this.c = null;
    }

    /**
     * A step of one tile chunk (m ≤ 72 rows and one strip: a small weight gradient over a long batch) runs on the
     * calling thread with its packing: handing three tiny chunks to the workers costs more than they take.
     */
    private void dispatch(int chunks, Parallel.Task t) {
        if (computeChunks > 1) pool.run(chunks, t);
        else for (int c = 0; c < chunks; c++) t.run(c);
    }

    // the first step's operands alone
    private final Parallel.Task packOnly = this::packNext;

    /**
     * Chunk {@code chunk} of a step's dispatch: a tile chunk of the current step, else a strip of the next step's B
     * block, else a row chunk of its A block.
     */
    @Override
    public void run(int chunk, int slot) {
        if (chunk >= computeChunks) {
            packNext(chunk - computeChunks);
            return;
        }
        int rc = chunk / groups, g = chunk % groups;
        int i0 = rc * mb, rows = Math.min(mb, m - i0);
        float[] ap = aPack[aBuf], p = panel[pBuf];
        int strips = (jn + NR - 1) / NR;
        for (int s = g * strips / groups, s1 = (g + 1) * strips / groups; s < s1; s++) {
            int js = j0 + s * NR, w = Math.min(NR, j0 + jn - js), base = s * kn * NR;
            for (int q = 0; q < rows; q += MR) {
                int ao = (i0 + q) * kn, r = Math.min(MR, rows - q), so = slot * MR * NR;
                if (MR == 8) tile8(ap, ao, i0 + q, r, js, w, p, base, kn, store, so);
                else tile(ap, ao, i0 + q, r, js, w, p, base, kn, store, so);
            }
        }
    }

    // pack chunk c of the next step: a strip of its B block, then (at a new k-block) a row chunk of its A block
    private void packNext(int c) {
        if (c < nextStrips) {
            int js = nj0 + c * NR;
            packB(panel[npBuf], c * nkn * NR, js, Math.min(NR, nj0 + njn - js), nk0, nkn);
        } else {
            int rc = c - nextStrips;
            packA(aPack[naBuf], rc * mb * nkn, rc * mb, Math.min(mb, m - rc * mb), nk0, nkn);
        }
    }

    // p[base + kk·NR + j] = op(B)(k0 + kk, js + j) for one strip of NR columns, zero past its w valid ones
    private void packB(float[] p, int base, int js, int w, int k0, int kn) {
        final float[] B = b;
        final int bOff = this.bOff, brs = this.brs, bcs = this.bcs;
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

    // ap[base + q·kn + kk·MR + r] = op(A)(i0 + q + r, k0 + kk) for the micro-panels q = 0, MR, … of rows [i0, i0 +
    // rows), zero past row m
    private void packA(float[] ap, int base, int i0, int rows, int k0, int kn) {
        final float[] A = a;
        final int acs = this.acs, ars = this.ars;
        for (int q = 0; q < rows; q += MR) {
            int rq = Math.min(MR, rows - q), dst = base + q * kn, src = aOff + (i0 + q) * ars + k0 * acs;
            if (acs == 1 && rq == MR) { // nn, nt: rows of A are contiguous in k; write each k's MR values together
                for (int h = 0; h < MR; h += 2) { // two rows at a time
                    int o0 = src + h * ars, o1 = o0 + ars;
                    for (int kk = 0, d = dst + h; kk < kn; kk++, d += MR) {
                        ap[d] = A[o0 + kk];
                        ap[d + 1] = A[o1 + kk];
                    }
                }
            } else if (acs == 1) {
                for (int r = 0; r < rq; r++)
                    for (int kk = 0, o = src + r * ars, d = dst + r; kk < kn; kk++, d += MR) ap[d] = A[o + kk];
            } else if (ars == 1 && rq == MR) { // tn: the MR rows are neighbours within each k, one masked move each
                for (int kk = 0, d = dst, o = src; kk < kn; kk++, d += MR, o += acs)
                    FloatVector.fromArray(SP, A, o, MR_LANES).intoArray(ap, d, MR_LANES);
            } else {
                for (int kk = 0, d = dst; kk < kn; kk++, d += MR)
                    for (int r = 0, o = src + kk * acs; r < rq; r++) ap[d + r] = A[o + r * ars];
            }
            for (int r = rq; r < MR; r++) for (int kk = 0, d = dst + r; kk < kn; kk++, d += MR) ap[d] = 0f;
        }
    }

    // C[i..i+rows, js..js+w) (+)= micro-panel ap[ao..] · the B strip p[base..] over kn; store: the first block (C =,
    // not C +=); so: this thread's spill tile
    private void tile(
            float[] ap, int ao, int i, int rows, int js, int w, float[] p, int base, int kn, boolean store, int so) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int pi = base, ai = ao;
        for (int kk = 0; kk < kn; kk++, pi += NR, ai += MR) {
            FloatVector b0 = FloatVector.fromArray(S, p, pi);
            FloatVector b1 = FloatVector.fromArray(S, p, pi + L);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        int ci = cOff + i * ldc + js;
        final float[] c = this.c;
        if (w == NR && rows == MR && store) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + L);
            ci += ldc;
            c10.intoArray(c, ci);
            c11.intoArray(c, ci + L);
            ci += ldc;
            c20.intoArray(c, ci);
            c21.intoArray(c, ci + L);
            ci += ldc;
            c30.intoArray(c, ci);
            c31.intoArray(c, ci + L);
            ci += ldc;
            c40.intoArray(c, ci);
            c41.intoArray(c, ci + L);
            ci += ldc;
            c50.intoArray(c, ci);
            c51.intoArray(c, ci + L);
        } else if (w == NR
                && rows == MR) { // written out: a FloatVector passed to a helper that is not inlined is boxed
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
            ci += ldc;
            c40.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c41.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
            ci += ldc;
            c50.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c51.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        } else {
            // partial strip or last rows: spill the tile to this thread's scratch and copy the valid part
            float[] t = spill;
            c00.intoArray(t, so);
            c01.intoArray(t, so + L);
            c10.intoArray(t, so + NR);
            c11.intoArray(t, so + NR + L);
            c20.intoArray(t, so + 2 * NR);
            c21.intoArray(t, so + 2 * NR + L);
            c30.intoArray(t, so + 3 * NR);
            c31.intoArray(t, so + 3 * NR + L);
            c40.intoArray(t, so + 4 * NR);
            c41.intoArray(t, so + 4 * NR + L);
            c50.intoArray(t, so + 5 * NR);
            c51.intoArray(t, so + 5 * NR + L);
            for (int r = 0; r < rows; r++, ci += ldc)
                for (int j = 0; j < w; j++) c[ci + j] = store ? t[so + r * NR + j] : c[ci + j] + t[so + r * NR + j];
        }
    }

    // the 8 × 2L tile for 32-register ISAs (AVX-512): 16 accumulators, 8 FMAs per B load instead of 6.
    // (12 × 2L is faster when C2 compiles it, but C1 runs out of registers on it and it can then stay
    // in a boxing tier-2 compile: 2 GFLOP/s.)
    private void tile8(
            float[] ap, int ao, int i, int rows, int js, int w, float[] p, int base, int kn, boolean store, int so) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int pi = base, ai = ao;
        for (int kk = 0; kk < kn; kk++, pi += NR, ai += MR) {
            FloatVector b0 = FloatVector.fromArray(S, p, pi);
            FloatVector b1 = FloatVector.fromArray(S, p, pi + L);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        int ci = cOff + i * ldc + js;
        final float[] c = this.c;
        if (w == NR && rows == MR && store) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + L);
            ci += ldc;
            c10.intoArray(c, ci);
            c11.intoArray(c, ci + L);
            ci += ldc;
            c20.intoArray(c, ci);
            c21.intoArray(c, ci + L);
            ci += ldc;
            c30.intoArray(c, ci);
            c31.intoArray(c, ci + L);
            ci += ldc;
            c40.intoArray(c, ci);
            c41.intoArray(c, ci + L);
            ci += ldc;
            c50.intoArray(c, ci);
            c51.intoArray(c, ci + L);
            ci += ldc;
            c60.intoArray(c, ci);
            c61.intoArray(c, ci + L);
            ci += ldc;
            c70.intoArray(c, ci);
            c71.intoArray(c, ci + L);
        } else if (w == NR && rows == MR) {
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
            ci += ldc;
            c40.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c41.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
            ci += ldc;
            c50.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c51.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
            ci += ldc;
            c60.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c61.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
            ci += ldc;
            c70.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c71.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        } else {
            float[] t = spill;
            c00.intoArray(t, so + 0 * NR);
            c01.intoArray(t, so + 0 * NR + L);
            c10.intoArray(t, so + 1 * NR);
            c11.intoArray(t, so + 1 * NR + L);
            c20.intoArray(t, so + 2 * NR);
            c21.intoArray(t, so + 2 * NR + L);
            c30.intoArray(t, so + 3 * NR);
            c31.intoArray(t, so + 3 * NR + L);
            c40.intoArray(t, so + 4 * NR);
            c41.intoArray(t, so + 4 * NR + L);
            c50.intoArray(t, so + 5 * NR);
            c51.intoArray(t, so + 5 * NR + L);
            c60.intoArray(t, so + 6 * NR);
            c61.intoArray(t, so + 6 * NR + L);
            c70.intoArray(t, so + 7 * NR);
            c71.intoArray(t, so + 7 * NR + L);
            for (int r = 0; r < rows; r++, ci += ldc)
                for (int j = 0; j < w; j++) c[ci + j] = store ? t[so + r * NR + j] : c[ci + j] + t[so + r * NR + j];
        }
    }
}
