package org.grokscope.train;

/** Metrics at one evaluation, taken before the update of {@code step} (step = steps: after the last). */
public record Evaluation(int step, double lr, double trainLoss, double trainAcc, double testLoss, double testAcc,
                         double regLoss, double l2Norm, double linfNorm, double distFromInit) {}
