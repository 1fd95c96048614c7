package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Initialization scheme, then every parameter × alpha (the grokking configuration). {@code output_scale} (unset = off)
 * is Kumar et al.'s laziness knob instead: the output becomes output_scale·(f(θ) − f(θ₀)) and the learning rate is
 * divided by output_scale², so lr is the rate at scale 1 and a large scale is lazy.
 */
@JsonPropertyOrder({"scheme", "std", "alpha", "output_scale"})
public record InitSpec(org.grokscope.train.Init.Scheme scheme, Double std, Double alpha, Double outputScale) {
    /** Every value at its default (what an absent section means). */
    public static InitSpec defaults() {
        return new InitSpec(null, null, null, null);
    }

    public InitSpec {
        if (scheme == null) scheme = org.grokscope.train.Init.Scheme.PYTORCH;
        if (std == null) std = 0.02;
        if (alpha == null) alpha = 1.0;
    }

    void validate(Problems p) {
        p.require(std > 0 && Double.isFinite(std), "init.std", "must be > 0, got " + std);
        p.require(alpha > 0 && Double.isFinite(alpha), "init.alpha", "must be > 0, got " + alpha);
        if (outputScale != null)
            p.require(
                    outputScale > 0 && Double.isFinite(outputScale),
                    "init.output_scale",
                    "must be > 0 (or absent), got " + outputScale);
    }
}
