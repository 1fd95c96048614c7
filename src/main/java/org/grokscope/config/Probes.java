package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Probes during training (norms, eNTK, Fourier measures, margins, kernel baseline) and the transition advisor.
 * {@code every} 0 = choose the cadence so the probes' FLOPs stay under {@code budget} of training's. {@code forecast}:
 * on modular tasks, the early verdict of the predictor fitted on the forecast bank (columns p_generalize and eta_step;
 * the advisor's forming and stalled states); {@code stop_when_stalled} ends a run at its stalled verdict (status
 * stopped_stalled: "predicted not to generalize", with the probability).
 */
@JsonPropertyOrder({
    "enabled",
    "every",
    "budget",
    "norms",
    "ntk",
    "ntk_samples",
    "ntk_output",
    "fourier",
    "key_threshold",
    "kernel_baseline",
    "kernel_test_samples",
    "kernel_ridge",
    "kernel_max_train",
    "departure_threshold",
    "norm_drop",
    "gini_rise",
    "patience",
    "collapse_share",
    "forecast",
    "stop_when_stalled"
})
public record Probes(
        Boolean enabled,
        Integer every,
        Double budget,
        Boolean norms,
        Boolean ntk,
        Integer ntkSamples,
        NtkOutput ntkOutput,
        Boolean fourier,
        Double keyThreshold,
        Boolean kernelBaseline,
        Integer kernelTestSamples,
        Double kernelRidge,
        Integer kernelMaxTrain,
        Double departureThreshold,
        Double normDrop,
        Double giniRise,
        Integer patience,
        Double collapseShare,
        Boolean forecast,
        Boolean stopWhenStalled) {
    /** Every value at its default (what an absent section means). */
    public static Probes defaults() {
        return new Probes(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    public Probes {
        if (collapseShare == null) collapseShare = 0.5;
        if (forecast == null) forecast = true;
        if (stopWhenStalled == null) stopWhenStalled = false;
        if (enabled == null) enabled = true;
        if (every == null) every = 0;
        if (budget == null) budget = 0.1;
        if (norms == null) norms = true;
        if (ntk == null) ntk = true;
        if (ntkSamples == null) ntkSamples = 256;
        if (ntkOutput == null) ntkOutput = NtkOutput.FIRST;
        if (fourier == null) fourier = true;
        if (keyThreshold == null) keyThreshold = 0.25;
        if (kernelBaseline == null) kernelBaseline = false;
        if (kernelTestSamples == null) kernelTestSamples = 2000;
        if (kernelRidge == null) kernelRidge = 1e-8;
        if (kernelMaxTrain == null) kernelMaxTrain = 8000;
        if (departureThreshold == null) departureThreshold = 0.1;
        if (normDrop == null) normDrop = 0.1;
        if (giniRise == null) giniRise = 0.1;
        if (patience == null) patience = 2000;
    }

    void validate(Problems p, Training t) {
        p.require(every >= 0, "probes.every", "must be >= 0 (0 = from the budget), got " + every);
        if (every > 0)
            p.require(
                    every % t.evalEvery() == 0,
                    "probes.every",
                    "must be a multiple of training.eval_every (" + t.evalEvery() + "), got " + every);
        p.require(budget > 0 && budget <= 10, "probes.budget", "must be in (0, 10], got " + budget);
        p.require(
                ntkSamples >= 2 && ntkSamples <= 4096, "probes.ntk_samples", "must be in [2, 4096], got " + ntkSamples);
        p.require(
                keyThreshold > 0 && keyThreshold <= 1,
                "probes.key_threshold",
                "must be in (0, 1], got " + keyThreshold);
        p.require(kernelTestSamples >= 1, "probes.kernel_test_samples", "must be >= 1, got " + kernelTestSamples);
        p.require(kernelRidge > 0 && kernelRidge < 1, "probes.kernel_ridge", "must be in (0, 1), got " + kernelRidge);
        p.require(
                kernelMaxTrain >= 1 && kernelMaxTrain <= 20000,
                "probes.kernel_max_train",
                "must be in [1, 20000], got " + kernelMaxTrain);
        p.require(departureThreshold > 0, "probes.departure_threshold", "must be > 0, got " + departureThreshold);
        p.require(normDrop > 0 && normDrop < 1, "probes.norm_drop", "must be in (0, 1), got " + normDrop);
        p.require(giniRise > 0 && giniRise < 1, "probes.gini_rise", "must be in (0, 1), got " + giniRise);
        p.require(patience >= 1, "probes.patience", "must be >= 1, got " + patience);
        p.require(
                collapseShare > 0 && collapseShare <= 1,
                "probes.collapse_share",
                "must be in (0, 1], got " + collapseShare);
    }
}
