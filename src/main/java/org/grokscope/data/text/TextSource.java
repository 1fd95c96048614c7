package org.grokscope.data.text;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.grokscope.data.OnBadRow;

/**
 * Where labelled text comes from and how to read it.
 *
 * <ul>
 *   <li>{@code imdb}: the aclImdb layout (a directory, or the .tar.gz); train/test × pos/neg folders of ID_RATING.txt
 *       files; labels neg = 0, pos = 1 (the rating in the file name is checked: 1–4 or 7–10).
 *   <li>{@code yelp-polarity}, {@code yelp-full}: Zhang et al.'s CSVs (train.csv, test.csv in a directory or the
 *       .tar.gz): "class","text" with doubled quotes and literal "\n" for line breaks; classes 1–2 (negative, positive)
 *       or 1–5 (stars).
 *   <li>{@code yelp-json}: Yelp's review dump, one JSON object per line with "stars" and "text"; rule {@code polarity}:
 *       1–2 stars negative, 4–5 positive, 3 dropped (as Zhang et al. built yelp-polarity); rule {@code stars}: five
 *       classes, stars − 1.
 *   <li>{@code csv} (header row) and {@code jsonl}: the user's own data, with named text and label fields; labels are
 *       the listed names in order, or every distinct label seen, sorted.
 * </ul>
 *
 * Single-file sources without a {@code testPath} hold out a {@code holdout} fraction of rows for testing, chosen by a
 * hash of (seed, row number), so the split is fixed whatever else changes. Made with {@link #of}'s builder: every field
 * but the kind and the path has a default (fields "text" and "label", classes as found, polarity, a quarter held out
 * with seed 0, a malformed row an error).
 */
public record TextSource(
        Kind kind,
        Path path,
        Path testPath,
        String textField,
        String labelField,
        List<String> labels,
        StarsRule starsRule,
        double holdout,
        long holdoutSeed,
        OnBadRow onBadRow) {

    /** A source of this kind at this path, with every other field at its default until the builder sets it. */
    public static Builder of(Kind kind, Path path) {
        return new Builder(kind, path);
    }

    /** Whether malformed rows are skipped and counted rather than refused. */
    public boolean skipBadRows() {
        return onBadRow == OnBadRow.SKIP;
    }

    /** Builds a {@link TextSource}; see the record for the defaults. */
    public static final class Builder {
        private final Kind kind;
        private final Path path;
        private Path testPath;
        private String textField = "text", labelField = "label";
        private List<String> labels;
        private StarsRule starsRule = StarsRule.POLARITY;
        private double holdout = 0.25;
        private long holdoutSeed;
        private OnBadRow onBadRow = OnBadRow.ERROR;

        private Builder(Kind kind, Path path) {
            this.kind = kind;
            this.path = path;
        }

        /** The test split's own file (null: hold out rows of {@code path}). */
        public Builder testPath(Path p) {
            testPath = p;
            return this;
        }

        /** The fields that hold a row's text and label (csv, jsonl). */
        public Builder fields(String text, String label) {
            textField = text;
            labelField = label;
            return this;
        }

        /** The class names in label order (null: every distinct label seen, sorted). */
        public Builder labels(List<String> names) {
            labels = names;
            return this;
        }

        public Builder starsRule(StarsRule r) {
            starsRule = r;
            return this;
        }

        /** The share of rows held out for testing when there is no test file, and the seed that picks them. */
        public Builder holdout(double share, long seed) {
            holdout = share;
            holdoutSeed = seed;
            return this;
        }

        public Builder onBadRow(OnBadRow o) {
            onBadRow = o;
            return this;
        }

        public TextSource build() {
            return new TextSource(
                    kind, path, testPath, textField, labelField, labels, starsRule, holdout, holdoutSeed, onBadRow);
        }
    }

    public enum Kind {
        IMDB,
        YELP_POLARITY,
        YELP_FULL,
        YELP_JSON,
        CSV,
        JSONL;

        public static Kind parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "imdb" -> IMDB;
                case "yelp-polarity", "yelp_polarity" -> YELP_POLARITY;
                case "yelp-full", "yelp_full" -> YELP_FULL;
                case "yelp-json", "yelp_json" -> YELP_JSON;
                case "csv" -> CSV;
                case "jsonl", "json-lines" -> JSONL;
                default ->
                    throw new IllegalArgumentException(
                            "unknown dataset '" + s + "' (imdb, yelp-polarity, yelp-full, yelp-json, csv, jsonl)");
            };
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether the source comes with its own train/test split. */
        public boolean hasSplit() {
            return this == IMDB || this == YELP_POLARITY || this == YELP_FULL;
        }
    }

    /** Class names in label order where the format fixes them; null when discovered from the data. */
    public List<String> classNames() {
        return switch (kind) {
            case IMDB -> List.of("neg", "pos");
            case YELP_POLARITY -> List.of("negative", "positive");
            case YELP_FULL -> List.of("1 star", "2 stars", "3 stars", "4 stars", "5 stars");
            case YELP_JSON ->
                starsRule == StarsRule.STARS
                        ? List.of("1 star", "2 stars", "3 stars", "4 stars", "5 stars")
                        : List.of("negative", "positive");
            case CSV, JSONL -> labels == null || labels.isEmpty() ? null : labels;
        };
    }
}
