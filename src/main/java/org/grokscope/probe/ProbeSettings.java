package org.grokscope.probe;

import java.util.EnumSet;
import java.util.Set;

/**
 * What the probes measure and how often. {@code every} = 0 picks the cadence from a compute budget: the smallest
 * multiple of the evaluation interval at which the probes' counted FLOPs stay under {@code budget} × the training
 * FLOPs. Made with {@link #builder()}: no measure is on, the cadence is automatic within a tenth of training's FLOPs,
 * and the numbers are the config's defaults, until the builder says otherwise.
 */
public record ProbeSettings(
        int every,
        double budget,
        Set<Measure> measures,
        int ntkSamples,
        boolean ntkTrueClass,
        double keyThreshold,
        int kernelTestSamples,
        double kernelRidge,
        int kernelMaxTrain,
        Advisor.Settings advisor,
        boolean stopWhenStalled) {

    /** The measures a run may take, each with its own columns. */
    public enum Measure {
        /** Per-tensor ℓ2 and ℓ∞ norms and the distance from initialization. */
        NORMS,
        /** The empirical NTK's distance from its value at initialization. */
        NTK,
        /** Fourier sparsity of the embeddings and the unembedding (modular tasks). */
        FOURIER,
        /** The initial-kernel regression baseline, fitted once. */
        KERNEL_BASELINE
    }

    public ProbeSettings {
        measures = measures.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(measures));
    }

    public boolean norms() {
        return measures.contains(Measure.NORMS);
    }

    public boolean ntk() {
        return measures.contains(Measure.NTK);
    }

    public boolean fourier() {
        return measures.contains(Measure.FOURIER);
    }

    public boolean kernelBaseline() {
        return measures.contains(Measure.KERNEL_BASELINE);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ProbeSettings}; see the record for the defaults. */
    public static final class Builder {
        private int every;
        private double budget = 0.1;
        private final EnumSet<Measure> measures = EnumSet.noneOf(Measure.class);
        private int ntkSamples = 256;
        private boolean ntkTrueClass;
        private double keyThreshold = 0.25;
        private int kernelTestSamples = 2000;
        private double kernelRidge = 1e-8;
        private int kernelMaxTrain = 8000;
        private Advisor.Settings advisor;
        private boolean stopWhenStalled;

        private Builder() {}

        /** Probe every {@code every} steps (a multiple of the evaluation interval), or 0: within {@code budget}. */
        public Builder cadence(int every, double budget) {
            this.every = every;
            this.budget = budget;
            return this;
        }

        /** Takes the measure when {@code on}. */
        public Builder measure(Measure m, boolean on) {
            if (on) measures.add(m);
            else measures.remove(m);
            return this;
        }

        /** The eNTK on {@code samples} training examples, of the true class's logit or else the first one. */
        public Builder ntk(int samples, boolean trueClass) {
            ntkSamples = samples;
            ntkTrueClass = trueClass;
            return this;
        }

        /** A frequency is a key frequency when its share of the norm is at least this. */
        public Builder keyThreshold(double share) {
            keyThreshold = share;
            return this;
        }

        /** The kernel baseline's test examples, ridge, and the largest training set it is fitted on. */
        public Builder kernelBaseline(int testSamples, double ridge, int maxTrain) {
            kernelTestSamples = testSamples;
            kernelRidge = ridge;
            kernelMaxTrain = maxTrain;
            return this;
        }

        public Builder advisor(Advisor.Settings a) {
            advisor = a;
            return this;
        }

        /** End the run at the advisor's stalled verdict. */
        public Builder stopWhenStalled(boolean on) {
            stopWhenStalled = on;
            return this;
        }

        public ProbeSettings build() {
            if (advisor == null) throw new IllegalStateException("the advisor's settings are required");
            return new ProbeSettings(
                    every,
                    budget,
                    measures,
                    ntkSamples,
                    ntkTrueClass,
                    keyThreshold,
                    kernelTestSamples,
                    kernelRidge,
                    kernelMaxTrain,
                    advisor,
                    stopWhenStalled);
        }
    }
}
