package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code fixed_norm}: Omnigrok's constrained training, ‖θ‖₂ rescaled to this value after init and every step.
 * {@code loss}: cross_entropy, stablemax_ce or mse ({@link org.grokscope.engine.LossFunction}); {@code loss_precision}:
 * fp64 (default) or fp32, the arithmetic of the loss and its gradient ({@link org.grokscope.engine.LossPrecision}).
 */
@JsonPropertyOrder({
    "steps",
    "batch_size",
    "eval_every",
    "eval_batch",
    "loss",
    "loss_precision",
    "stop_at_test_acc",
    "stop_patience",
    "threads",
    "fixed_norm",
    "last_batch"
})
public record Training(
        Integer steps,
        Integer batchSize,
        Integer evalEvery,
        Integer evalBatch,
        org.grokscope.engine.LossFunction loss,
        org.grokscope.engine.LossPrecision lossPrecision,
        Double stopAtTestAcc,
        Integer stopPatience,
        Integer threads,
        Double fixedNorm,
        LastBatch lastBatch) {
    /** Every value at its default (what an absent section means). */
    public static Training defaults() {
        return new Training(null, null, null, null, null, null, null, null, null, null, null);
    }

    public Training {
        if (lossPrecision == null) lossPrecision = org.grokscope.engine.LossPrecision.FP64;
        if (steps == null) steps = 10_000;
        if (batchSize == null) batchSize = 0;
        if (evalEvery == null) evalEvery = 100;
        if (evalBatch == null) evalBatch = 8192;
        if (loss == null) loss = org.grokscope.engine.LossFunction.CROSS_ENTROPY;
        if (stopPatience == null) stopPatience = 1;
        if (threads == null) threads = 0;
        if (lastBatch == null) lastBatch = LastBatch.DROP;
    }

    void validate(Problems p) {
        p.require(steps >= 0, "training.steps", "must be >= 0, got " + steps);
        p.require(batchSize >= 0, "training.batch_size", "must be >= 0 (0 = full batch), got " + batchSize);
        p.require(evalEvery >= 1, "training.eval_every", "must be >= 1, got " + evalEvery);
        p.require(evalBatch >= 1, "training.eval_batch", "must be >= 1, got " + evalBatch);
        if (stopAtTestAcc != null)
            p.require(
                    stopAtTestAcc > 0 && stopAtTestAcc <= 1,
                    "training.stop_at_test_acc",
                    "must be in (0, 1], got " + stopAtTestAcc);
        p.require(stopPatience >= 1, "training.stop_patience", "must be >= 1, got " + stopPatience);
        p.require(threads >= 0 && threads <= 1024, "training.threads", "must be >= 0 (0 = all cores), got " + threads);
        if (fixedNorm != null)
            p.require(
                    fixedNorm > 0 && Double.isFinite(fixedNorm),
                    "training.fixed_norm",
                    "must be > 0 (or absent), got " + fixedNorm);
    }
}
