package org.grokscope.engine;

import java.util.Locale;

/**
 * The training objective over a row of logits z and its label y (config: {@code training.loss}).
 *
 * <ul>
 *   <li>{@code CROSS_ENTROPY}: −log softmax(z)_y, softmax(z)_j = e^{z_j} / Σ e^{z_k} (shifted by max z).
 *   <li>{@code STABLEMAX_CE}: −log StableMax(z)_y (Prieto et al. 2025): s(x) = x + 1 for x ≥ 0 and 1 / (1 − x) for x <
 *       0 in place of e^x, probabilities s(z_j) / Σ s(z_k), not shifted (s is not shift-invariant). s grows linearly,
 *       so a correct class needs a logit ~10¹⁶ times the others' before its probability rounds to one in fp64: no
 *       softmax collapse at the margins training reaches.
 *   <li>{@code MSE}: mean squared error against the one-hot target, over all n·classes elements.
 * </ul>
 */
public enum LossFunction {
    CROSS_ENTROPY,
    STABLEMAX_CE,
    MSE;

    /** The config spelling: cross_entropy, stablemax_ce, mse. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The factor on each row's gradient that makes it the gradient of the reported mean: 1/n, or 1/(n·classes) for MSE.
     */
    public double gradScale(int n, int classes) {
        return this == MSE ? 1.0 / ((double) n * classes) : 1.0 / n;
    }

    /** Whether the loss normalizes the logits into probabilities (softmax or StableMax). */
    public boolean probabilistic() {
        return this != MSE;
    }
}
