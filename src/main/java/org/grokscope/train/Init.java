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
 *
 * {@link Attention} says how a transformer's attention starts under pytorch: as four nn.Linear maps (linear, the
 * default), or as PyTorch's nn.MultiheadAttention does it (mha): the query, key and value weights, one [3d, d] matrix
 * there, Xavier-uniform U(±√(6 / (d + 3d))), the output weight as nn.Linear, every attention bias 0.
 */
public final class Init {
    public enum Scheme {
        PYTORCH,
        KAIMING,
        NORMAL,
        NANDA
    }

    /** How a transformer's attention projections start under the pytorch scheme (see the class comment). */
    public enum Attention {
        LINEAR,
        MHA
    }

    private Init() {}

    public static void apply(Params ps, Scheme scheme, double std, double alpha, long seed, int dModel, int dVocab) {
        apply(ps, scheme, Attention.LINEAR, std, alpha, seed, dModel, dVocab);
    }

    public static void apply(
            Params ps,
            Scheme scheme,
            Attention attention,
            double std,
            double alpha,
            long seed,
            int dModel,
            int dVocab) {
        boolean mha = scheme == Scheme.PYTORCH && attention == Attention.MHA;
        Rng rng = Rng.of(seed, "init");
        float[] w = ps.w;
        for (Param p : ps.list()) {
            int o = p.offset();
            for (int i = 0; i < p.size(); i++) {
                double v = switch (p.role()) {
                    case NORM_GAIN -> 1.0;
                    case NORM_BIAS -> 0.0;
                    case BIAS -> scheme == Scheme.PYTORCH ? uniform(rng, 1 / Math.sqrt(p.fanIn())) : 0.0;
                    case ATTN_BIAS -> scheme == Scheme.PYTORCH && !mha ? uniform(rng, 1 / Math.sqrt(p.fanIn())) : 0.0;
                    case EMBEDDING ->
                        switch (scheme) {
                            case PYTORCH, KAIMING -> rng.nextGaussian();
                            case NORMAL -> std * rng.nextGaussian();
                            case NANDA -> rng.nextGaussian() / Math.sqrt(dModel);
                        };
                    case WEIGHT, UNEMBEDDING, ATTN_IN ->
                        switch (scheme) {
                            case PYTORCH ->
                                uniform(
                                        rng,
                                        mha && p.role() == Param.Role.ATTN_IN
                                                ? Math.sqrt(6.0 / (4 * p.fanIn())) // fan-in d, fan-out 3d
                                                : 1 / Math.sqrt(p.fanIn()));
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
