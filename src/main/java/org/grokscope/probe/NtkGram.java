package org.grokscope.probe;

import org.grokscope.engine.Gemm;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.GradientTap;
import org.grokscope.nn.Model;
import org.grokscope.nn.Params;

/**
 * The empirical neural tangent kernel Θ[i, j] = ∇θ f_{c_i}(x_i) · ∇θ f_{c_j}(x_j) over m examples, where
 * c_i is the output coordinate read for example i (the first logit, as Mohamadi et al., or the true
 * class). One forward and one backward over the m examples with dlogits = one-hot(c_i) gives every
 * layer's per-example factors; each parameter then adds its Gram contribution from them, e.g. a linear
 * layer used at r positions adds Σ_{t,s} (x_it·x_js)(dy_it·dy_js), so no per-example gradient of the
 * whole model is ever formed. Cost: one batched forward/backward plus, per layer, r² GEMMs of m × m.
 * The model's gradient buffer is left as it was.
 */
public final class NtkGram implements GradientTap {
    private final Gemm gemm;
    private int m;
    private double flops;
    private double[] theta;
    private float[] a = new float[0], b = new float[0], ga = new float[0], gb = new float[0];

    public NtkGram(Parallel pool) {
        this.gemm = new Gemm(pool);
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
        for (int t = 0; t < r; t++)
            for (int s = 0; s < r; s++) {
                gramOf(x, xOff, in, r, t, s, ga);      // ga[i, j] = x_it · x_js
                gramOf(dy, dyOff, out, r, t, s, gb);   // gb[i, j] = dy_it · dy_js
                for (int q = 0; q < m * m; q++) theta[q] += (double) ga[q] * gb[q];
            }
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
        for (int t = 0; t < r; t++)
            for (int s = 0; s < r; s++) {
                gramOf(dy, dyOff, width, r, t, s, gb);
                for (int i = 0; i < m; i++) {
                    int idi = ids[idOff + i * r + t];
                    for (int j = 0; j < m; j++) if (ids[idOff + j * r + s] == idi) theta[i * m + j] += gb[i * m + j];
                }
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
        if (r == 1) { gemm.nt(src, off, src, off, out, 0, m, m, w, false); return; }
        for (int e = 0; e < m; e++) {
            System.arraycopy(src, off + (e * r + t) * w, a, e * w, w);
            System.arraycopy(src, off + (e * r + s) * w, b, e * w, w);
        }
        gemm.nt(a, 0, b, 0, out, 0, m, m, w, false);
    }

    // scratch for m × m Grams and m rows of width w
    private void ensure(int w) {
        int n = Math.max(m * m, m * w);
        if (ga.length < n) { ga = new float[n]; gb = new float[n]; }
        if (a.length < n) { a = new float[n]; b = new float[n]; }
    }
}
