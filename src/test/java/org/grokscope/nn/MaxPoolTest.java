package org.grokscope.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.grokscope.engine.Parallel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Max pooling against a plain loop: ties go to the first pixel of the window in row-major order and a NaN wins (as
 * PyTorch's MaxPool2d), for channel counts below, at and above a vector's lanes, and odd map sizes that drop a row.
 */
class MaxPoolTest {
    @ParameterizedTest
    @CsvSource({"3,2,7,6", "16,2,6,6", "19,3,7,8", "33,2,5,4"})
    void matchesAPlainLoopWithTiesAndNaN(int c, int s, int h, int w) {
        int n = 5;
        float[] x = new float[n * h * w * c];
        java.util.Random r = new java.util.Random(c * 31 + s);
        for (int i = 0; i < x.length; i++)
            x[i] = switch (r.nextInt(6)) {
                case 0, 1 -> 0f;
                case 2 -> 1f;
                case 3 -> Float.NaN;
                default -> (float) r.nextGaussian();
            };
        try (Parallel pool = new Parallel(2)) {
            MaxPool2d p = new MaxPool2d(pool, h, w, c, s);
            float[] y = new float[n * p.outSize()], dy = new float[y.length], dx = new float[x.length];
            p.forward(x, y, n);
            for (int i = 0; i < dy.length; i++) dy[i] = i + 1;
            p.backward(dy, dx, n);
            float[] wantDx = new float[x.length];
            for (int e = 0; e < n; e++)
                for (int oy = 0; oy < h / s; oy++)
                    for (int ox = 0; ox < w / s; ox++)
                        for (int ch = 0; ch < c; ch++) {
                            int best = -1;
                            for (int a = 0; a < s; a++)
                                for (int b = 0; b < s; b++) {
                                    int i = ((e * h + oy * s + a) * w + ox * s + b) * c + ch;
                                    if (best < 0 || x[i] > x[best] || Float.isNaN(x[i]) && !Float.isNaN(x[best]))
                                        best = i;
                                }
                            int o = ((e * (h / s) + oy) * (w / s) + ox) * c + ch;
                            assertThat(Float.floatToRawIntBits(y[o]))
                                    .as("y[%d]", o)
                                    .isEqualTo(Float.floatToRawIntBits(x[best]));
                            wantDx[best] = dy[o];
                        }
            assertThat(dx).containsExactly(wantDx);
        }
    }
}
