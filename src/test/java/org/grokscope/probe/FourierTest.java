package org.grokscope.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.QuadraticNet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FourierTest {
    static final Parallel POOL = new Parallel(2);

    @AfterAll
    static void close() {
        POOL.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 5, 12, 13})
    void basisIsOrthonormal(int p) {
        Fourier f = new Fourier(p);
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++) {
                double dot = 0;
                for (int x = 0; x < p; x++) dot += f.basis(i, x) * f.basis(j, x);
                assertThat(dot).isCloseTo(i == j ? 1 : 0, within(1e-12));
            }
    }

    @Test
    void normsFindThePlantedFrequencyAndGiniMeasuresSparsity() {
        int p = 13, d = 4;
        float[] emb = new float[p * d];
        for (int x = 0; x < p; x++) {
            emb[x * d] = (float) Math.cos(2 * Math.PI * 3 * x / p);
            emb[x * d + 1] = (float) Math.sin(2 * Math.PI * 3 * x / p);
            emb[x * d + 2] = 0.1f * (float) Math.cos(2 * Math.PI * 5 * x / p);
        }
        double[] n = new Fourier(p).norms(emb, 0, p, d, true);
        assertThat(n[3]).isCloseTo(Math.sqrt(p), within(1e-5)); // two unit-amplitude waves: ‖·‖² = p/2 each
        assertThat(n[5]).isCloseTo(0.1 * Math.sqrt(p / 2.0), within(1e-5));
        assertThat(n[1]).isCloseTo(0, within(1e-5));
        assertThat(Fourier.keyFrequencies(n, 0.25)).containsExactly(3);
        assertThat(Fourier.keyFrequencies(n, 0.01)).containsExactly(3, 5);
        double[] flat = {7, 1, 1, 1, 1, 1, 1};
        double[] one = {7, 0, 0, 0, 5, 0, 0};
        assertThat(Fourier.gini(flat)).isCloseTo(0, within(1e-12));
        assertThat(Fourier.gini(one)).isCloseTo(1 - 1.0 / 6, within(1e-12));
    }

    /** Logits that are exactly a key-frequency function of x + y: restricted keeps them, excluded removes them. */
    @Test
    void restrictedAndExcludedLossesSeparateTheKeyFrequencies() {
        int p = 11;
        float[] logits = new float[p * p * p];
        for (int x = 0; x < p; x++)
            for (int y = 0; y < p; y++)
                for (int c = 0; c < p; c++)
                    logits[(x * p + y) * p + c] = (float)
                            (4 * Math.cos(2 * Math.PI * 2 * (x + y - c) / p) + 0.5 + (x == 0 && c == 0 ? 1 : 0));
        double[][] re = new Fourier(p).restrictedAndExcluded(logits, List.of(2));
        int[] rows = new int[p * p], y = new int[p * p];
        for (int i = 0; i < p * p; i++) {
            rows[i] = i;
            y[i] = (i / p + i % p) % p;
        }
        double full = crossEntropyOf(logits, p, rows, y);
        double restricted = Fourier.crossEntropy(re[0], p, rows, y), excluded = Fourier.crossEntropy(re[1], p, rows, y);
        assertThat(restricted).isLessThan(full + 0.05); // keeps the signal (minus a little noise)
        assertThat(excluded).isGreaterThan(Math.log(p) - 0.1); // nothing left but the noise: about chance
        double[] none = new Fourier(p).restrictedAndExcluded(logits, List.of())[1];
        assertThat(Fourier.crossEntropy(none, p, rows, y)).isCloseTo(full, within(1e-6));
    }

    static double crossEntropyOf(float[] l, int C, int[] rows, int[] y) {
        double[] d = new double[l.length];
        for (int i = 0; i < l.length; i++) d[i] = l[i];
        return Fourier.crossEntropy(d, C, rows, y);
    }

    @ParameterizedTest
    @CsvSource({"5,1", "7,1", "12,1", "13,1", "31,1", "97,1", "13,8", "12,8"})
    void quadraticConstructionClassifiesEveryPair(int p, int replicas) {
        QuadraticNet net = new QuadraticNet(POOL, p, FourierSolution.width(p, replicas), p);
        FourierSolution.write(net, replicas);
        int[] tok = new int[2 * p * p];
        for (int x = 0; x < p; x++)
            for (int y = 0; y < p; y++) {
                tok[2 * (x * p + y)] = x;
                tok[2 * (x * p + y) + 1] = y;
            }
        float[] logits = net.forward(tok, 0, p * p);
        double minMargin = Double.POSITIVE_INFINITY;
        for (int i = 0; i < p * p; i++) {
            int label = (i / p + i % p) % p;
            double other = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < p; c++) if (c != label) other = Math.max(other, logits[i * p + c]);
            minMargin = Math.min(minMargin, logits[i * p + label] - other);
            assertThat(logits[i * p + label])
                    .as("f_label(%d, %d)", i / p, i % p)
                    .isCloseTo(2f * p - 2, within(1e-3f * p));
        }
        assertThat(minMargin).isCloseTo(2.0 * p, within(1e-3 * p));
        double linf = 0;
        for (float w : net.params().w) linf = Math.max(linf, Math.abs(w));
        assertThat(linf).isCloseTo(Math.pow(replicas, -1.0 / 3), within(1e-6));
    }
}
