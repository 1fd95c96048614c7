package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.grokscope.data.OnBadRow;
import org.grokscope.data.text.StarsRule;

/**
 * Labelled text (see {@link org.grokscope.data.text.TextSource} for the formats and
 * {@link org.grokscope.data.text.TextTask} for subsets, vocabulary and sequences). {@code path} may be left out for
 * imdb and yelp-polarity: then the archive fetched or imported into the data cache is used.
 */
@JsonPropertyOrder({
    "dataset",
    "path",
    "test_path",
    "text_field",
    "label_field",
    "labels",
    "stars_rule",
    "holdout",
    "on_bad_row",
    "train_count",
    "train_fraction",
    "test_count",
    "split_seed",
    "tokenizer",
    "lowercase",
    "vocab_size",
    "min_count",
    "vocab_file",
    "max_len",
    "long_docs",
    "resplit"
})
public record Text(
        org.grokscope.data.text.TextSource.Kind dataset,
        String path,
        String testPath,
        String textField,
        String labelField,
        java.util.List<String> labels,
        StarsRule starsRule,
        Double holdout,
        OnBadRow onBadRow,
        Integer trainCount,
        Double trainFraction,
        Integer testCount,
        Long splitSeed,
        TokenizerKind tokenizer,
        Boolean lowercase,
        Integer vocabSize,
        Integer minCount,
        String vocabFile,
        Integer maxLen,
        LongDocs longDocs,
        Double resplit)
        implements TaskSpec {
    public Text {
        if (dataset == null) dataset = org.grokscope.data.text.TextSource.Kind.IMDB;
        if (textField == null) textField = "text";
        if (labelField == null) labelField = "label";
        if (starsRule == null) starsRule = StarsRule.POLARITY;
        if (holdout == null) holdout = 0.25;
        if (onBadRow == null) onBadRow = OnBadRow.ERROR;
        if (trainFraction == null && trainCount == null) trainFraction = 1.0;
        if (testCount == null) testCount = 2000;
        if (tokenizer == null) tokenizer = TokenizerKind.WORD;
        if (lowercase == null) lowercase = true;
        if (vocabSize == null) vocabSize = 10_000;
        if (minCount == null) minCount = 1;
        if (maxLen == null) maxLen = 256;
        if (longDocs == null) longDocs = LongDocs.TRUNCATE;
    }

    @Override
    public void validate(Problems p) {
        // the two a user can fetch by name (grokscope data fetch); every other source is read from task.path
        boolean known = dataset == org.grokscope.data.text.TextSource.Kind.IMDB
                || dataset == org.grokscope.data.text.TextSource.Kind.YELP_POLARITY;
        if (!known)
            p.require(
                    path != null,
                    "task.path",
                    "dataset " + dataset.id() + " needs a path (the file or folder to read)");
        p.require(holdout > 0 && holdout < 1, "task.holdout", "must be in (0, 1), got " + holdout);
        if (trainFraction != null && trainCount != null)
            p.add("task.train_count", "give train_fraction or train_count, not both");
        if (trainFraction != null)
            p.require(
                    trainFraction > 0 && trainFraction <= 1,
                    "task.train_fraction",
                    "must be in (0, 1], got " + trainFraction);
        if (trainCount != null) p.require(trainCount >= 2, "task.train_count", "must be >= 2, got " + trainCount);
        p.require(testCount >= 0, "task.test_count", "must be >= 0 (0 = the whole test split), got " + testCount);
        if (tokenizer == TokenizerKind.WORDPIECE)
            p.require(
                    vocabFile != null,
                    "task.vocab_file",
                    "the wordpiece tokenizer needs a BERT vocab.txt (e.g. bert-base-uncased's)");
        p.require(
                vocabSize >= 4 && vocabSize <= 1 << 22, "task.vocab_size", "must be in [4, 4194304], got " + vocabSize);
        p.require(minCount >= 1, "task.min_count", "must be >= 1, got " + minCount);
        p.require(maxLen >= 3 && maxLen <= 4096, "task.max_len", "must be in [3, 4096], got " + maxLen);
        if (resplit != null)
            p.require(
                    resplit > 0 && resplit < 1,
                    "task.resplit",
                    "must be in (0, 1) (the test share of the pooled splits), or absent, got " + resplit);
        if (labels != null)
            p.require(
                    labels.size() >= 2 && new java.util.HashSet<>(labels).size() == labels.size(),
                    "task.labels",
                    "needs at least two distinct labels, got " + labels);
    }
}
