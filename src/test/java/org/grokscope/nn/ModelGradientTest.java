package org.grokscope.nn;

import org.grokscope.data.Dataset;
import org.grokscope.data.InputFormat;
import org.grokscope.data.ModOp;
import org.grokscope.data.ModularTask;
import org.grokscope.engine.Act;
import org.grokscope.engine.Parallel;
import org.grokscope.train.Init;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Every model's (and so every layer's) backward pass against finite differences. */
class ModelGradientTest {
    static final Parallel POOL = new Parallel(2);
    static final int P = 11;

    @AfterAll
    static void close() {
        POOL.close();
    }

    static Dataset data(InputFormat f, int n) {
        ModularTask t = new ModularTask(P, ModOp.ADD, 0);
        return t.dataset(t.split(n, null, null, 3).train(), f);
    }

    static void run(Model m, InputFormat f, boolean mse, double alpha) {
        Init.apply(m.params(), Init.Scheme.PYTORCH, 0, alpha, 1, 16, m.vocab());
        Dataset d = data(f, 37);
        GradCheck.check(m, POOL, d.tokens(), d.labels(), d.size(), mse, 1e-2, 2e-2);
    }

    @ParameterizedTest
    @EnumSource(
            value = Act.class,
            names = {"RELU", "GELU", "GELU_TANH", "SQUARE"})
    void embedMlp(Act act) {
        run(new EmbedMlp(POOL, P, 2, 8, 24, 2, P, act), InputFormat.PAIR, false, 1);
    }

    @Test
    void oneHotMlp() { // embed_dim 0: W1 is read by token, per position (smooth activations: a bias step moves every
        // example at once, and with ReLU one lands near the kink; the golden case covers ReLU)
        run(new EmbedMlp(POOL, P, 2, 0, 24, 2, P, Act.GELU), InputFormat.PAIR, false, 1);
        run(new EmbedMlp(POOL, P, 2, 0, 16, 1, P, Act.SQUARE), InputFormat.PAIR, true, 1);
    }

    @Test
    void embedMlpMse() {
        run(new EmbedMlp(POOL, P, 2, 8, 24, 1, P, Act.RELU), InputFormat.PAIR, true, 1);
    }

    /**
     * Rows of a random feature table picked by index, as an image task feeds the MLP: both losses, one and two hidden
     * layers.
     */
    // two hidden layers are checked with smooth activations: with ReLU this data puts one example's pre-activation of
    // fc1 unit 22 within ~1e-3 of the kink, and a bias step moves every example at once (per coordinate the finite
    // difference tends to the analytic value as the step shrinks to 1e-4; see DESIGN, Images)
    @ParameterizedTest
    @CsvSource({
        "RELU,1,false",
        "RELU,1,true",
        "RELU,3,true",
        "GELU,2,false",
        "GELU,2,true",
        "SQUARE,2,true",
        "SQUARE,1,false"
    })
    void denseMlp(Act act, int depth, boolean mse) {
        int rows = 29, dim = 13;
        float[] table = new float[rows * dim];
        org.grokscope.engine.Rng r = new org.grokscope.engine.Rng(5);
        for (int i = 0; i < table.length; i++) table[i] = (float) r.nextGaussian();
        DenseMlp m = new DenseMlp(POOL, table, rows, dim, 24, depth, 7, act);
        Init.apply(m.params(), Init.Scheme.PYTORCH, 0, 1, 1, 16, m.vocab());
        int n = 37;
        int[] tok = new int[n], y = new int[n];
        for (int i = 0; i < n; i++) {
            tok[i] = r.nextInt(rows);
            y[i] = r.nextInt(7);
        }
        // a smaller step than the token models': unit-Gaussian inputs put many pre-activations within 1e-2 of a ReLU's
        // kink
        GradCheck.check(m, POOL, tok, y, n, mse, 2e-3, 2e-2);
    }

    /**
     * The conv net on a random 7x6 two-channel image table (odd, unequal sides: the pools round down and drop a row).
     * Smooth activations for the deep cases: max pooling and ReLU are piecewise linear, so a finite difference that
     * straddles a switch of the winner or of the sign is not the derivative; the ReLU cases keep one stage.
     */
    @ParameterizedTest
    @CsvSource({
        "GELU,'4 5',3,2,0,0,false",
        "GELU,'4 5',3,2,6,1,true",
        "TANH,'3',3,1,5,2,false",
        "SQUARE,'3 2',1,2,0,0,true",
        "RELU,'3',5,2,0,0,false",
        "RELU,'4',3,3,0,0,true",
        "GELU,'2 3 2',3,1,0,0,false"
    })
    void convNet(Act act, String stages, int kernel, int pool, int hidden, int depth, boolean mse) {
        int rows = 23, h = 7, w = 6, c = 2;
        float[] table = new float[rows * h * w * c];
        org.grokscope.engine.Rng r = new org.grokscope.engine.Rng(11);
        for (int i = 0; i < table.length; i++) table[i] = (float) r.nextGaussian();
        int[] st = java.util.Arrays.stream(stages.split(" "))
                .mapToInt(Integer::parseInt)
                .toArray();
        ConvNet m = new ConvNet(POOL, table, rows, h, w, c, st, kernel, pool, hidden, depth, 5, act);
        Init.apply(m.params(), Init.Scheme.PYTORCH, 0, 1, 2, 16, m.vocab());
        int n = 19;
        int[] tok = new int[n], y = new int[n];
        for (int i = 0; i < n; i++) {
            tok[i] = r.nextInt(rows);
            y[i] = r.nextInt(5);
        }
        GradCheck.check(m, POOL, tok, y, n, mse, act == Act.RELU ? 1e-3 : 2e-3, 2e-2);
    }

    @Test
    void centeredOutputStartsAtZeroAndBackpropagatesAlphaTimesTheGradient() {
        Centered c = new Centered(new QuadraticNet(POOL, P, 20, P), new QuadraticNet(POOL, P, 20, P), 3.0);
        Init.apply(c.params(), Init.Scheme.PYTORCH, 0, 1, 1, 16, P);
        c.freeze();
        Dataset d = data(InputFormat.PAIR, 37);
        for (float v : c.forward(d.tokens(), 0, d.size()))
            org.assertj.core.api.Assertions.assertThat(v).isZero();
        for (int i = 0; i < c.params().size(); i++) c.params().w[i] *= 1.1f; // move away from θ₀, where the output is 0
        GradCheck.check(c, POOL, d.tokens(), d.labels(), d.size(), true, 1e-3, 2e-2, 1e-4);
    }

    @Test
    void quadratic() {
        run(new QuadraticNet(POOL, P, 20, P), InputFormat.PAIR, false, 1);
    }

    static Transformer transformer(Transformer.Spec s, boolean tables) {
        Transformer t = new Transformer(POOL, s);
        t.forceTables = tables; // both paths of the first block: token-position tables and per-row projections
        return t;
    }

    @ParameterizedTest
    @CsvSource({"NONE,true", "NONE,false", "PRE,true", "PRE,false", "POST,true", "POST,false", "NORMED_RESIDUAL,false"})
    void transformerOneLayer(Transformer.Norm norm, boolean tables) {
        var s = new Transformer.Spec(P + 1, 3, 16, 2, 32, 1, norm, Act.RELU, P, false, true);
        run(transformer(s, tables), InputFormat.EQUALS, false, 1);
    }

    @ParameterizedTest
    @CsvSource({"NONE,true", "NONE,false", "PRE,true", "PRE,false", "POST,true", "POST,false", "NORMED_RESIDUAL,false"})
    void transformerTwoLayersGelu(Transformer.Norm norm, boolean tables) {
        var s = new Transformer.Spec(P + 2, 4, 16, 4, 24, 2, norm, Act.GELU, P, true, true);
        run(transformer(s, tables), InputFormat.OP_EQUALS, false, 1);
    }

    @ParameterizedTest
    @CsvSource({"NONE", "PRE", "POST"})
    void tablesChangeNothing(Transformer.Norm norm) {
        var s = new Transformer.Spec(P + 2, 4, 16, 4, 24, 2, norm, Act.GELU, P, true, true);
        Transformer a = transformer(s, true), b = transformer(s, false);
        org.grokscope.train.Init.apply(a.params(), org.grokscope.train.Init.Scheme.PYTORCH, 0, 1, 3, 16, s.vocab());
        System.arraycopy(a.params().w, 0, b.params().w, 0, a.params().size());
        Dataset d = data(InputFormat.OP_EQUALS, 40);
        float[] la = a.forward(d.tokens(), 0, d.size()).clone(), lb = b.forward(d.tokens(), 0, d.size());
        for (int i = 0; i < la.length; i++)
            org.assertj.core.api.Assertions.assertThat(la[i])
                    .isCloseTo(lb[i], org.assertj.core.data.Offset.offset(1e-5f));
        float[] dl = new float[la.length];
        for (int i = 0; i < dl.length; i++) dl[i] = (float) Math.sin(i);
        a.params().zeroGrad();
        b.params().zeroGrad();
        a.backward(dl);
        b.backward(dl);
        for (int i = 0; i < a.params().size(); i++)
            org.assertj.core.api.Assertions.assertThat(a.params().g[i])
                    .isCloseTo(b.params().g[i], org.assertj.core.data.Offset.offset(1e-4f));
    }
}
