package org.grokscope.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.RunConfig;
import org.grokscope.run.RunSummary;
import org.grokscope.run.Runner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small network memorizes first and generalizes much later; without weight decay it does not in the same budget. */
class GrokkingTest {
    @TempDir
    Path tmp;

    static final String SMALL = """
            name: small-grok
            task: {op: add, p: 47, train_fraction: 0.5}
            model: {kind: mlp, embed_dim: 64, hidden: 256}
            optimizer: {kind: adamw, lr: 1.0e-2, weight_decay: 1.0, beta2: 0.98}
            training: {steps: 3000, eval_every: 10, stop_at_test_acc: 0.99, stop_patience: 3}
            """;

    RunSummary run(String dir, String... sets) throws Exception {
        RunConfig c = ConfigLoader.load(new ConfigLoader.Source("small.yaml", SMALL, false), List.of(sets));
        return Runner.job(c, tmp.resolve(dir)).threads(2).command("test").run().summary();
    }

    @Test
    void memorizesThenGeneralizesLater() throws Exception {
        RunSummary s = run("wd1");
        assertThat(s.status()).isEqualTo(org.grokscope.train.Trainer.Status.STOPPED_EARLY);
        assertThat(s.memorizationStep()).isNotNull();
        assertThat(s.generalizationStep()).isNotNull();
        assertThat(s.finalTestAcc()).isGreaterThanOrEqualTo(0.99);
        assertThat(s.generalizationStep()).isGreaterThanOrEqualTo(5 * s.memorizationStep());
        assertThat(s.grokkingGap()).isEqualTo(s.generalizationStep() - s.memorizationStep());
    }

    @Test
    void withoutWeightDecayItOnlyMemorizesInTheSameBudget() throws Exception {
        RunSummary s = run("wd0", "optimizer.weight_decay=0", "training.steps=1000");
        assertThat(s.memorizationStep()).isNotNull();
        assertThat(s.generalizationStep()).isNull();
        assertThat(s.finalTestAcc()).isLessThan(0.9);
    }
}
