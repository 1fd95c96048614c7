package org.grokscope.engine;

import java.util.Locale;

/**
 * The floating-point precision the loss and its gradient are computed in (config: {@code training.loss_precision}). The
 * model always runs in fp32; the loss reads its fp32 logits.
 *
 * <ul>
 *   <li>{@code FP64}: every exponential, sum, log and probability in double, as grokscope always did. A row's loss is
 *       exactly 0 once its margin passes ~37 nats (1 + e^{−37} rounds to 1); its gradient, rounded to the fp32 the
 *       backward pass reads, is exactly 0 past ~104 nats.
 *   <li>{@code FP32}: as float32 training computes it in PyTorch's CPU kernels: log-softmax (z − max) − log Σ e^{z−max}
 *       with a float sum, gradient e^{log-softmax} − onehot. The loss is exactly 0 past a margin of ~17 nats and the
 *       gradient past ~104: the "softmax collapse" of Prieto et al. comes ~20 nats sooner than in fp64.
 * </ul>
 *
 * The mean over rows is summed in double in both cases (it is reported, not differentiated).
 */
public enum LossPrecision {
    FP64,
    FP32;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
