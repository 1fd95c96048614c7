package org.grokscope.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdvisorTest {
    static final Advisor.Settings S = new Advisor.Settings(0.99, 0.99, 0.1, 0.1, 0.1, 500);

    @Test
    void timestampsEveryPhaseOfAGrokkingRun() {
        Advisor a = new Advisor(S, new Advisor.Context(1.0, 1.0, 3000, 9409));
        a.onEval(0, 0.01, 0.01, 50);
        a.onProbe(0, 0, 0.02);
        assertThat(a.state()).isEqualTo(Advisor.State.MEMORIZING);
        a.onEval(100, 1.0, 0.02, 52);
        a.onProbe(100, 0.02, 0.02);
        assertThat(a.state()).as("fit, no forecaster: no verdict").isEqualTo(Advisor.State.MEMORIZING);
        a.onEval(200, 1.0, 0.03, 53);
        a.onProbe(200, 0.5, 0.05); // the kernel moves: an event, not a state
        assertThat(a.state()).isEqualTo(Advisor.State.MEMORIZING);
        a.onEval(300, 1.0, 0.2, 45); // 15 % below the peak of 53
        a.onProbe(300, 0.8, 0.3); // Gini up 0.28 from 0.02
        a.onEval(400, 1.0, 0.995, 40);
        assertThat(a.state()).isEqualTo(Advisor.State.GENERALIZED);
        var s = a.summary();
        assertThat(s.get("memorization_step")).isEqualTo(100);
        assertThat(s.get("kernel_departure_step")).isEqualTo(200);
        assertThat(s.get("norm_decay_step")).isEqualTo(300);
        assertThat(s.get("fourier_sparsification_step")).isEqualTo(300);
        assertThat(s.get("generalization_step")).isEqualTo(400);
        assertThat(a.noTransitionStep()).isNull();
    }

    @Test
    void saysWhatShortensTheWaitWhenStuckInTheKernelRegimeAsAnObservationNotAdvice() {
        Advisor a = new Advisor(S, new Advisor.Context(0.0, 4.0, 500, 9409));
        List<String> events = new java.util.ArrayList<>();
        for (int step = 0; step <= 1000; step += 100) {
            a.onEval(step, step >= 100 ? 1.0 : 0.5, 0.01, 60 + step / 1000.0);
            a.onProbe(step, 0.01, 0.02);
            events.addAll(a.drainEvents());
        }
        assertThat(a.state()).isEqualTo(Advisor.State.MEMORIZING);
        assertThat(a.noTransitionStep()).isEqualTo(600); // memorized at 100, patience 500
        assertThat(a.summary().get("no_transition_step")).isEqualTo(600);
        assertThat(a.summary()).doesNotContainKey("recommendation");
        assertThat(events)
                .filteredOn(e -> e.contains("no sign of transition"))
                .singleElement()
                .asString()
                .startsWith("step 600: no sign of transition. Evidence: train set fit at step 100")
                .contains("A forecast, not advice")
                .contains("add weight decay")
                .contains("lower the initialization scale")
                .contains("add data")
                .doesNotContain("Recommendation");
        assertThat(a.status()).isEqualTo("memorizing (no sign of transition)");
    }

    @Test
    void noAdviceBeforePatienceOrOnceTransitioning() {
        Advisor a = new Advisor(S, new Advisor.Context(1.0, 1.0, 5000, 9409));
        a.onEval(0, 1.0, 0.0, 10);
        a.onEval(400, 1.0, 0.0, 10);
        assertThat(a.noTransitionStep()).isNull();
        a.onEval(450, 1.0, 0.0, 8.5); // decaying norm: transitioning
        a.onEval(5000, 1.0, 0.0, 8.5);
        assertThat(a.noTransitionStep()).isNull();
        assertThat(a.state()).isEqualTo(Advisor.State.MEMORIZING);
    }

    @Test
    void aForecastSetsTheStateAndItsFirstFormingAndStalledVerdictsAreEvents() {
        var forming = new org.grokscope.analysis.Forecaster.Assessment(
                0.95, org.grokscope.analysis.Forecaster.Verdict.FORMING, 2000, 1500, 3000, "embed_gini 0.4 (+2.0)");
        var none = new org.grokscope.analysis.Forecaster.Assessment(
                0.5, org.grokscope.analysis.Forecaster.Verdict.NONE, 2000, 1500, 3000, "");
        var stalled = new org.grokscope.analysis.Forecaster.Assessment(
                0.02,
                org.grokscope.analysis.Forecaster.Verdict.STALLED,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                "norm_vs_peak 0 (-1.5)");
        Advisor a = new Advisor(S, new Advisor.Context(1.0, 1.0, 3000, 9409));
        a.onEval(0, 0.5, 0.0, 10);
        a.onForecast(0, forming);
        assertThat(a.state()).as("not fit yet: no verdict").isEqualTo(Advisor.State.MEMORIZING);
        assertThat(a.drainEvents()).isEmpty();
        a.onEval(100, 1.0, 0.0, 10);
        a.onForecast(100, forming);
        assertThat(a.state()).isEqualTo(Advisor.State.FORMING);
        assertThat(a.formingStep()).isEqualTo(100);
        assertThat(a.status()).isEqualTo("forming, P 0.95, ETA step 2,000 (1,500-3,000)");
        assertThat(a.drainEvents())
                .singleElement()
                .asString()
                .contains("forming: P(generalize within the budget) 0.95")
                .contains("embed_gini");
        a.onForecast(200, none);
        assertThat(a.state()).as("the state follows the latest forecast").isEqualTo(Advisor.State.MEMORIZING);
        a.onForecast(300, stalled);
        assertThat(a.drainEvents())
                .as("no stalled verdict once a run was forming")
                .isEmpty();
        a.onEval(400, 1.0, 0.995, 9);
        assertThat(a.state()).isEqualTo(Advisor.State.GENERALIZED);

        Advisor b = new Advisor(S, new Advisor.Context(0.0, 4.0, 500, 9409));
        b.onEval(100, 1.0, 0.0, 10);
        b.onForecast(100, stalled);
        assertThat(b.state()).isEqualTo(Advisor.State.STALLED);
        // a forecast with what shortens the wait, not a recommendation: on runs it never saw it also fired on late
        // groks
        assertThat(b.drainEvents())
                .singleElement()
                .asString()
                .startsWith("step 100: stalled: P(generalize within the budget) 0.02")
                .contains("Evidence: norm_vs_peak")
                .contains("A forecast, not advice")
                .contains("add weight decay")
                .contains("lower the initialization scale")
                .contains("add data")
                .doesNotContain("Recommendation");
        assertThat(b.status()).isEqualTo("stalled, P 0.02");
        // weight decay, α and data already where grokking is known to happen: nothing to list, and it says so
        Advisor c = new Advisor(S, new Advisor.Context(1.0, 1.0, 5000, 9409));
        c.onEval(100, 1.0, 0.0, 10);
        c.onForecast(100, stalled);
        assertThat(c.drainEvents())
                .singleElement()
                .asString()
                .endsWith("A forecast, not advice (runs that grok late look like this too); the configuration is in the"
                        + " range where grokking is known to happen, if later");
    }

    static org.grokscope.train.Evaluation eval(int step, double trainAcc, double testAcc, double softmaxOne) {
        return new org.grokscope.train.Evaluation(
                step,
                1e-3,
                1e-6,
                trainAcc,
                5.0,
                testAcc,
                0,
                40,
                2,
                30,
                new org.grokscope.train.Evaluation.Collapse(softmaxOne, softmaxOne / 2, softmaxOne));
    }

    @Test
    void flagsSoftmaxCollapseWithEvidenceAndAdviceThatFitsTheRun() {
        Advisor a = new Advisor(
                S,
                new Advisor.Context(
                        0.0,
                        1.0,
                        3000,
                        9409,
                        org.grokscope.engine.LossFunction.CROSS_ENTROPY,
                        org.grokscope.engine.LossPrecision.FP32,
                        false));
        a.onEval(eval(100, 1.0, 0.02, 0.3)); // under the default threshold (one half)
        assertThat(a.state()).isNotEqualTo(Advisor.State.COLLAPSED);
        a.onEval(eval(200, 1.0, 0.02, 0.95));
        assertThat(a.state()).isEqualTo(Advisor.State.COLLAPSED);
        assertThat(a.status()).isEqualTo("collapsed");
        String msg = String.join("\n", a.drainEvents());
        assertThat(msg)
                .contains("step 200: softmax collapse: learning has stopped on 95.0% of the training examples (fp32)")
                .contains("loss exactly 0 for 95.0%")
                .contains("gradient exactly 0 for 47.5%")
                .contains("test accuracy 2.0%")
                .contains("add weight decay")
                .contains("stablemax_ce")
                .contains("optimizer.orthogonal: true")
                .contains("loss_precision: fp64")
                .contains("lower the learning rate");
        assertThat(a.summary().get("softmax_collapse_step")).isEqualTo(200);
        a.onEval(eval(300, 1.0, 0.02, 0.2)); // the share falls back (a slingshot): the state follows, the record stays
        assertThat(a.state()).isNotEqualTo(Advisor.State.COLLAPSED);
        assertThat(a.summary().get("softmax_collapse_step")).isEqualTo(200);
        assertThat(a.drainEvents()).isEmpty(); // flagged once
    }

    @Test
    void aLargeInitializationsSaturatedSoftmaxIsNoCollapseWhileTheRunFitsOrItsMarginsShrink() {
        // IMDB with alpha 20 and weight decay 0.1 (imdb-grok): half the labels at probability 1 from step 0, falling as
        // it fits
        Advisor a = new Advisor(
                S,
                new Advisor.Context(
                        0.1,
                        20.0,
                        1000,
                        2000,
                        org.grokscope.engine.LossFunction.CROSS_ENTROPY,
                        org.grokscope.engine.LossPrecision.FP64,
                        false));
        a.onEval(eval(0, 0.527, 0.495, 0.504));
        a.onEval(eval(100, 0.71, 0.563, 0.62)); // still fitting: the wrong half trains the model
        a.onEval(eval(400, 0.997, 0.57, 0.55)); // fit, but the share is falling: weight decay shrinks the margins
        a.onEval(eval(500, 1.0, 0.57, 0.52));
        assertThat(a.drainEvents()).noneMatch((m) -> m.contains("softmax collapse"));
        assertThat(a.summary().get("softmax_collapse_step")).isNull();
        a.onEval(eval(600, 1.0, 0.57, 0.53)); // fit and climbing again over the threshold: that is a collapse
        assertThat(a.drainEvents()).anyMatch((m) -> m.startsWith("step 600: softmax collapse"));
    }

    @Test
    void noCollapseAdviceAlreadyFollowedNorForMseOrAfterGeneralizing() {
        Advisor sm = new Advisor(
                S,
                new Advisor.Context(
                        1.0,
                        1.0,
                        3000,
                        9409,
                        org.grokscope.engine.LossFunction.STABLEMAX_CE,
                        org.grokscope.engine.LossPrecision.FP64,
                        true));
        sm.onEval(eval(100, 1.0, 0.02, 1.0));
        String msg = String.join("\n", sm.drainEvents());
        assertThat(msg)
                .contains("softmax collapse")
                .doesNotContain("add weight decay")
                .doesNotContain("stablemax_ce")
                .doesNotContain("optimizer.orthogonal")
                .doesNotContain("loss_precision")
                .contains("lower the learning rate");
        Advisor mse = new Advisor(S, new Advisor.Context(0.0, 1.0, 3000, 9409));
        mse.onEval(new org.grokscope.train.Evaluation(
                100,
                1e-3,
                0,
                1.0,
                1,
                0.0,
                0,
                40,
                2,
                30,
                new org.grokscope.train.Evaluation.Collapse(1.0, 1.0, Double.NaN)));
        assertThat(mse.state()).isNotEqualTo(Advisor.State.COLLAPSED);
        Advisor done = new Advisor(S, new Advisor.Context(0.0, 1.0, 3000, 9409));
        done.onEval(eval(100, 1.0, 1.0, 1.0)); // generalized and confident: not a collapse that stops learning
        assertThat(done.state()).isEqualTo(Advisor.State.GENERALIZED);
        assertThat(done.summary().get("softmax_collapse_step")).isNull();
    }
}
