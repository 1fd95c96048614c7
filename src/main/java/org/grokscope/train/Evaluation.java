package org.grokscope.train;

/**
 * Metrics at one evaluation, taken before the update of {@code step} (step = steps: after the last). {@code collapse}
 * describes the training set's rows as the loss saw them (see {@link Collapse}).
 */
public record Evaluation(
        int step,
        double lr,
        double trainLoss,
        double trainAcc,
        double testLoss,
        double testAcc,
        double regLoss,
        double l2Norm,
        double linfNorm,
        double distFromInit,
        Collapse collapse) {

    /** An evaluation whose collapse shares were not measured (rows read from files written before they were). */
    public Evaluation(
            int step,
            double lr,
            double trainLoss,
            double trainAcc,
            double testLoss,
            double testAcc,
            double regLoss,
            double l2Norm,
            double linfNorm,
            double distFromInit) {
        this(
                step,
                lr,
                trainLoss,
                trainAcc,
                testLoss,
                testAcc,
                regLoss,
                l2Norm,
                linfNorm,
                distFromInit,
                Collapse.UNKNOWN);
    }

    /**
     * Softmax collapse (Prieto et al. 2025) on the training set, as shares of its examples: loss exactly 0 in the loss
     * precision, own gradient exactly 0 (as the fp32 backward pass receives it), probability of the label rounded to
     * exactly 1. NaN where not measured or not defined (MSE has no probabilities).
     */
    public record Collapse(double zeroLoss, double zeroGrad, double softmaxOne) {
        public static final Collapse UNKNOWN = new Collapse(Double.NaN, Double.NaN, Double.NaN);
    }
}
