package org.grokscope.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The three GEMM forms against a double-precision triple loop, on shapes that hit every tail path. */
class GemmTest {
    static final Parallel POOL = new Parallel(2);

    @AfterAll
    static void close() {
        POOL.close();
    }

    static float[] random(int n, long seed) {
        Rng r = new Rng(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,5,7", "4,16,16", "5,17,33", "64,113,128", "67,512,300", "130,257,513", "7,1,600"})
    void allFormsMatchNaive(int m, int n, int k) {
        Gemm g = new Gemm(POOL);
        float[] a = random(m * k, 1), b = random(k * n, 2), at = new float[k * m], bt = new float[n * k];
        for (int i = 0; i < m; i++) for (int kk = 0; kk < k; kk++) at[kk * m + i] = a[i * k + kk];
        for (int kk = 0; kk < k; kk++) for (int j = 0; j < n; j++) bt[j * k + kk] = b[kk * n + j];
        double[] ref = new double[m * n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
            double s = 0;
            for (int kk = 0; kk < k; kk++) s += (double) a[i * k + kk] * b[kk * n + j];
            ref[i * n + j] = s;
        }
        float[] c = new float[m * n + 3];
        g.nn(a, 0, b, 0, c, 1, m, n, k, false);
        check(ref, c, 1, k, "nn");
        java.util.Arrays.fill(c, 0f);
        g.tn(at, 0, b, 0, c, 1, m, n, k, false);
        check(ref, c, 1, k, "tn");
        java.util.Arrays.fill(c, 0f);
        g.nt(a, 0, bt, 0, c, 1, m, n, k, false);
        check(ref, c, 1, k, "nt");
        // accumulate adds onto what is there, and never writes outside C
        float[] acc = new float[m * n + 3];
        java.util.Arrays.fill(acc, 1f);
        g.nn(a, 0, b, 0, acc, 1, m, n, k, true);
        for (int i = 0; i < m * n; i++) ref[i] += 1;
        check(ref, acc, 1, k, "nn accumulate");
        assertThat(acc[0]).isEqualTo(1f);
        assertThat(acc[m * n + 1]).isEqualTo(1f);
    }

    static void check(double[] ref, float[] c, int off, int k, String form) {
        for (int i = 0; i < ref.length; i++) {
            assertThat((double) c[off + i]).as("%s element %d", form, i).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-5 * k + 1e-5 * Math.abs(ref[i])));
        }
    }
}
