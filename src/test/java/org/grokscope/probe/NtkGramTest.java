package org.grokscope.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.grokscope.data.Dataset;
import org.grokscope.data.InputFormat;
import org.grokscope.data.ModOp;
import org.grokscope.data.ModularTask;
import org.grokscope.engine.Act;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.Bag;
import org.grokscope.nn.ConvNet;
import org.grokscope.nn.DenseMlp;
import org.grokscope.nn.EmbedMlp;
import org.grokscope.nn.Encoder;
import org.grokscope.nn.Model;
import org.grokscope.nn.QuadraticNet;
import org.grokscope.nn.Transformer;
import org.grokscope.train.Init;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The per-layer Gram eNTK against brute force: one backward per example, full gradient vectors, J·Jᵀ. */
public class NtkGramTest {
    static final Parallel POOL = new Parallel(2);
    static final int P = 7;

    @AfterAll
    static void close() {
        POOL.close();
    }

    public static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("mlp depth 2", new EmbedMlp(POOL, P, 2, 6, 10, 2, P, Act.GELU), InputFormat.PAIR),
                Arguments.of("mlp one-hot", new EmbedMlp(POOL, P, 2, 0, 10, 2, P, Act.RELU), InputFormat.PAIR),
                Arguments.of("quadratic", new QuadraticNet(POOL, P, 12, P), InputFormat.PAIR),
                Arguments.of("transformer none", tf(Transformer.Norm.NONE, 1), InputFormat.EQUALS),
                Arguments.of("transformer pre 2 layers", tf(Transformer.Norm.PRE, 2), InputFormat.EQUALS),
                Arguments.of("transformer post 2 layers", tf(Transformer.Norm.POST, 2), InputFormat.EQUALS),
                Arguments.of(
                        "transformer normed residual 2 layers",
                        tf(Transformer.Norm.NORMED_RESIDUAL, 2),
                        InputFormat.EQUALS),
                Arguments.of("text bag", new Bag(POOL, TV, TT, 6, 10, 1, 2, Act.GELU), null),
                Arguments.of(
                        "text encoder cls",
                        new Encoder(
                                POOL, new Encoder.Spec(TV, TT, 8, 2, 12, 2, Act.GELU, Encoder.Pooling.CLS, true, 2)),
                        null),
                Arguments.of(
                        "text encoder mean",
                        new Encoder(
                                POOL, new Encoder.Spec(TV, TT, 8, 2, 12, 1, Act.RELU, Encoder.Pooling.MEAN, false, 2)),
                        null),
                Arguments.of("image mlp", new DenseMlp(POOL, features(5 * 4), FR, 5 * 4, 10, 2, 3, Act.GELU), FEATURES),
                Arguments.of(
                        "image conv",
                        new ConvNet(POOL, features(5 * 4 * 2), FR, 5, 4, 2, new int[] {3, 4}, 3, 2, 6, 1, 3, Act.GELU),
                        FEATURES));
    }

    static final int FR = 11;
    /** Marks a model on a feature table: its examples are row indices 0..FR-1 with 3 classes. */
    static final Object FEATURES = "features";

    static float[] features(int dim) {
        org.grokscope.engine.Rng r = new org.grokscope.engine.Rng(9);
        float[] t = new float[FR * dim];
        for (int i = 0; i < t.length; i++) t[i] = (float) r.nextGaussian();
        return t;
    }

    static Dataset rows(int n) {
        int[] tok = new int[n], y = new int[n];
        for (int e = 0; e < n; e++) {
            tok[e] = (e * 7) % FR;
            y[e] = e % 3;
        }
        return new Dataset(tok, y, 1, FR, 3);
    }

    static final int TV = 13, TT = 6;

    /** Padded text: [CLS] = 2, tokens 3..TV-1, padding 0; two classes. */
    static Dataset text(int n) {
        org.grokscope.engine.Rng r = new org.grokscope.engine.Rng(3);
        int[] tok = new int[n * TT], y = new int[n];
        for (int e = 0; e < n; e++) {
            int len = 1 + r.nextInt(TT);
            tok[e * TT] = 2;
            for (int t = 1; t < len; t++) tok[e * TT + t] = 3 + r.nextInt(TV - 3);
            y[e] = r.nextInt(2);
        }
        return new Dataset(tok, y, TT, TV, 2);
    }

    static Transformer tf(Transformer.Norm norm, int layers) {
        return new Transformer(POOL, new Transformer.Spec(P + 1, 3, 8, 2, 12, layers, norm, Act.RELU, P, true, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void matchesBruteForce(String name, Model model, Object input) {
        Init.apply(model.params(), Init.Scheme.PYTORCH, 0, 1.0, 5, 8, model.vocab());
        ModularTask t = new ModularTask(P, ModOp.ADD, 0);
        Dataset d = input == null
                ? text(20)
                : input == FEATURES
                        ? rows(20)
                        : t.dataset(t.split(20, null, null, 1).train(), (InputFormat) input);
        int m = d.size(), T = model.seqLen();
        int[] outputs = new int[m];
        for (int i = 0; i < m; i++) outputs[i] = i % 3 == 0 ? 0 : d.labels()[i]; // mixed coordinates
        float[] gradBefore = model.params().g.clone();

        double[] byPairs = new NtkGram(POOL, NtkGram.Route.PAIRS).compute(model, d.tokens(), 0, m, outputs);
        double[] byGradients = new NtkGram(POOL, NtkGram.Route.GRADIENTS).compute(model, d.tokens(), 0, m, outputs);

        int size = model.params().size();
        double[][] J = new double[m][size];
        for (int i = 0; i < m; i++) {
            model.params().zeroGrad();
            model.forward(d.tokens(), i * T, 1);
            float[] seed = new float[model.classes()];
            seed[outputs[i]] = 1f;
            model.backward(seed);
            for (int q = 0; q < size; q++) J[i][q] = model.params().g[q];
        }
        double scale = 0;
        for (int i = 0; i < m; i++) {
            double dot = 0;
            for (int q = 0; q < size; q++) dot += J[i][q] * J[i][q];
            scale = Math.max(scale, dot);
        }
        assertThat(scale).isGreaterThan(0);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) {
                double dot = 0;
                for (int q = 0; q < size; q++) dot += J[i][q] * J[j][q];
                assertThat(byPairs[i * m + j])
                        .as("%s Θ[%d,%d] by position pairs", name, i, j)
                        .isCloseTo(dot, org.assertj.core.data.Offset.offset(2e-5 * scale));
                assertThat(byGradients[i * m + j])
                        .as("%s Θ[%d,%d] by per-example layer gradients", name, i, j)
                        .isCloseTo(dot, org.assertj.core.data.Offset.offset(2e-5 * scale));
            }
        model.params().zeroGrad();
        System.arraycopy(gradBefore, 0, model.params().g, 0, gradBefore.length);
    }
}
