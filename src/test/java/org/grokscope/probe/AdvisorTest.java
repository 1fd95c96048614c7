package org.grokscope.probe;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(a.state()).isEqualTo(Advisor.State.KERNEL_REGIME);
        a.onEval(200, 1.0, 0.03, 53);
        a.onProbe(200, 0.5, 0.05);                     // the kernel moves
        assertThat(a.state()).isEqualTo(Advisor.State.TRANSITIONING);
        a.onEval(300, 1.0, 0.2, 45);                   // 15 % below the peak of 53
        a.onProbe(300, 0.8, 0.3);                      // Gini up 0.28 from 0.02
        a.onEval(400, 1.0, 0.995, 40);
        assertThat(a.state()).isEqualTo(Advisor.State.GENERALIZED);
        var s = a.summary();
        assertThat(s.get("memorization_step")).isEqualTo(100);
        assertThat(s.get("kernel_departure_step")).isEqualTo(200);
        assertThat(s.get("norm_decay_step")).isEqualTo(300);
        assertThat(s.get("fourier_sparsification_step")).isEqualTo(300);
        assertThat(s.get("generalization_step")).isEqualTo(400);
        assertThat(a.recommendation()).isNull();
    }

    @Test
    void recommendsWeightDecayAndDataWhenStuckInTheKernelRegime() {
        Advisor a = new Advisor(S, new Advisor.Context(0.0, 4.0, 500, 9409));
        for (int step = 0; step <= 1000; step += 100) {
            a.onEval(step, step >= 100 ? 1.0 : 0.5, 0.01, 60 + step / 1000.0);
            a.onProbe(step, 0.01, 0.02);
        }
        assertThat(a.state()).isEqualTo(Advisor.State.KERNEL_REGIME);
        assertThat(a.recommendation()).contains("add weight decay").contains("lower the initialization scale").contains("add data");
        assertThat(a.summary().get("recommended_at")).isEqualTo(600);  // memorized at 100, patience 500
        assertThat(a.status()).contains("advice");
    }

    @Test
    void noAdviceBeforePatienceOrOnceTransitioning() {
        Advisor a = new Advisor(S, new Advisor.Context(1.0, 1.0, 5000, 9409));
        a.onEval(0, 1.0, 0.0, 10);
        a.onEval(400, 1.0, 0.0, 10);
        assertThat(a.recommendation()).isNull();
        a.onEval(450, 1.0, 0.0, 8.5);                 // decaying norm: transitioning
        a.onEval(5000, 1.0, 0.0, 8.5);
        assertThat(a.recommendation()).isNull();
        assertThat(a.state()).isEqualTo(Advisor.State.TRANSITIONING);
    }
}
