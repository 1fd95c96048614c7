package org.grokscope.nn;

import java.util.Arrays;

/**
 * A named view into the model's flat parameter buffer. {@code role} and {@code fanIn} tell the initializer what this
 * tensor is (PyTorch's defaults differ for weights, biases and embeddings).
 */
public record Param(String name, int offset, int size, int[] shape, Role role, int fanIn) {

    /**
     * UNEMBEDDING is the weight from the residual stream to the logits: a WEIGHT, except where an init scheme treats it
     * apart.
     */
    public enum Role {
        WEIGHT,
        UNEMBEDDING,
        BIAS,
        EMBEDDING,
        NORM_GAIN,
        NORM_BIAS,
        /** A query, key or value projection's weight: a WEIGHT, except where an init treats attention apart. */
        ATTN_IN,
        /** A bias of the attention's projections (query, key, value, output): likewise a BIAS. */
        ATTN_BIAS
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
