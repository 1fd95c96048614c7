package org.grokscope.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.grokscope.config.ConfigLoader;
import org.grokscope.data.Dataset;
import org.grokscope.data.text.TextTask;
import org.grokscope.run.Experiment;
import org.junit.jupiter.api.Test;

class SyntheticTextTest {
    @Test
    void lengthsFollowImdbsVentilesAndSequencesLookLikeTheTokenizers() {
        Dataset d = SyntheticText.imdbLike(20_000, 256, 30_522, 1);
        int[] tok = d.tokens();
        long kept = 0;
        int[] len = new int[d.size()];
        for (int e = 0; e < d.size(); e++) {
            assertThat(tok[e * 256]).isEqualTo(TextTask.CLS);
            int l = 0;
            while (l < 256 && tok[e * 256 + l] != 0) l++;
            for (int t = l; t < 256; t++)
                assertThat(tok[e * 256 + t]).as("padding only at the end").isZero();
            for (int t = 1; t < l; t++) assertThat(tok[e * 256 + t]).isBetween(TextTask.CLS + 1, 30_521);
            len[e] = l;
            kept += l;
        }
        java.util.Arrays.sort(len);
        assertThat((double) kept / d.size()).isCloseTo(159.4, org.assertj.core.data.Offset.offset(2.0)); // IMDB's mean
        assertThat(len[len.length / 2]).isBetween(155, 163); // its median, 159
        assertThat(len[0]).isGreaterThanOrEqualTo(9);
        assertThat(len[len.length - 1]).isLessThanOrEqualTo(256);
        assertThat(SyntheticText.imdbLike(50, 256, 30_522, 1).tokens())
                .isEqualTo(SyntheticText.imdbLike(50, 256, 30_522, 1).tokens());
        assertThat(SyntheticText.length(0)).isEqualTo(9);
        assertThat(SyntheticText.length(1)).isEqualTo(256);
    }

    @Test
    void theImdbPaperWorkloadTrainsWithoutTheDataset() throws Exception {
        var cfg = ConfigLoader.load(ConfigLoader.Source.preset("imdb-paper"), List.of("training.batch_size=8"));
        try (Experiment ex = Benchmarks.experiment(cfg, 2)) {
            assertThat(ex.dataInfo).containsEntry("synthetic", true);
            assertThat(ex.train.size()).isEqualTo(Benchmarks.IMDB_TRAIN);
            assertThat(ex.probes).isNull();
            ex.trainer.trainStep();
            assertThat(ex.trainer.flopsPerStep()).isPositive();
        }
    }
}
