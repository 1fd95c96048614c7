package org.grokscope.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchmarksTest {
    /** An image preset is timed on synthetic images of its shape: it needs no data set on the machine. */
    @Test
    void imagePresetsRunOnSyntheticImagesOfTheirShape() throws Exception {
        for (String preset : java.util.List.of("omnigrok-mnist", "conv-fashion")) {
            var cfg = org.grokscope.config.ConfigLoader.load(
                    org.grokscope.config.ConfigLoader.Source.preset(preset),
                    java.util.List.of("task.path=/nonexistent/" + preset)); // were the data read, this would fail
            try (org.grokscope.run.Experiment ex = Benchmarks.experiment(cfg, 1)) {
                org.assertj.core.api.Assertions.assertThat(ex.features.dim()).isEqualTo(784);
                org.assertj.core.api.Assertions.assertThat(ex.features.train().size())
                        .isEqualTo(1000);
                org.assertj.core.api.Assertions.assertThat(ex.probes).isNull();
                ex.trainer.trainStep();
                org.assertj.core.api.Assertions.assertThat(ex.trainer.batchSize())
                        .isEqualTo(200);
                org.assertj.core.api.Assertions.assertThat(ex.trainer.flopsPerStep())
                        .isGreaterThan(1e8);
            }
        }
    }

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

    @Test
    void theDetailSaysWhichModesTheMeasuredStepsRanIn() {
        assertThat(Benchmarks.threadShares(new long[] {0, 0, 100}, 100, new long[] {0, 0, 130}, 130, 2))
                .isEmpty();
        assertThat(Benchmarks.threadShares(new long[] {0, 3, 100}, 90, new long[] {0, 6, 127}, 110, 2))
                .isEqualTo(" (measured steps: 20 eager, 7 parking on 2, 3 on 1 thread)");
    }
}
