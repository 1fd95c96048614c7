package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Initialization scheme, then every parameter × alpha (the grokking configuration). {@code output_scale} (unset = off)
 * is Kumar et al.'s laziness knob instead: the output becomes output_scale·(f(θ) − f(θ₀)) and the learning rate is
 * divided by output_scale², so lr is the rate at scale 1 and a large scale is lazy.
 */
@JsonPropertyOrder({"scheme", "std", "alpha", "output_scale", "attention"})
public record InitSpec(
        org.grokscope.train.Init.Scheme scheme,
        Double std,
        Double alpha,
        Double outputScale,

        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        org.grokscope.train.Init.Attention attention) {
    /** Every value at its default (what an absent section means). */
    public static InitSpec defaults() {
        return new InitSpec(null, null, null, null, null);
    }

    /**
     * How a transformer's attention starts: linear (absent; four nn.Linear maps) or mha (PyTorch's
     * nn.MultiheadAttention). Written to config.json only when set, so the configs of runs made before it existed read
     * the same.
     */
    public org.grokscope.train.Init.Attention attentionOrDefault() {
        return attention == null ? org.grokscope.train.Init.Attention.LINEAR : attention;
    }

    public InitSpec {
        if (scheme == null) scheme = org.grokscope.train.Init.Scheme.PYTORCH;
        if (std == null) std = 0.02;
        if (alpha == null) alpha = 1.0;
    }

    void validate(Problems p) {
        p.require(std > 0 && Double.isFinite(std), "init.std", "must be > 0, got " + std);
        p.require(alpha > 0 && Double.isFinite(alpha), "init.alpha", "must be > 0, got " + alpha);
        if (attention == org.grokscope.train.Init.Attention.MHA)
            p.require(
                    scheme == org.grokscope.train.Init.Scheme.PYTORCH,
                    "init.attention",
                    "mha is PyTorch's own initialization: it needs init.scheme pytorch, got "
                            + scheme.name().toLowerCase(java.util.Locale.ROOT));
        if (outputScale != null)
            p.require(
                    outputScale > 0 && Double.isFinite(outputScale),
                    "init.output_scale",
                    "must be > 0 (or absent), got " + outputScale);
    }
}
