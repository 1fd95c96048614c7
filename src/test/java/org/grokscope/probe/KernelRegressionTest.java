package org.grokscope.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelRegressionTest {
    @Test
    void choleskySolvesAndInterpolatesTheTrainingSet() {
        int n = 30, d = 40, m = n + 10, C = 3;
        Random r = new Random(1);
        double[][] x = new double[m][d];
        int[] y = new int[m];
        for (int i = 0; i < m; i++) {
            y[i] = i % C;
            for (int j = 0; j < d; j++) x[i][j] = r.nextGaussian() + (j == y[i] ? 4 : 0);
        }
        double[] K = new double[m * m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int q = 0; q < d; q++) s += x[i][q] * x[j][q];
                K[i * m + j] = s;
            }
        double[] L = KernelRegression.cholesky(K, m, n, 0);
        assertThat(L).isNotNull();
        double[] b = new double[n], sol = new double[n];
        for (int i = 0; i < n; i++) b[i] = r.nextGaussian();
        System.arraycopy(b, 0, sol, 0, n);
        KernelRegression.solve(L, n, sol);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += K[i * m + j] * sol[j];
            assertThat(s).isCloseTo(b[i], within(1e-8));
        }
        KernelRegression.Result res = KernelRegression.fitAndTest(K, m, n, y, C, 1e-10);
        assertThat(res.trainAccuracy()).isEqualTo(1.0); // ridgeless regression interpolates (n < d: full rank)
        assertThat(res.accuracy()).isGreaterThan(0.7); // separable clusters generalize
        assertThat(res.test()).isEqualTo(10);
    }

    @Test
    void singularKernelGetsALargerRidge() {
        int m = 6, n = 4;
        double[] K = new double[m * m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) K[i * m + j] = 1; // rank one
        KernelRegression.Result res = KernelRegression.fitAndTest(K, m, n, new int[] {0, 1, 0, 1, 0, 1}, 2, 1e-20);
        assertThat(res.ridgeUsed()).isGreaterThan(1e-19); // 1 + 1e-20 rounds to 1: the first factorization fails
    }
}
