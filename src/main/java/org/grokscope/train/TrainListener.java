package org.grokscope.train;

/** Observers of a training run: progress output, run files, probes. Default methods do nothing. */
public interface TrainListener {
    default void onStart(Trainer t) {}

    /** After every update; allocation-free: primitives only. */
    default void onStep(Trainer t, int step, double trainLoss) {}

    default void onEval(Trainer t, Evaluation e) {}

    default void onEnd(Trainer t, Trainer.Outcome outcome) {}
}
