package org.grokscope.train;

import org.grokscope.engine.Rng;
import org.grokscope.nn.Param;
import org.grokscope.nn.Params;

/**
 * Parameter initialization, then the grokking configuration: every parameter (weights, biases, embeddings, norm gains)
 * multiplied by α (Omnigrok; CDS paper). Parameters are drawn in registration order from one stream seeded by (seed,
 * "init").
 *
 * <ul>
 *   <li>pytorch: nn.Linear's default, weights and biases U(±1/√fan_in); embeddings N(0, 1); norms 1 / 0.
 *   <li>kaiming: weights N(0, 2/fan_in) (He, ReLU gain); biases 0; embeddings N(0, 1); norms 1 / 0.
 *   <li>normal: weights and embeddings N(0, std²) (HF's initializer_range, 0.02); biases 0; norms 1 / 0.
 *   <li>nanda: Nanda et al.'s code, every weight and embedding N(0, 1/d_model) except the unembedding, N(0, 1/d_vocab);
 *       biases 0.
 * </ul>
 */
public final class Init {
    public enum Scheme {
        PYTORCH,
        KAIMING,
        NORMAL,
        NANDA
    }

    private Init() {}

    public static void apply(Params ps, Scheme scheme, double std, double alpha, long seed, int dModel, int dVocab) {
        Rng rng = Rng.of(seed, "init");
        float[] w = ps.w;
        for (Param p : ps.list()) {
            int o = p.offset();
            for (int i = 0; i < p.size(); i++) {
                double v = switch (p.role()) {
                    case NORM_GAIN -> 1.0;
                    case NORM_BIAS -> 0.0;
                    case BIAS -> scheme == Scheme.PYTORCH ? uniform(rng, 1 / Math.sqrt(p.fanIn())) : 0.0;
                    case EMBEDDING ->
                        switch (scheme) {
                            case PYTORCH, KAIMING -> rng.nextGaussian();
                            case NORMAL -> std * rng.nextGaussian();
                            case NANDA -> rng.nextGaussian() / Math.sqrt(dModel);
                        };
                    case WEIGHT, UNEMBEDDING ->
                        switch (scheme) {
                            case PYTORCH -> uniform(rng, 1 / Math.sqrt(p.fanIn()));
                            case KAIMING -> Math.sqrt(2.0 / p.fanIn()) * rng.nextGaussian();
                            case NORMAL -> std * rng.nextGaussian();
                            case NANDA ->
                                rng.nextGaussian() / Math.sqrt(p.role() == Param.Role.UNEMBEDDING ? dVocab : dModel);
                        };
                };
                w[o + i] = (float) (alpha * v);
            }
        }
    }

    private static double uniform(Rng rng, double bound) {
        return (2 * rng.nextDouble() - 1) * bound;
    }
}
