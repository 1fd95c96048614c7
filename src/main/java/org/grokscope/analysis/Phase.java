package org.grokscope.analysis;

/**
 * Liu et al. 2022's phases (Table 1), from a run's accuracy curves. T: train accuracy exceeds the threshold within the
 * budget; V: test accuracy does; G: the step where V happens minus the step where T happens is below the gap limit.
 * Comprehension = T, V, G; grokking = T, V, not G; memorization = T, not V; confusion = not T. Liu et al. use threshold
 * 0.9, budget 1e5 steps and gap limit 1e3 steps.
 */
public enum Phase {
    COMPREHENSION,
    GROKKING,
    MEMORIZATION,
    CONFUSION;

    public record Rules(double threshold, int budget, int gapLimit) {
        public static final Rules LIU = new Rules(0.9, 100_000, 1_000);
    }

    public static Phase classify(int[] steps, double[] trainAcc, double[] testAcc, Rules r) {
        Integer t = firstAbove(steps, trainAcc, r.threshold(), r.budget()),
                v = firstAbove(steps, testAcc, r.threshold(), r.budget());
        if (t == null) return CONFUSION;
        if (v == null) return MEMORIZATION;
        return v - t < r.gapLimit() ? COMPREHENSION : GROKKING;
    }

    private static Integer firstAbove(int[] steps, double[] acc, double thr, int budget) {
        for (int i = 0; i < steps.length && steps[i] <= budget; i++) if (acc[i] > thr) return steps[i];
        return null;
    }
}
