package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Accuracy thresholds that define the memorization and generalization steps, and Liu et al.'s phase rules (one accuracy
 * threshold for train and test, 0.9 in the paper, and the gap in steps below which generalizing counts as comprehension
 * rather than grokking, 1,000 in the paper). Tasks whose best test accuracy is far below 90 % (text) need a lower phase
 * threshold.
 */
@JsonPropertyOrder({"memorization_threshold", "generalization_threshold", "phase_threshold", "phase_gap"})
public record Analysis(
        Double memorizationThreshold, Double generalizationThreshold, Double phaseThreshold, Integer phaseGap) {
    /** Every value at its default (what an absent section means). */
    public static Analysis defaults() {
        return new Analysis(null, null, null, null);
    }

    public Analysis {
        if (memorizationThreshold == null) memorizationThreshold = 0.99;
        if (generalizationThreshold == null) generalizationThreshold = 0.99;
        if (phaseThreshold == null) phaseThreshold = 0.9;
        if (phaseGap == null) phaseGap = 1000;
    }

    void validate(Problems p) {
        p.require(
                memorizationThreshold > 0 && memorizationThreshold <= 1,
                "analysis.memorization_threshold",
                "must be in (0, 1], got " + memorizationThreshold);
        p.require(
                generalizationThreshold > 0 && generalizationThreshold <= 1,
                "analysis.generalization_threshold",
                "must be in (0, 1], got " + generalizationThreshold);
        p.require(
                phaseThreshold > 0 && phaseThreshold <= 1,
                "analysis.phase_threshold",
                "must be in (0, 1], got " + phaseThreshold);
        p.require(phaseGap >= 0, "analysis.phase_gap", "must be >= 0 steps, got " + phaseGap);
    }
}
