package org.grokscope.probe;

/**
 * What the probes measure and how often. {@code every} = 0 picks the cadence from a compute budget: the smallest
 * multiple of the evaluation interval at which the probes' counted FLOPs stay under {@code budget} × the training
 * FLOPs.
 */
public record ProbeSettings(
        int every,
        double budget,
        boolean norms,
        boolean ntk,
        int ntkSamples,
        boolean ntkTrueClass,
        boolean fourier,
        double keyThreshold,
        boolean kernelBaseline,
        int kernelTestSamples,
        double kernelRidge,
        int kernelMaxTrain,
        Advisor.Settings advisor,
        boolean stopWhenStalled) {
    public ProbeSettings(
            int every,
            double budget,
            boolean norms,
            boolean ntk,
            int ntkSamples,
            boolean ntkTrueClass,
            boolean fourier,
            double keyThreshold,
            boolean kernelBaseline,
            int kernelTestSamples,
            double kernelRidge,
            int kernelMaxTrain,
            Advisor.Settings advisor) {
        this(
                every,
                budget,
                norms,
                ntk,
                ntkSamples,
                ntkTrueClass,
                fourier,
                keyThreshold,
                kernelBaseline,
                kernelTestSamples,
                kernelRidge,
                kernelMaxTrain,
                advisor,
                false);
    }
}
