package org.grokscope.engine;

/**
 * For one token column of a batch, the rows holding each token value, grouped by value in ascending row order (a
 * counting sort). Scatter-adds into embedding tables walk it so that every table row is written by one thread, in a
 * fixed order. Rebuilding reuses the arrays.
 */
public final class TokenIndex {
    private final int vocab;
    private final int[] start;
    private int[] rows = new int[0];

    public TokenIndex(int vocab) {
        this.vocab = vocab;
        this.start = new int[vocab + 1];
    }

    /** Index column t of tok[tokOff + r*T + t] for r in [0, n). */
    public TokenIndex build(int[] tok, int tokOff, int T, int t, int n) {
        if (rows.length < n) rows = new int[n];
        java.util.Arrays.fill(start, 0);
        for (int r = 0; r < n; r++) {
            int v = tok[tokOff + r * T + t];
            if (v < 0 || v >= vocab)
                throw new IllegalArgumentException("token " + v + " outside vocabulary of " + vocab);
            start[v + 1]++;
        }
        for (int v = 0; v < vocab; v++) start[v + 1] += start[v];
        // fill using a moving cursor per value; start[v] is restored afterwards
        for (int r = 0; r < n; r++) {
            int v = tok[tokOff + r * T + t];
            rows[start[v]++] = r;
        }
        for (int v = vocab; v > 0; v--) start[v] = start[v - 1];
        start[0] = 0;
        return this;
    }

    public int vocab() {
        return vocab;
    }

    /** rows()[start()[v] .. start()[v+1]) are the rows holding value v. */
    public int[] start() {
        return start;
    }

    public int[] rows() {
        return rows;
    }
}
