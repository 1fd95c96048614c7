package org.grokscope.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.grokscope.engine.Parallel;

/**
 * Max pooling over s×s windows with stride s on channels-last images, rounding the output size down (PyTorch's
 * MaxPool2d(s)): x[n, H, W, C] → y[n, H/s, W/s, C]. The forward keeps each output's winning input (the first maximum in
 * row-major window order, as PyTorch picks); windows do not overlap, so the backward writes every input gradient once
 * and needs no sum.
 */
final class MaxPool2d {
    private static final int EX = 8;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();
    private static final IntVector IOTA = IntVector.zero(IS).addIndex(1);
    final int h, w, c, s, oh, ow;
    private final Parallel pool;
    private final Fwd fwd = new Fwd();
    private final Bwd bwd = new Bwd();
    private int[] arg = new int[0];

    MaxPool2d(Parallel pool, int h, int w, int c, int s) {
        if (s < 1 || s > Math.min(h, w))
            throw new IllegalArgumentException("pool size " + s + " does not fit a " + h + "x" + w + " map");
        this.pool = pool;
        this.h = h;
        this.w = w;
        this.c = c;
        this.s = s;
        this.oh = h / s;
        this.ow = w / s;
    }

    int outSize() {
        return oh * ow * c;
    }

    // x[n, H, W, C] -> y[n, H/s, W/s, C]
    void forward(float[] x, float[] y, int n) {
        if (arg.length < n * outSize()) arg = new int[n * outSize()];
        fwd.x = x;
        fwd.y = y;
        fwd.n = n;
        pool.run((n + EX - 1) / EX, fwd);
        fwd.x = fwd.y = null;
    }

    // dy[n, H/s, W/s, C] -> dx[n, H, W, C] (overwritten: the winners get dy, every other input 0)
    void backward(float[] dy, float[] dx, int n) {
        bwd.dy = dy;
        bwd.dx = dx;
        bwd.n = n;
        pool.run((n + EX - 1) / EX, bwd);
        bwd.dy = bwd.dx = null;
    }

    private final class Fwd implements Parallel.Task {
        float[] x, y;
        int n;

        @Override
        public void run(int chunk) {
            int e1 = Math.min(n, (chunk + 1) * EX), in = h * w * c, out = outSize();
            for (int e = chunk * EX; e < e1; e++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        // the window's pixels in row-major order, each a contiguous run of c channels; a later pixel
                        // wins only
                        // if strictly larger (the first maximum, as PyTorch keeps) or NaN over a number (NaN
                        // propagates)
                        int o = e * out + (oy * ow + ox) * c, first = e * in + ((oy * s) * w + ox * s) * c;
                        int ch = 0;
                        for (;
                                ch + L <= c;
                                ch += L) { // lanes: channels; running max and winner in registers, selects by mask
                            FloatVector m = FloatVector.fromArray(S, x, first + ch);
                            IntVector a = IOTA.add(first + ch);
                            for (int dy = 0; dy < s; dy++)
                                for (int dx = 0; dx < s; dx++) {
                                    if (dy == 0 && dx == 0) continue;
                                    int i = e * in + ((oy * s + dy) * w + ox * s + dx) * c + ch;
                                    FloatVector v = FloatVector.fromArray(S, x, i);
                                    VectorMask<Float> take = v.compare(VectorOperators.GT, m)
                                            .or(v.test(VectorOperators.IS_NAN).andNot(m.test(VectorOperators.IS_NAN)));
                                    m = m.blend(v, take);
                                    a = a.blend(IOTA.add(i), take.cast(IS));
                                }
                            m.intoArray(y, o + ch);
                            a.intoArray(arg, o + ch);
                        }
                        for (; ch < c; ch++) {
                            float m = x[first + ch];
                            int a = first + ch;
                            for (int dy = 0; dy < s; dy++)
                                for (int dx = 0; dx < s; dx++) {
                                    int i = e * in + ((oy * s + dy) * w + ox * s + dx) * c + ch;
                                    float v = x[i];
                                    if (v > m || v != v && m == m) {
                                        m = v;
                                        a = i;
                                    }
                                }
                            y[o + ch] = m;
                            arg[o + ch] = a;
                        }
                    }
        }
    }

    private final class Bwd implements Parallel.Task {
        float[] dy, dx;
        int n;

        @Override
        public void run(int chunk) {
            int e1 = Math.min(n, (chunk + 1) * EX), in = h * w * c, out = outSize();
            for (int e = chunk * EX; e < e1; e++) {
                java.util.Arrays.fill(dx, e * in, (e + 1) * in, 0f);
                for (int o = e * out; o < (e + 1) * out; o++) dx[arg[o]] = dy[o];
            }
        }
    }
}
