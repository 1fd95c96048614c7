package org.grokscope.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.RunConfig;
import org.grokscope.run.Experiment;
import org.junit.jupiter.api.Test;

/**
 * training.last_batch: an epoch of minibatches covers every example once (keep), or leaves the remainder for later
 * (drop).
 */
class LastBatchTest {
    static Experiment experiment(String lastBatch) throws Exception {
        // (x + y) mod 11 at 60 %: 73 training pairs, batches of 32 -> 32, 32 and a remainder of 9
        RunConfig c = ConfigLoader.load(new ConfigLoader.Source("b.yaml", """
                task: {op: add, p: 11, train_fraction: 0.6}
                model: {kind: mlp, embed_dim: 8, hidden: 16}
                training: {steps: 10, batch_size: 32, last_batch: %s}
                """.formatted(lastBatch), false), List.of());
        return new Experiment(c, 1);
    }

    @Test
    void keptRemaindersMakeEveryEpochCoverEachExampleOnce() throws Exception {
        try (Experiment ex = experiment("keep")) {
            int n = ex.trainer.trainSet().size();
            assertThat(n).isEqualTo(73);
            for (int epoch = 0; epoch < 2; epoch++) {
                List<Integer> seen = new ArrayList<>();
                List<Integer> sizes = new ArrayList<>();
                for (int s = 3 * epoch; s < 3 * epoch + 3; s++) {
                    int[] b = ex.trainer.batchExamples(s);
                    sizes.add(b.length);
                    for (int i : b) seen.add(i);
                }
                assertThat(sizes).containsExactly(32, 32, 9);
                assertThat(seen).hasSize(73).doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void droppedRemaindersKeepEveryStepAFullBatch() throws Exception {
        try (Experiment ex = experiment("drop")) {
            List<Integer> seen = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                int[] b = ex.trainer.batchExamples(s);
                assertThat(b).hasSize(32);
                for (int i : b) seen.add(i);
            }
            assertThat(seen).hasSize(64).doesNotHaveDuplicates(); // 9 examples wait for the next shuffle
            assertThat(ex.trainer.batchExamples(2)).hasSize(32); // the next epoch
        }
    }

    @Test
    void aRunWithKeptRemaindersTrainsAndRerunsBitForBit() throws Exception {
        float[] a, b;
        try (Experiment ex = experiment("keep")) {
            ex.trainer.run();
            a = ex.trainer.model().params().w.clone();
        }
        try (Experiment ex = experiment("keep")) {
            ex.trainer.run();
            b = ex.trainer.model().params().w.clone();
        }
        assertThat(a).containsExactly(b);
        float[] d;
        try (Experiment ex = experiment("drop")) {
            ex.trainer.run();
            d = ex.trainer.model().params().w.clone();
        }
        assertThat(java.util.Arrays.equals(a, d)).isFalse(); // the remainder's steps changed the run
    }
}
