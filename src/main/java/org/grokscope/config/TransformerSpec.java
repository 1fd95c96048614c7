package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.grokscope.engine.Act;

/** Decoder-only transformer; logits at the last position. */
@JsonPropertyOrder({"d_model", "heads", "d_mlp", "layers", "norm", "activation", "attn_bias", "mlp_bias", "format"})
public record TransformerSpec(
        Integer dModel,
        Integer heads,
        Integer dMlp,
        Integer layers,
        org.grokscope.nn.Transformer.Norm norm,
        Act activation,
        Boolean attnBias,
        Boolean mlpBias,
        TransformerFormat format)
        implements ModelSpec {
    public TransformerSpec {
        if (dModel == null) dModel = 128;
        if (heads == null) heads = 4;
        if (dMlp == null) dMlp = 4 * dModel;
        if (layers == null) layers = 1;
        if (norm == null) norm = org.grokscope.nn.Transformer.Norm.NONE;
        if (activation == null) activation = Act.RELU;
        if (attnBias == null) attnBias = false;
        if (mlpBias == null) mlpBias = true;
        if (format == null) format = TransformerFormat.EQUALS;
    }

    @Override
    public void validate(Problems p, TaskSpec task) {
        p.require(dModel >= 1 && dModel <= 4096, "model.d_model", "must be in [1, 4096], got " + dModel);
        p.require(
                heads >= 1 && dModel % heads == 0, "model.heads", "must divide d_model (" + dModel + "), got " + heads);
        p.require(dMlp >= 1 && dMlp <= 65536, "model.d_mlp", "must be in [1, 65536], got " + dMlp);
        p.require(layers >= 1 && layers <= 24, "model.layers", "must be in [1, 24], got " + layers);
    }

    @Override
    public org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes) {
        return new org.grokscope.nn.Transformer(
                pool,
                new org.grokscope.nn.Transformer.Spec(
                        vocab, seqLen, dModel, heads, dMlp, layers, norm, activation, classes, attnBias, mlpBias));
    }

    @Override
    public org.grokscope.data.InputFormat inputFormat() {
        return switch (format) {
            case EQUALS -> org.grokscope.data.InputFormat.EQUALS;
            case OP_EQUALS -> org.grokscope.data.InputFormat.OP_EQUALS;
        };
    }

    @Override
    public int initWidth() {
        return dModel;
    }
}
