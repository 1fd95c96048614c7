package org.grokscope.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.grokscope.engine.Act;
import org.grokscope.engine.Parallel;
import org.grokscope.engine.Rng;
import org.grokscope.train.Init;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The text models' backward passes against finite differences, and what padding must not change. */
class TextModelTest {
    static final Parallel POOL = new Parallel(2);
    static final int V = 23, T = 9, N = 13, C = 3;

    @AfterAll
    static void close() {
        POOL.close();
    }

    /** [CLS]=2 first, 1..T-1 random tokens from 3..V-1, then padding 0; labels in [0, C). */
    static int[][] data(long seed) {
        Rng r = new Rng(seed);
        int[] tok = new int[N * T], y = new int[N];
        for (int e = 0; e < N; e++) {
            int len = 1 + (e == 0 ? T - 1 : r.nextInt(T - 1));
            tok[e * T] = 2;
            for (int t = 1; t < len; t++) tok[e * T + t] = 3 + r.nextInt(V - 3);
            y[e] = r.nextInt(C);
        }
        return new int[][] {tok, y};
    }

    // eps 1e-3: ReLU kinks and sharp softmaxes (large alpha) make wider steps disagree with the slope; the
    // absolute floor 1e-4 covers fp32 loss noise / eps for gradients that are exactly zero (the key bias)
    static void check(Model m, double alpha) {
        Init.apply(m.params(), Init.Scheme.PYTORCH, 0.02, alpha, 5, 16, V);
        int[][] d = data(11);
        GradCheck.check(m, POOL, d[0], d[1], N, false, 1e-3, 2e-2, 1e-4);
    }

    @ParameterizedTest
    @CsvSource({"0,RELU", "1,RELU", "2,GELU"})
    void bag(int depth, Act act) {
        check(new Bag(POOL, V, T, 8, 12, depth, C, act), 1);
    }

    @ParameterizedTest
    @CsvSource({"1,CLS,true", "1,MEAN,false", "2,CLS,false", "2,MEAN,true"})
    void encoder(int layers, Encoder.Pooling pooling, boolean pooler) {
        check(new Encoder(POOL, new Encoder.Spec(V, T, 16, 4, 24, layers, Act.GELU, pooling, pooler, C)), 1);
    }

    @Test
    void encoderWithLargeAlpha() {
        check(new Encoder(POOL, new Encoder.Spec(V, T, 16, 2, 24, 1, Act.GELU, Encoder.Pooling.CLS, true, C)), 3);
    }

    @ParameterizedTest
    @CsvSource({"1", "2"})
    void clsPoolingSkipsNothingItNeeds(int layers) {
        Encoder.Spec s = new Encoder.Spec(V, T, 16, 4, 24, layers, Act.GELU, Encoder.Pooling.CLS, true, C);
        Encoder fast = new Encoder(POOL, s), full = new Encoder(POOL, s);
        full.fullLastLayer = true;
        Init.apply(fast.params(), Init.Scheme.NORMAL, 0.2, 1, 9, 16, V);
        System.arraycopy(fast.params().w, 0, full.params().w, 0, fast.params().size());
        int[][] d = data(4);
        float[] a = fast.forward(d[0], 0, N).clone(),
                b = full.forward(d[0], 0, N).clone();
        for (int i = 0; i < a.length; i++) assertThat(a[i]).isCloseTo(b[i], org.assertj.core.data.Offset.offset(1e-5f));
        float[] dl = new float[N * C];
        for (int i = 0; i < dl.length; i++) dl[i] = (i % 5 - 2) * 0.1f;
        fast.params().zeroGrad();
        fast.forward(d[0], 0, N);
        fast.backward(dl);
        full.params().zeroGrad();
        full.forward(d[0], 0, N);
        full.backward(dl);
        for (int i = 0; i < fast.params().size(); i++)
            assertThat(fast.params().g[i])
                    .isCloseTo(
                            full.params().g[i],
                            org.assertj.core.data.Offset.offset(1e-5f + 1e-4f * Math.abs(full.params().g[i])));
    }

    /**
     * The encoder computes packed rows (padding dropped); keeping every padded row must give the same logits and
     * gradients bit for bit. 61 examples of 11 positions: 671 rows, three weight-gradient blocks, examples straddling
     * the block ends, lengths 1 to 11.
     */
    @ParameterizedTest
    @CsvSource({"1,CLS", "2,CLS", "2,MEAN"})
    void packedRowsAreThePaddedComputationBitForBit(int layers, Encoder.Pooling pooling) {
        int n = 61, t = 11;
        Encoder.Spec s = new Encoder.Spec(V, t, 16, 4, 24, layers, Act.GELU, pooling, true, C);
        Encoder packed = new Encoder(POOL, s), padded = new Encoder(POOL, s);
        padded.keepPadding = true;
        Init.apply(packed.params(), Init.Scheme.NORMAL, 0.2, 1, 9, 16, V);
        System.arraycopy(
                packed.params().w, 0, padded.params().w, 0, packed.params().size());
        Rng r = new Rng(17);
        int[] tok = new int[n * t];
        for (int e = 0; e < n; e++) {
            int len = 1 + r.nextInt(t);
            tok[e * t] = 2;
            for (int i = 1; i < len; i++) tok[e * t + i] = 3 + r.nextInt(V - 3);
        }
        float[] dl = new float[n * C];
        for (int i = 0; i < dl.length; i++) dl[i] = (i % 7 - 3) * 0.05f;
        for (Encoder m : new Encoder[] {packed, padded}) {
            m.params().zeroGrad();
            m.forward(tok, 0, n);
            m.backward(dl);
        }
        java.util.List<String> differ = new java.util.ArrayList<>();
        for (Param prm : packed.params().list())
            if (!java.util.Arrays.equals(
                    packed.params().g,
                    prm.offset(),
                    prm.offset() + prm.size(),
                    padded.params().g,
                    prm.offset(),
                    prm.offset() + prm.size())) differ.add(prm.name());
        assertThat(differ).as("parameters whose gradients differ").isEmpty();
        assertThat(java.util.Arrays.equals(packed.forward(tok, 0, n), padded.forward(tok, 0, n)))
                .as("logits the same bits")
                .isTrue();
        assertThat(packed.params().g).isNotEqualTo(new float[packed.params().size()]);
    }

    @ParameterizedTest
    @CsvSource({"CLS", "MEAN"})
    void paddingIsInvisible(Encoder.Pooling pooling) {
        Encoder e = new Encoder(POOL, new Encoder.Spec(V, T, 16, 4, 24, 2, Act.GELU, pooling, true, C));
        Bag bag = new Bag(POOL, V, T, 8, 12, 1, C, Act.RELU);
        for (Model m : new Model[] {e, bag}) {
            Init.apply(m.params(), Init.Scheme.NORMAL, 0.2, 1, 3, 16, V);
            int[][] d = data(8);
            float[] before = m.forward(d[0], 0, N).clone();
            Param table = m.params().get("embed.weight");
            for (int j = 0; j < table.shape()[1]; j++) m.params().w[table.offset() + j] += 5f; // the [PAD] row
            float[] after = m.forward(d[0], 0, N);
            for (int i = 0; i < before.length; i++)
                assertThat(after[i]).isCloseTo(before[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }
}
