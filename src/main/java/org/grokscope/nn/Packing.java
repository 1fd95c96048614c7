package org.grokscope.nn;

import org.grokscope.engine.Gemm;

/**
 * Which rows of a padded token batch tok[n, T] a text model computes, packed one example after another (padding
 * dropped, as "unpadded" BERT implementations do): row r is padded position rows[r], token ids[r] at position at[r];
 * example e owns rows start[e] .. start[e+1]; keyOn[r] is 0 where the token is padding (id 0). Position 0 is always
 * kept (the [CLS] query reads it). Dropping padding changes no result: padding keys are masked out of every attention,
 * so their rows' gradients are exact zeros, and sums over rows skip only zero terms. Sums over rows that the engine
 * takes in blocks (weight gradients) get {@link #kEnds}: the blocks end where the padded rows' blocks ended, so every
 * sum is the padded computation's, bit for bit. With {@code keepAll} every row is kept (a gradient tap reads T rows per
 * example). Reused across batches; arrays grow, never shrink.
 */
final class Packing {
    int count; // packed rows
    boolean all; // every padded row kept: row r is padded row r
    int[] rows = new int[0], ids = new int[0], at = new int[0], start = new int[1];
    float[] keyOn = new float[0];
    int[] kEnds = new int[0];
    int blocks;
    private int[] cls = new int[1];

    void build(int[] tok, int tokOff, int n, int T, boolean keepAll) {
        int cap = n * T;
        if (rows.length < cap) {
            rows = new int[cap];
            ids = new int[cap];
            at = new int[cap];
            keyOn = new float[cap];
        }
        if (start.length < n + 1) start = new int[n + 1];
        int kb = Gemm.K_BLOCK, nb = (cap + kb - 1) / kb;
        if (kEnds.length < nb) kEnds = new int[nb];
        int c = 0;
        for (int e = 0; e < n; e++) {
            start[e] = c;
            for (int t = 0; t < T; t++) {
                int p = e * T + t, id = tok[tokOff + p];
                if (id == 0 && t > 0 && !keepAll) continue;
                rows[c] = p;
                ids[c] = id;
                at[c] = t;
                keyOn[c] = id != 0 ? 1f : 0f;
                c++;
            }
        }
        start[n] = c;
        count = c;
        all = c == cap;
        // block b of the padded rows is [b·kb, (b+1)·kb): it ends, packed, at the number of kept rows before (b+1)·kb
        blocks = nb;
        for (int b = 0, r = 0; b < nb; b++) {
            int end = Math.min(cap, (b + 1) * kb);
            while (r < c && rows[r] < end) r++;
            kEnds[b] = r;
        }
    }

    /** Row starts of n examples with one row each (the [CLS] queries): 0, 1, …, n. */
    int[] oneEach(int n) {
        if (cls.length < n + 1) {
            cls = new int[n + 1];
            for (int e = 0; e <= n; e++) cls[e] = e;
        }
        return cls;
    }
}
