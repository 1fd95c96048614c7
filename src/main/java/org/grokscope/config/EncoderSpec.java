package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.grokscope.engine.Act;

/** BERT-style encoder for text (post-LN, padding mask, [CLS] or mean pooling, optional tanh pooler). */
@JsonPropertyOrder({"d_model", "heads", "d_ff", "layers", "activation", "pooling", "pooler"})
public record EncoderSpec(
        Integer dModel,
        Integer heads,
        Integer dFf,
        Integer layers,
        Act activation,
        org.grokscope.nn.Encoder.Pooling pooling,
        Boolean pooler)
        implements ModelSpec {
    public EncoderSpec {
        if (dModel == null) dModel = 128;
        if (heads == null) heads = 4;
        if (dFf == null) dFf = 4 * dModel;
        if (layers == null) layers = 1;
        if (activation == null) activation = Act.GELU;
        if (pooling == null) pooling = org.grokscope.nn.Encoder.Pooling.CLS;
        if (pooler == null) pooler = true;
    }

    @Override
    public void validate(Problems p, TaskSpec task) {
        p.require(dModel >= 1 && dModel <= 4096, "model.d_model", "must be in [1, 4096], got " + dModel);
        p.require(
                heads >= 1 && dModel % heads == 0, "model.heads", "must divide d_model (" + dModel + "), got " + heads);
        p.require(dFf >= 1 && dFf <= 65536, "model.d_ff", "must be in [1, 65536], got " + dFf);
        p.require(layers >= 1 && layers <= 24, "model.layers", "must be in [1, 24], got " + layers);
    }

    @Override
    public org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes) {
        return new org.grokscope.nn.Encoder(
                pool,
                new org.grokscope.nn.Encoder.Spec(
                        vocab, seqLen, dModel, heads, dFf, layers, activation, pooling, pooler, classes));
    }

    @Override
    public int initWidth() {
        return dModel;
    }
}
