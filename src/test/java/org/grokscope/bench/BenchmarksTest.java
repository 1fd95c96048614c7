package org.grokscope.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchmarksTest {
    @Test
    void warmupEndsAtTheFirstSteadyWindowAndIgnoresALateOutlier() {
        double[] ms = {500, 200, 100, 60, 55, 56, 54, 90, 55, 55, 55, 300, 55};
        Benchmarks.Warmup w = Benchmarks.warmup(ms, 55);
        assertThat(w.firstMs()).isEqualTo(500);
        assertThat(w.steps()).isEqualTo(3);
        assertThat(w.seconds()).isEqualTo(0.8, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void warmupThatNeverSettlesCountsEveryStep() {
        Benchmarks.Warmup w = Benchmarks.warmup(new double[] {90, 80, 70, 70, 70, 70}, 50);
        assertThat(w.steps()).isEqualTo(6);
        assertThat(w.seconds()).isEqualTo(0.45, org.assertj.core.data.Offset.offset(1e-12));
    }
}
