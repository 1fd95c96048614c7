package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.grokscope.engine.Act;

/** Embedding bag for text: mean of the non-padding token embeddings, then an MLP of {@code depth} hidden layers. */
@JsonPropertyOrder({"embed_dim", "hidden", "depth", "activation"})
public record BagSpec(Integer embedDim, Integer hidden, Integer depth, Act activation) implements ModelSpec {
    /** Every value at its default (what an absent section means). */
    public static BagSpec defaults() {
        return new BagSpec(null, null, null, null);
    }

    public BagSpec {
        if (embedDim == null) embedDim = 64;
        if (hidden == null) hidden = 128;
        if (depth == null) depth = 1;
        if (activation == null) activation = Act.RELU;
    }

    @Override
    public void validate(Problems p, TaskSpec task) {
        RunConfig.checkWidths(p, embedDim, hidden);
        p.require(
                depth >= 0 && depth <= 16,
                "model.depth",
                "must be in [0, 16] (0 = a linear classifier on the mean embedding), got " + depth);
    }

    @Override
    public org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes) {
        return new org.grokscope.nn.Bag(pool, vocab, seqLen, embedDim, hidden, depth, classes, activation);
    }

    @Override
    public int initWidth() {
        return embedDim;
    }
}
