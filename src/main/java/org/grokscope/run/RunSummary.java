package org.grokscope.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.grokscope.analysis.Milestones;
import org.grokscope.analysis.Phase;
import org.grokscope.config.Analysis;
import org.grokscope.config.RunConfig;
import org.grokscope.train.Evaluation;

/** summary.json: the run's outcome and its grokking milestones. */
@JsonPropertyOrder({
    "name",
    "status",
    "reason",
    "steps",
    "final_train_acc",
    "final_test_acc",
    "final_train_loss",
    "final_test_loss",
    "best_test_acc",
    "phase",
    "memorization_step",
    "generalization_step",
    "grokking_gap",
    "memorization_threshold",
    "generalization_threshold",
    "train_size",
    "test_size",
    "parameters",
    "wall_seconds",
    "train_seconds",
    "steps_per_second",
    "ms_per_step",
    "gflops_per_second",
    "threads",
    "threads_max",
    "probes"
})
public record RunSummary(
        String name,
        org.grokscope.train.Trainer.Status status,
        String reason,
        int steps,
        double finalTrainAcc,
        double finalTestAcc,
        double finalTrainLoss,
        double finalTestLoss,
        double bestTestAcc,
        String phase,
        Integer memorizationStep,
        Integer generalizationStep,
        Integer grokkingGap,
        double memorizationThreshold,
        double generalizationThreshold,
        int trainSize,
        int testSize,
        int parameters,
        double wallSeconds,
        double trainSeconds,
        double stepsPerSecond,
        double msPerStep,
        double gflopsPerSecond,
        int threads,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer threadsMax,
        @JsonInclude(JsonInclude.Include.NON_NULL) java.util.Map<String, Object> probes) {

    /** How large the run's data and model are. */
    public record Sizes(int train, int test, int parameters) {}

    /**
     * How fast it ran: seconds in the loop and in training steps, the steps this process ran, the FLOPs of one step,
     * the threads it started with and the most it was let use (a sweep may grow a run's share).
     */
    public record Speed(
            double wallSeconds, double trainSeconds, int stepsRun, double flopsPerStep, int threads, int threadsMax) {}

    public static RunSummary of(
            RunConfig cfg,
            org.grokscope.train.Trainer.Outcome outcome,
            List<Evaluation> evals,
            Sizes sizes,
            Speed speed,
            java.util.Map<String, Object> probes) {
        int n = evals.size();
        int[] st = new int[n];
        double[] tr = new double[n], te = new double[n];
        double best = 0;
        for (int i = 0; i < n; i++) {
            Evaluation e = evals.get(i);
            st[i] = e.step();
            tr[i] = e.trainAcc();
            te[i] = e.testAcc();
            if (e.testAcc() > best) best = e.testAcc();
        }
        double mt = cfg.analysis().memorizationThreshold(), gt = cfg.analysis().generalizationThreshold();
        Integer mem = Milestones.firstAtLeast(st, tr, mt), gen = Milestones.firstAtLeast(st, te, gt);
        Evaluation last = n > 0 ? evals.get(n - 1) : null;
        double train = speed.trainSeconds(), sps = train > 0 ? speed.stepsRun() / train : 0;
        return new RunSummary(
                cfg.name(),
                outcome.status(),
                outcome.reason(),
                outcome.steps(),
                last == null ? Double.NaN : last.trainAcc(),
                last == null ? Double.NaN : last.testAcc(),
                last == null ? Double.NaN : last.trainLoss(),
                last == null ? Double.NaN : last.testLoss(),
                best,
                phase(cfg.analysis(), st, tr, te),
                mem,
                gen,
                Milestones.gap(mem, gen),
                mt,
                gt,
                sizes.train(),
                sizes.test(),
                sizes.parameters(),
                round(speed.wallSeconds(), 3),
                round(train, 3),
                round(sps, 2),
                sps > 0 ? round(1000 / sps, 3) : 0,
                round(speed.flopsPerStep() * sps / 1e9, 2),
                speed.threads(),
                speed.threadsMax() > speed.threads() ? speed.threadsMax() : null,
                probes);
    }

    /** Liu et al.'s phase with the run's thresholds; the run's step budget is the budget. */
    public static String phase(Analysis a, int[] steps, double[] trainAcc, double[] testAcc) {
        Phase.Rules r = new Phase.Rules(a.phaseThreshold(), Integer.MAX_VALUE, a.phaseGap());
        return Phase.classify(steps, trainAcc, testAcc, r).name().toLowerCase(java.util.Locale.ROOT);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
