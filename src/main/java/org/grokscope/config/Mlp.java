package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.grokscope.engine.Act;

/** MLP over concatenated token embeddings [x, y]; embed_dim 0 feeds the tokens one-hot instead. */
@JsonPropertyOrder({"embed_dim", "hidden", "depth", "activation"})
public record Mlp(Integer embedDim, Integer hidden, Integer depth, Act activation) implements ModelSpec {
    /** Every value at its default (what an absent section means). */
    public static Mlp defaults() {
        return new Mlp(null, null, null, null);
    }

    public Mlp {
        if (embedDim == null) embedDim = 128;
        if (hidden == null) hidden = 512;
        if (depth == null) depth = 1;
        if (activation == null) activation = Act.RELU;
    }

    @Override
    public void validate(Problems p, TaskSpec task) {
        p.require(
                embedDim >= 0 && embedDim <= 8192,
                "model.embed_dim",
                "must be in [0, 8192] (0 = one-hot input), got " + embedDim);
        p.require(hidden >= 1 && hidden <= 65536, "model.hidden", "must be in [1, 65536], got " + hidden);
        p.require(depth >= 1 && depth <= 16, "model.depth", "must be in [1, 16], got " + depth);
    }

    @Override
    public org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes) {
        return new org.grokscope.nn.EmbedMlp(pool, vocab, seqLen, embedDim, hidden, depth, classes, activation);
    }

    @Override
    public org.grokscope.nn.Model buildOnFeatures(
            org.grokscope.engine.Parallel pool,
            float[] table,
            int rows,
            int height,
            int width,
            int channels,
            int classes) {
        return new org.grokscope.nn.DenseMlp(
                pool, table, rows, height * width * channels, hidden, depth, classes, activation);
    }

    @Override
    public int initWidth() {
        return embedDim > 0 ? embedDim : hidden;
    }
}
