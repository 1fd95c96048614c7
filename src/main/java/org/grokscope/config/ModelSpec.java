package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind") // a missing kind is filled in as "mlp" by ConfigLoader
@JsonSubTypes({
    @JsonSubTypes.Type(value = Mlp.class, name = "mlp"),
    @JsonSubTypes.Type(value = TransformerSpec.class, name = "transformer"),
    @JsonSubTypes.Type(value = Quadratic.class, name = "quadratic"),
    @JsonSubTypes.Type(value = BagSpec.class, name = "bag"),
    @JsonSubTypes.Type(value = EncoderSpec.class, name = "encoder"),
    @JsonSubTypes.Type(value = Conv.class, name = "conv")
})
public sealed interface ModelSpec permits Mlp, TransformerSpec, Quadratic, BagSpec, EncoderSpec, Conv {
    void validate(Problems p, TaskSpec task);

    /**
     * The model, for a task with this vocabulary, sequence length and number of classes (its parameters still zero).
     */
    org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes);

    /**
     * The model on a frozen feature table [rows, height·width·channels] (images, channels last), each example's token
     * the index of its row; only mlp (on the flattened values) and conv read one.
     */
    default org.grokscope.nn.Model buildOnFeatures(
            org.grokscope.engine.Parallel pool,
            float[] table,
            int rows,
            int height,
            int width,
            int channels,
            int classes) {
        throw new IllegalStateException(getClass().getSimpleName() + " does not read feature tables");
    }

    /** Whether it reads a feature table (image and table tasks). */
    default boolean forFeatures() {
        return this instanceof Mlp || this instanceof Conv;
    }

    /** How a modular task's examples are written as tokens for this model. */
    default org.grokscope.data.InputFormat inputFormat() {
        return org.grokscope.data.InputFormat.PAIR;
    }

    /** The width the nanda initialization scales by (d_model, or the embedding width). */
    int initWidth();

    /** Whether the model reads padded text (bag, encoder) rather than fixed modular sequences. */
    default boolean forText() {
        return this instanceof BagSpec || this instanceof EncoderSpec;
    }
}
