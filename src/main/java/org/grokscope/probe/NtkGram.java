package org.grokscope.probe;

import org.grokscope.engine.Gemm;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.GradientTap;
import org.grokscope.nn.Model;
import org.grokscope.nn.Params;

/**
 * The empirical neural tangent kernel Θ[i, j] = ∇θ f_{c_i}(x_i) · ∇θ f_{c_j}(x_j) over m examples, where c_i is the
 * output coordinate read for example i (the first logit, as Mohamadi et al., or the true class). One forward and one
 * backward over the m examples with dlogits = one-hot(c_i) gives every layer's per-example factors; each parameter then
 * adds its Gram contribution from them, e.g. a linear layer used at r positions adds Σ_{t,s} (x_it·x_js)(dy_it·dy_js),
 * so no per-example gradient of the whole model is ever formed. Cost: one batched forward/backward plus, per layer, r²
 * GEMMs of m × m. When r is long (text: 256 positions) that is r² = 65,536 Gram pairs per layer; such a layer instead
 * forms its own per-example weight gradients G_i = Σ_t x_itᵀ dy_it (m × in × out floats, one layer at a time) and adds
 * G·Gᵀ, whichever route counts fewer FLOPs (for the paper's encoder, ~100× fewer). The model's gradient buffer is left
 * as it was.
 */
public final class NtkGram implements GradientTap {
    /** How a linear layer's contribution is formed: by position pairs, by per-example gradients, or the cheaper. */
    public enum Route {
        AUTO,
        PAIRS,
        GRADIENTS
    }

    private static final long MAX_GRADIENT_FLOATS = 1L << 26; // 256 MB of per-example layer gradients at most
    private final Gemm gemm;
    private final Route route;
    private float[] pg = new float[0];
    private long[] keys = new long[0];
    private int[] ex = new int[0];
    private int m;
    private double flops;
    private double[] theta;
    private float[] a = new float[0], b = new float[0], ga = new float[0], gb = new float[0];

    public NtkGram(Parallel pool) {
        this(pool, Route.AUTO);
    }

    public NtkGram(Parallel pool, Route route) {
        this.gemm = new Gemm(pool);
        this.route = route;
    }

    /** Θ[m, m] (row-major) for examples tok[off .., m × seqLen] reading output coordinate outputs[i]. */
    public double[] compute(Model model, int[] tok, int off, int m, int[] outputs) {
        Params ps = model.params();
        float[] savedGrad = ps.g.clone();
        this.m = m;
        theta = new double[m * m];
        flops = model.flops(m, true);
        ps.tap = this;
        try {
            model.forward(tok, off, m);
            int C = model.classes();
            float[] seed = new float[m * C];
            for (int i = 0; i < m; i++) seed[i * C + outputs[i]] = 1f;
            model.backward(seed);
        } finally {
            ps.tap = null;
            System.arraycopy(savedGrad, 0, ps.g, 0, savedGrad.length);
        }
        return theta;
    }

    /** FLOPs of the last {@link #compute}: the forward/backward estimate plus every Gram GEMM counted. */
    public double flops() {
        return flops;
    }

    @Override
    public int examples() {
        return m;
    }

    @Override
    public void dense(float[] x, int xOff, int in, float[] dy, int dyOff, int out, int rows) {
        int r = rows / m;
        ensure(Math.max(in, out));
        if (byGradients(r, in, out)) {
            denseByGradients(x, xOff, in, dy, dyOff, out, r);
            return;
        }
        for (int t = 0; t < r; t++)
            for (int s = 0; s < r; s++) {
                gramOf(x, xOff, in, r, t, s, ga); // ga[i, j] = x_it · x_js
                gramOf(dy, dyOff, out, r, t, s, gb); // gb[i, j] = dy_it · dy_js
                for (int q = 0; q < m * m; q++) theta[q] += (double) ga[q] * gb[q];
            }
    }

    private boolean byGradients(int r, int in, int out) {
        if (route != Route.AUTO) return route == Route.GRADIENTS;
        double w = (double) in * out;
        double pairs = (double) r * r * 2.0 * m * m * (in + out), grads = 2.0 * m * r * w + 2.0 * m * m * w;
        return grads < pairs && (long) m * in * out <= MAX_GRADIENT_FLOATS;
    }

    // Θ += G·Gᵀ with G[i] = Σ_t x_itᵀ dy_it, the layer's per-example weight gradient (in × out)
    private void denseByGradients(float[] x, int xOff, int in, float[] dy, int dyOff, int out, int r) {
        int w = in * out;
        if (pg.length < m * w) pg = new float[m * w];
        for (int e = 0; e < m; e++)
            gemm.tn(x, xOff + e * r * in, dy, dyOff + e * r * out, pg, e * w, in, out, r, false);
        gemm.nt(pg, 0, pg, 0, ga, 0, m, m, w, false);
        flops += 2.0 * m * r * w + 2.0 * m * m * w;
        for (int q = 0; q < m * m; q++) theta[q] += ga[q];
    }

    @Override
    public void bias(float[] dy, int dyOff, int width, int rows) {
        int r = rows / m;
        float[] g = new float[m * width];
        for (int e = 0; e < m; e++)
            for (int t = 0; t < r; t++) {
                int o = dyOff + (e * r + t) * width;
                for (int j = 0; j < width; j++) g[e * width + j] += dy[o + j];
            }
        perExample(g, width);
    }

    @Override
    public void gather(int[] ids, int idOff, float[] dy, int dyOff, int width, int rows) {
        int r = rows / m;
        ensure(width);
        if (route == Route.GRADIENTS || (route == Route.AUTO && r >= 16)) {
            gatherByIds(ids, idOff, dy, dyOff, width, r);
            return;
        }
        for (int t = 0; t < r; t++)
            for (int s = 0; s < r; s++) {
                gramOf(dy, dyOff, width, r, t, s, gb);
                for (int i = 0; i < m; i++) {
                    int idi = ids[idOff + i * r + t];
                    for (int j = 0; j < m; j++) if (ids[idOff + j * r + s] == idi) theta[i * m + j] += gb[i * m + j];
                }
            }
    }

    // Θ[i, j] += Σ_v H_i[v]·H_j[v] with H_i[v] = Σ_{t: id_it = v} dy_it: the (example, position) rows
    // sorted by id, summed per example within an id, and one Gram GEMM per id over the examples using it
    private void gatherByIds(int[] ids, int idOff, float[] dy, int dyOff, int width, int r) {
        int rows = m * r;
        if (keys.length < rows) keys = new long[rows];
        for (int q = 0; q < rows; q++) keys[q] = (long) ids[idOff + q] * rows + q; // by id, then by example
        java.util.Arrays.sort(keys, 0, rows);
        if (ex.length < m) ex = new int[m];
        for (int g0 = 0; g0 < rows; ) {
            long id = keys[g0] / rows;
            int g1 = g0;
            while (g1 < rows && keys[g1] / rows == id) g1++;
            int k = 0; // examples in this id's group; their summed rows go to a[k * width ..]
            int last = -1;
            for (int q = g0; q < g1; q++) {
                int row = (int) (keys[q] % rows), e = row / r;
                if (e != last) {
                    ex[k] = e;
                    java.util.Arrays.fill(a, k * width, (k + 1) * width, 0f);
                    k++;
                    last = e;
                }
                int o = (k - 1) * width, src = dyOff + row * width;
                for (int j = 0; j < width; j++) a[o + j] += dy[src + j];
            }
            gemm.nt(a, 0, a, 0, gb, 0, k, k, width, false);
            flops += 2.0 * k * k * width;
            for (int x = 0; x < k; x++) for (int y = 0; y < k; y++) theta[ex[x] * m + ex[y]] += gb[x * k + y];
            g0 = g1;
        }
    }

    @Override
    public void perExample(float[] g, int width) {
        ensure(width);
        gemm.nt(g, 0, g, 0, ga, 0, m, m, width, false);
        flops += 2.0 * m * m * width;
        for (int q = 0; q < m * m; q++) theta[q] += ga[q];
    }

    // out[i, j] = row(i·r + t) · row(j·r + s) of src[rows, w]
    private void gramOf(float[] src, int off, int w, int r, int t, int s, float[] out) {
        flops += 2.0 * m * m * w;
        if (r == 1) {
            gemm.nt(src, off, src, off, out, 0, m, m, w, false);
            return;
        }
        for (int e = 0; e < m; e++) {
            System.arraycopy(src, off + (e * r + t) * w, a, e * w, w);
            System.arraycopy(src, off + (e * r + s) * w, b, e * w, w);
        }
        gemm.nt(a, 0, b, 0, out, 0, m, m, w, false);
    }

    // scratch for m × m Grams and m rows of width w
    private void ensure(int w) {
        int n = Math.max(m * m, m * w);
        if (ga.length < n) {
            ga = new float[n];
            gb = new float[n];
        }
        if (a.length < n) {
            a = new float[n];
            b = new float[n];
        }
    }
}
