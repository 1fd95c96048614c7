package org.grokscope.nn;

/**
 * Receives per-example gradient factors during a backward pass, so a probe can form per-example gradient inner products
 * (the empirical NTK) without materializing per-example gradients. Set on {@link Params#tap}; every layer reports what
 * its parameter gradient is made of. Rows are example-major: a call over {@code rows} rows for a batch of m examples
 * covers r = rows / m rows per example (r positions of a sequence). The per-example gradient of the parameter is then
 *
 * <pre>
 *   dense:      G_i = Σ_t x_itᵀ dy_it           (weight used as y = x·W)
 *   bias:       g_i = Σ_t dy_it
 *   gather:     G_i = Σ_t e_{id_it} ⊗ dy_it     (rows of a table read by id: embeddings, positions)
 *   perExample: g_i given directly (small parameters, e.g. LayerNorm gains)
 * </pre>
 */
public interface GradientTap {
    /** Examples m in the tapped batch. */
    int examples();

    void dense(float[] x, int xOff, int in, float[] dy, int dyOff, int out, int rows);

    void bias(float[] dy, int dyOff, int width, int rows);

    void gather(int[] ids, int idOff, float[] dy, int dyOff, int width, int rows);

    void perExample(float[] g, int width);
}
