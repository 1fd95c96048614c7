package org.grokscope.nn;

import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;
import org.grokscope.engine.TokenIndex;

/** Token embedding plus an optional learned positional embedding: x[n, t, :] = E[tok[n, t]] + P[t]. */
public final class Embedding {
    private static final int ROWS = 64;
    public final int vocab, d, T;
    public final Param table, pos; // pos may be null
    private final Params ps;
    private final Parallel pool;
    private final Kernels k;
    private final TokenIndex index;
    private final Fwd fwd = new Fwd();

    public Embedding(Params ps, Parallel pool, Kernels k, String name, int vocab, int d, int T, boolean positional) {
        this.ps = ps; this.pool = pool; this.k = k; this.vocab = vocab; this.d = d; this.T = T;
        table = ps.add(name + ".weight", Param.Role.EMBEDDING, d, vocab, d);
        pos = positional ? ps.add(name + ".pos", Param.Role.EMBEDDING, d, T, d) : null;
        index = new TokenIndex(vocab);
    }

    // tok[n, T] -> x[n, T, d]
    public void forward(int[] tok, int tokOff, int n, float[] x) {
        fwd.tok = tok; fwd.tokOff = tokOff; fwd.rows = n * T; fwd.x = x;
        pool.run((n * T + ROWS - 1) / ROWS, fwd);
    }

    // dx[n, T, d] -> dE (scatter-add by token), dP[t] += Σ_n dx[n, t]
    public void backward(int[] tok, int tokOff, int n, float[] dx) {
        index.build(tok, tokOff, 1, 0, n * T);
        k.scatterAdd(index, dx, 0, d, d, ps.g, table.offset());
        if (pos != null) for (int t = 0; t < T; t++) k.colSumAdd(dx, t * d, n, d, T * d, ps.g, pos.offset() + t * d);
        if (ps.tap != null) {
            ps.tap.gather(tok, tokOff, dx, 0, d, n * T);
            if (pos != null) {
                int[] position = new int[n * T];
                for (int r = 0; r < n * T; r++) position[r] = r % T;
                ps.tap.gather(position, 0, dx, 0, d, n * T);
            }
        }
    }

    private final class Fwd implements Parallel.Task {
        int[] tok; int tokOff, rows; float[] x;

        @Override
        public void run(int c) {
            float[] w = ps.w;
            int r1 = Math.min(rows, (c + 1) * ROWS);
            for (int r = c * ROWS; r < r1; r++) {
                int src = table.offset() + tok[tokOff + r] * d, o = r * d;
                if (pos == null) System.arraycopy(w, src, x, o, d);
                else {
                    int po = pos.offset() + (r % T) * d;
                    for (int j = 0; j < d; j++) x[o + j] = w[src + j] + w[po + j];
                }
            }
        }
    }
}
