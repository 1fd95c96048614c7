package org.grokscope.analysis;

/** Events in a learning curve, from numbers only. */
public final class Milestones {
    private Milestones() {}

    /** The first step whose value is at least the threshold, or null if none is. */
    public static Integer firstAtLeast(int[] steps, double[] values, double threshold) {
        for (int i = 0; i < steps.length; i++) if (values[i] >= threshold) return steps[i];
        return null;
    }

    /** Generalization step minus memorization step, or null if either is missing. */
    public static Integer gap(Integer memorization, Integer generalization) {
        return memorization == null || generalization == null ? null : generalization - memorization;
    }
}
