package org.grokscope.bench;

import org.grokscope.data.Dataset;
import org.grokscope.data.text.TextTask;
import org.grokscope.engine.Rng;

/**
 * Token batches shaped like the CDS paper's IMDB run, for timing it without the dataset: [CLS], then words, then
 * padding, with lengths drawn from IMDB's own distribution at 256 tokens (reviews longer than that dropped, as
 * imdb-paper does; the word tokenizer's lengths, read off the 24,139 training reviews: mean 159.4, 62 % of positions
 * hold a token) and word ids from a Zipf law over the vocabulary (a text's frequent words repeat, which the embedding
 * gradient's scatter sees). The engine's step time depends on the lengths (padding is not computed), not on which words
 * they are.
 */
public final class SyntheticText {
    /** Lengths (with [CLS]) at the 0, 5, …, 100th percentiles of imdb-paper's training set. */
    static final int[] IMDB_LENGTH_VENTILES = {
        9, 64, 84, 103, 120, 130, 137, 143, 149, 154, 159, 165, 172, 180, 188, 197, 206, 217, 229, 242, 256
    };

    private SyntheticText() {}

    /** n examples of seqLen positions over vocab ids, two balanced classes; the same for the same seed. */
    public static Dataset imdbLike(int n, int seqLen, int vocab, long seed) {
        Rng r = new Rng(seed);
        int[] tok = new int[n * seqLen], y = new int[n];
        int first = TextTask.CLS + 1, words = vocab - first;
        double logWords = Math.log(words);
        for (int e = 0; e < n; e++) {
            int len = Math.min(seqLen, length(r.nextDouble()) * seqLen / 256);
            tok[e * seqLen] = TextTask.CLS;
            for (int t = 1; t < len; t++)
                tok[e * seqLen + t] = first + Math.min(words - 1, (int) Math.exp(r.nextDouble() * logWords) - 1);
            y[e] = e % 2;
        }
        return new Dataset(tok, y, seqLen, vocab, 2);
    }

    /** The length at quantile u, linear between the ventiles. */
    static int length(double u) {
        double x = u * 20;
        int i = Math.min(19, (int) x);
        double f = x - i;
        return (int) Math.round(IMDB_LENGTH_VENTILES[i] + f * (IMDB_LENGTH_VENTILES[i + 1] - IMDB_LENGTH_VENTILES[i]));
    }
}
