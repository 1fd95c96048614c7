package org.grokscope.nn;

import org.grokscope.engine.Act;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;

/**
 * Small convolutional network on images: each example's single token is the index of its row in a frozen feature table
 * [rows, H·W·C] (channels last), as for {@link DenseMlp}. Then per stage l = 1 … L
 *
 * <pre>
 *   a_l = act(conv_l(x_{l−1}))        [n, H_l, W_l, C_l]    k×k, stride 1, same padding (parameters convl.weight/bias)
 *   x_l = maxpool_s(a_l)              [n, H_l/s, W_l/s, C_l] (s = 1: no pooling)
 * </pre>
 *
 * and the flattened x_L (channels last) goes through (Linear, act) × depth → Linear, parameters fc1 … fc{depth}, out,
 * as in {@link DenseStack}; depth 0 is a linear head.
 */
public final class ConvNet implements Model {
    public final int rows, height, width, channels, classes;
    private final float[] table;
    private final Act act;
    private final Conv2d[] convs;
    private final MaxPool2d[] pools;
    private final DenseStack head;
    private final Kernels k;
    private final Params ps = new Params();
    private int cap, lastN;
    private float[][] xs = new float[0][], as = new float[0][], pres = new float[0][];
    private float[] dA = new float[0], dX = new float[0];

    /** @param stages output channels of each conv stage; {@code kernel} odd; {@code poolSize} 1 for none */
    public ConvNet(
            Parallel pool,
            float[] table,
            int rows,
            int height,
            int width,
            int channels,
            int[] stages,
            int kernel,
            int poolSize,
            int hidden,
            int depth,
            int classes,
            Act act) {
        if ((long) rows * height * width * channels != table.length)
            throw new IllegalArgumentException("a feature table of " + table.length + " values is not " + rows + " x "
                    + height + "x" + width + "x" + channels);
        if (stages.length < 1) throw new IllegalArgumentException("a conv net needs at least one stage");
        this.table = table;
        this.rows = rows;
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.classes = classes;
        this.act = act;
        Gemm gemm = new Gemm(pool);
        k = new Kernels(pool);
        convs = new Conv2d[stages.length];
        pools = new MaxPool2d[stages.length];
        int h = height, w = width, c = channels;
        for (int l = 0; l < stages.length; l++) {
            convs[l] = new Conv2d(ps, pool, gemm, k, "conv" + (l + 1), h, w, c, stages[l], kernel);
            c = stages[l];
            pools[l] = poolSize == 1 ? null : new MaxPool2d(pool, h, w, c, poolSize);
            if (pools[l] != null) {
                h = pools[l].oh;
                w = pools[l].ow;
            }
        }
        head = new DenseStack(ps, gemm, k, h * w * c, hidden, depth, classes, act);
        ps.allocate();
    }

    @Override
    public Params params() {
        return ps;
    }

    @Override
    public int seqLen() {
        return 1;
    }

    @Override
    public int vocab() {
        return rows;
    }

    @Override
    public int classes() {
        return classes;
    }

    private int stageOut(int l) {
        return pools[l] == null ? convs[l].outSize() : pools[l].outSize();
    }

    private void reserve(int n) {
        if (n <= cap) return;
        cap = n;
        int L = convs.length, widest = height * width * channels;
        xs = new float[L + 1][];
        as = new float[L][];
        pres = new float[L][];
        xs[0] = new float[n * height * width * channels];
        for (int l = 0; l < L; l++) {
            as[l] = new float[n * convs[l].outSize()];
            if (!act.backwardFromOutput()) pres[l] = new float[n * convs[l].outSize()];
            xs[l + 1] = pools[l] == null ? as[l] : new float[n * stageOut(l)];
            widest = Math.max(widest, convs[l].outSize());
        }
        dA = new float[n * widest];
        dX = new float[n * widest];
    }

    @Override
    public float[] forward(int[] tok, int tokOff, int n) {
        reserve(n);
        int d = height * width * channels;
        for (int i = 0; i < n; i++)
            System.arraycopy(table, tok[tokOff + i] * d, xs[0], i * d, d); // x0[n, H, W, C] = table[tok]
        for (int l = 0; l < convs.length; l++) {
            convs[l].forward(xs[l], as[l], n, act, pres[l]); // a_l[n, H_l, W_l, C_l]
            if (pools[l] != null) pools[l].forward(as[l], xs[l + 1], n); // x_l[n, H_l/s, W_l/s, C_l]
        }
        lastN = n;
        return head.forward(xs[convs.length], n); // logits[n, classes]
    }

    @Override
    public void backward(float[] dlogits) {
        int n = lastN, L = convs.length;
        float[] dx = dX, da = dA;
        head.backward(xs[L], dlogits, dx, n); // dx_L[n, flat]
        for (int l = L - 1; l >= 0; l--) {
            if (pools[l] != null) pools[l].backward(dx, da, n); // da_l: the winners' gradients
            else {
                float[] t = da;
                da = dx;
                dx = t;
            }
            k.actBackward(da, pres[l] != null ? pres[l] : as[l], n * convs[l].outSize(), act);
            convs[l].backward(da, l == 0 ? null : dx, n); // dx_{l-1}; the image is data
        }
    }

    @Override
    public long floatsPerExample() {
        long m = Math.max((long) height * width * channels, head.floatsPerExample());
        for (Conv2d c : convs) m = Math.max(m, Math.max(c.floatsPerExample(), c.outSize()));
        return m;
    }

    @Override
    public double flops(int n, boolean withBackward) {
        double f = 0, back = 0;
        for (int l = 0; l < convs.length; l++) {
            Conv2d c = convs[l];
            double g = 2.0 * n * c.h * c.w * c.patch * c.cout;
            f += g;
            back += l == 0 ? g : 2 * g; // dW, and dx but for the image
        }
        double hf = head.flops(n);
        f += hf;
        back += 2 * hf;
        return withBackward ? f + back : f;
    }
}
