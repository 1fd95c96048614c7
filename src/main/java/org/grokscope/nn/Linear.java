package org.grokscope.nn;

import org.grokscope.engine.Act;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Kernels;

/**
 * Fully connected layer. Weight stored [in, out] (the transpose of PyTorch's nn.Linear.weight) so the forward pass is a
 * plain NN GEMM over contiguous rows.
 */
public final class Linear {
    public final int in, out;
    public final Param weight, bias; // bias may be null
    private final Params ps;
    private final Gemm gemm;
    private final Kernels k;

    public Linear(Params ps, Gemm gemm, Kernels k, String name, int in, int out, boolean bias) {
        this(ps, gemm, k, name, in, out, bias, Param.Role.WEIGHT);
    }

    /** {@code role} of the weight (UNEMBEDDING for a transformer's output map). */
    public Linear(Params ps, Gemm gemm, Kernels k, String name, int in, int out, boolean bias, Param.Role role) {
        this(ps, gemm, k, name, in, out, bias, role, Param.Role.BIAS);
    }

    /** The roles of the weight and of the bias (an attention's projections). */
    public Linear(
            Params ps,
            Gemm gemm,
            Kernels k,
            String name,
            int in,
            int out,
            boolean bias,
            Param.Role role,
            Param.Role biasRole) {
        this.ps = ps;
        this.gemm = gemm;
        this.k = k;
        this.in = in;
        this.out = out;
        this.weight = ps.add(name + ".weight", role, in, in, out);
        this.bias = bias ? ps.add(name + ".bias", biasRole, in, out) : null;
    }

    // x[n, in] -> y[n, out] = act(x·W + b); pre (optional, [n, out]) receives x·W + b
    public void forward(float[] x, int xOff, float[] y, int yOff, int n, Act act, float[] pre) {
        gemm.nn(x, xOff, ps.w, weight.offset(), y, yOff, n, out, in, false);
        if (bias != null || act != Act.IDENTITY || pre != null) {
            k.biasAct(y, yOff, bias == null ? null : ps.w, bias == null ? 0 : bias.offset(), pre, n, out, act);
        }
    }

    // dy[n, out] -> dW += xᵀ·dy, db += Σ dy, dx[n, in] (= or +=) dy·Wᵀ (skipped if dx is null)
    public void backward(
            float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, boolean accumulateDx) {
        backward(x, xOff, dy, dyOff, dx, dxOff, n, accumulateDx, null, 0);
    }

    /**
     * As above, with the weight gradient's sum over the n rows taken in the k-blocks given (see {@link Gemm#tn}); null:
     * the regular blocks.
     */
    public void backward(
            float[] x,
            int xOff,
            float[] dy,
            int dyOff,
            float[] dx,
            int dxOff,
            int n,
            boolean accumulateDx,
            int[] kEnds,
            int blocks) {
        if (kEnds == null) gemm.tn(x, xOff, dy, dyOff, ps.g, weight.offset(), in, out, n, true);
        else gemm.tn(x, xOff, dy, dyOff, ps.g, weight.offset(), in, out, n, true, kEnds, blocks);
        if (bias != null) k.colSumAdd(dy, dyOff, n, out, ps.g, bias.offset());
        if (ps.tap != null) {
            ps.tap.dense(x, xOff, in, dy, dyOff, out, n);
            if (bias != null) ps.tap.bias(dy, dyOff, out, n);
        }
        if (dx != null) gemm.nt(dy, dyOff, ps.w, weight.offset(), dx, dxOff, n, in, out, accumulateDx);
    }
}
