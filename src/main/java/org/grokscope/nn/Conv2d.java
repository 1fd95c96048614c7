package org.grokscope.nn;

import org.grokscope.engine.Act;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;

/**
 * 2-D convolution, stride 1, zero "same" padding (k odd, pad k/2), on channels-last images, as one GEMM over unfolded
 * patches (im2col):
 *
 * <pre>
 *   cols[n·H·W, K]   K = k·k·Cin, column (ky, kx, c) holds x[i, y+ky−p, x+kx−p, c] (0 outside the image)
 *   y[n·H·W, Cout] = act(cols · W + b)            W stored [k, k, Cin, Cout], i.e. [K, Cout]
 * </pre>
 *
 * PyTorch's Conv2d weight [Cout, Cin, k, k] is this one permuted (3, 2, 0, 1). The backward is the GEMM's, then col2im:
 * each example's input gradient is summed by one thread in a fixed order, so results do not depend on the thread count.
 * Rows are example-major, which is what a {@link GradientTap} needs: the per-example weight gradient is Σ over the
 * example's pixels of colsᵀ·dy.
 */
final class Conv2d {
    private static final int EX = 4; // examples per chunk of im2col / col2im
    final int h, w, cin, cout, k, pad, patch;
    final Param weight, bias;
    private final Params ps;
    private final Gemm gemm;
    private final Kernels kern;
    private final Parallel pool;
    private final Unfold unfold = new Unfold();
    private final Fold fold = new Fold();
    private float[] cols = new float[0], dcols = new float[0];

    Conv2d(Params ps, Parallel pool, Gemm gemm, Kernels kern, String name, int h, int w, int cin, int cout, int k) {
        if (k < 1 || k % 2 == 0) throw new IllegalArgumentException("kernel size must be odd, got " + k);
        this.ps = ps;
        this.pool = pool;
        this.gemm = gemm;
        this.kern = kern;
        this.h = h;
        this.w = w;
        this.cin = cin;
        this.cout = cout;
        this.k = k;
        this.pad = k / 2;
        this.patch = k * k * cin;
        weight = ps.add(name + ".weight", Param.Role.WEIGHT, patch, k, k, cin, cout);
        bias = ps.add(name + ".bias", Param.Role.BIAS, patch, cout);
    }

    /** Output values per example (H·W·Cout). */
    int outSize() {
        return h * w * cout;
    }

    /** The largest buffer per example: the unfolded patches. */
    long floatsPerExample() {
        return (long) h * w * patch;
    }

    // x[n, H, W, Cin] -> y[n, H, W, Cout] = act(conv(x) + b); pre (optional) receives conv(x) + b
    void forward(float[] x, float[] y, int n, Act act, float[] pre) {
        int rows = n * h * w;
        if (cols.length < rows * patch) cols = new float[rows * patch];
        unfold.x = x;
        unfold.n = n;
        pool.run((n + EX - 1) / EX, unfold); // cols[n·H·W, K]
        unfold.x = null;
        gemm.nn(cols, 0, ps.w, weight.offset(), y, 0, rows, cout, patch, false); // cols·W
        kern.biasAct(y, 0, ps.w, bias.offset(), pre, rows, cout, act); // act(· + b)
    }

    // dy[n, H, W, Cout] (after the activation's backward) -> dW += colsᵀ·dy, db += Σ dy, dx[n, H, W, Cin] =
    // col2im(dy·Wᵀ)
    // (skipped if dx is null); cols are those of the last forward
    void backward(float[] dy, float[] dx, int n) {
        int rows = n * h * w;
        gemm.tn(cols, 0, dy, 0, ps.g, weight.offset(), patch, cout, rows, true);
        kern.colSumAdd(dy, 0, rows, cout, ps.g, bias.offset());
        if (ps.tap != null) {
            ps.tap.dense(cols, 0, patch, dy, 0, cout, rows);
            ps.tap.bias(dy, 0, cout, rows);
        }
        if (dx == null) return;
        if (dcols.length < rows * patch) dcols = new float[rows * patch];
        gemm.nt(dy, 0, ps.w, weight.offset(), dcols, 0, rows, patch, cout, false); // dcols[n·H·W, K]
        fold.dx = dx;
        fold.n = n;
        pool.run((n + EX - 1) / EX, fold); // dx = col2im(dcols)
        fold.dx = null;
    }

    private final class Unfold implements Parallel.Task {
        float[] x;
        int n;

        @Override
        public void run(int c) {
            int e1 = Math.min(n, (c + 1) * EX), img = h * w * cin;
            for (int e = c * EX; e < e1; e++) {
                int xo = e * img;
                for (int oy = 0; oy < h; oy++)
                    for (int ox = 0; ox < w; ox++) {
                        int r = ((e * h + oy) * w + ox) * patch;
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy + ky - pad, o = r + ky * k * cin;
                            if (iy < 0 || iy >= h) {
                                java.util.Arrays.fill(cols, o, o + k * cin, 0f);
                                continue;
                            }
                            if (ox >= pad
                                    && ox + k - pad
                                            <= w) { // the row of k pixels lies inside: one contiguous run of k·cin
                                // values
                                System.arraycopy(x, xo + (iy * w + ox - pad) * cin, cols, o, k * cin);
                                continue;
                            }
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox + kx - pad, q = o + kx * cin;
                                if (ix < 0 || ix >= w) java.util.Arrays.fill(cols, q, q + cin, 0f);
                                else System.arraycopy(x, xo + (iy * w + ix) * cin, cols, q, cin);
                            }
                        }
                    }
            }
        }
    }

    private final class Fold implements Parallel.Task {
        float[] dx;
        int n;

        @Override
        public void run(int c) {
            int e1 = Math.min(n, (c + 1) * EX), img = h * w * cin;
            for (int e = c * EX; e < e1; e++) {
                int xo = e * img;
                java.util.Arrays.fill(dx, xo, xo + img, 0f);
                for (int oy = 0; oy < h; oy++)
                    for (int ox = 0; ox < w; ox++) {
                        int r = ((e * h + oy) * w + ox) * patch;
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy + ky - pad;
                            if (iy < 0 || iy >= h) continue;
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox + kx - pad;
                                if (ix < 0 || ix >= w) continue;
                                int q = r + (ky * k + kx) * cin, d = xo + (iy * w + ix) * cin;
                                for (int ch = 0; ch < cin; ch++) dx[d + ch] += dcols[q + ch];
                            }
                        }
                    }
            }
        }
    }
}
