package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The optimizer, optionally wrapped: {@code grokfast} filters the gradient first (Lee et al. 2024), then
 * {@code orthogonal} makes each tensor's gradient orthogonal to its weights (⊥Grad, Prieto et al. 2025), then the
 * optimizer steps (see {@link org.grokscope.train.Grokfast} and {@link org.grokscope.train.OrthoGrad}).
 */
@JsonPropertyOrder({
    "kind",
    "lr",
    "weight_decay",
    "beta1",
    "beta2",
    "eps",
    "momentum",
    "warmup_steps",
    "orthogonal",
    "grokfast"
})
public record OptimizerSpec(
        OptimizerKind kind,
        Double lr,
        Double weightDecay,
        Double beta1,
        Double beta2,
        Double eps,
        Double momentum,
        Integer warmupSteps,
        Boolean orthogonal,
        GrokfastSpec grokfast) {
    /** Every value at its default (what an absent section means). */
    public static OptimizerSpec defaults() {
        return new OptimizerSpec(null, null, null, null, null, null, null, null, null, null);
    }

    public OptimizerSpec {
        if (orthogonal == null) orthogonal = false;
        if (grokfast == null) grokfast = GrokfastSpec.defaults();
        if (kind == null) kind = OptimizerKind.ADAMW;
        if (lr == null) lr = 1e-3;
        if (weightDecay == null) weightDecay = kind == OptimizerKind.ADAMW ? 1.0 : 0.0;
        if (beta1 == null) beta1 = 0.9;
        if (beta2 == null) beta2 = 0.98;
        if (eps == null) eps = 1e-8;
        if (momentum == null) momentum = 0.0;
        if (warmupSteps == null) warmupSteps = 0;
    }

    void validate(Problems p) {
        p.require(lr > 0 && Double.isFinite(lr), "optimizer.lr", "must be > 0, got " + lr);
        p.require(
                weightDecay >= 0 && Double.isFinite(weightDecay),
                "optimizer.weight_decay",
                "must be >= 0, got " + weightDecay);
        p.require(beta1 >= 0 && beta1 < 1, "optimizer.beta1", "must be in [0, 1), got " + beta1);
        p.require(beta2 >= 0 && beta2 < 1, "optimizer.beta2", "must be in [0, 1), got " + beta2);
        p.require(eps > 0, "optimizer.eps", "must be > 0, got " + eps);
        p.require(momentum >= 0 && momentum < 1, "optimizer.momentum", "must be in [0, 1), got " + momentum);
        p.require(warmupSteps >= 0, "optimizer.warmup_steps", "must be >= 0, got " + warmupSteps);
        grokfast.validate(p);
    }
}
