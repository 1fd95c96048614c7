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
    private final TokenIndex index, posIndex;
    private final Fwd fwd = new Fwd();

    public Embedding(Params ps, Parallel pool, Kernels k, String name, int vocab, int d, int T, boolean positional) {
        this.ps = ps;
        this.pool = pool;
        this.k = k;
        this.vocab = vocab;
        this.d = d;
        this.T = T;
        table = ps.add(name + ".weight", Param.Role.EMBEDDING, d, vocab, d);
        pos = positional ? ps.add(name + ".pos", Param.Role.EMBEDDING, d, T, d) : null;
        index = new TokenIndex(vocab);
        posIndex = new TokenIndex(T);
    }

    // tok[n, T] -> x[n, T, d]
    public void forward(int[] tok, int tokOff, int n, float[] x) {
        forward(tok, tokOff, null, n * T, x);
    }

    // packed rows (padding dropped): ids[rows], at positions at[rows] (null: row r at r % T) -> x[rows, d]
    public void forward(int[] ids, int idOff, int[] at, int rows, float[] x) {
        fwd.tok = ids;
        fwd.tokOff = idOff;
        fwd.at = at;
        fwd.rows = rows;
        fwd.x = x;
        pool.run((rows + ROWS - 1) / ROWS, fwd);
        fwd.tok = fwd.at = null;
        fwd.x = null;
    }

    /**
     * The packed rows' backward: dE scatter-added by id, dP[t] += the rows at position t summed in row order (the
     * padded backward's bits: padding rows carry zero gradients). Not with a gradient tap.
     */
    public void backward(int[] ids, int[] at, int rows, float[] dx) {
        if (ps.tap != null) throw new IllegalStateException("a gradient tap needs the padded rows");
        index.build(ids, 0, 1, 0, rows);
        k.scatterAdd(index, dx, 0, d, d, ps.g, table.offset());
        if (pos != null) k.scatterSumAdd(posIndex.build(at, 0, 1, 0, rows), dx, 0, d, d, ps.g, pos.offset());
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
        int[] tok, at;
        int tokOff, rows;
        float[] x;

        @Override
        public void run(int c) {
            float[] w = ps.w;
            int r1 = Math.min(rows, (c + 1) * ROWS);
            for (int r = c * ROWS; r < r1; r++) {
                int src = table.offset() + tok[tokOff + r] * d, o = r * d;
                if (pos == null) System.arraycopy(w, src, x, o, d);
                else {
                    int po = pos.offset() + (at == null ? r % T : at[r]) * d;
                    for (int j = 0; j < d; j++) x[o + j] = w[src + j] + w[po + j];
                }
            }
        }
    }
}
