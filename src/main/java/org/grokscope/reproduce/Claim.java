package org.grokscope.reproduce;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * One paper's claim: where it comes from, the sweeps that reproduce it (the paper's setting, and a quick form that is
 * smaller and says how), and the rows a reader compares, each with the paper's figure.
 */
public record Claim(String name, String paper, String claim, Form full, Form quick, List<Row> rows) {
    public Claim {
        if (rows == null) rows = List.of();
    }

    /**
     * A sweep that reproduces the claim: a bundled sweep (under {@code reproductions/}, else {@code sweeps/}), its
     * expected wall time on 2 cores and, for a quick form, what it leaves out.
     */
    public record Form(String sweep, Double minutes, String note) {}

    /**
     * A line of the comparison: the runs whose resolved config has every {@code where} value (config paths such as
     * {@code optimizer.grokfast.kind}; empty = every run), what is measured on them, and the paper's figure as a number
     * (where it gives one) and as text.
     */
    public record Row(
            String label, LinkedHashMap<String, String> where, Measure measure, Double paper, String paperText) {
        public Row {
            if (where == null) where = new LinkedHashMap<>();
        }
    }

    /**
     * What a row reads: per run (steps to a threshold, final accuracy) or once per sweep (fitted CDS, scaling slope).
     */
    public record Measure(Kind kind, Double threshold) {
        public enum Kind {
            /** first evaluated step whose test accuracy is at least the threshold */
            STEPS_TO_TEST_ACC,
            /** first evaluated step whose training accuracy is at least the threshold */
            STEPS_TO_TRAIN_ACC,
            /** test accuracy at the last evaluation */
            FINAL_TEST_ACC,
            /** the critical data size fitted to the sweep (cds.json, first group) */
            CDS_FIT,
            /** log-log slope of the generalization step against the swept value (scaling.json) */
            SCALING_SLOPE;

            /** Read by its key in lower case ({@code steps_to_test_acc}), as the config's closed sets are. */
            @com.fasterxml.jackson.annotation.JsonCreator
            public static Kind of(String key) {
                for (Kind k : values()) if (k.key().equalsIgnoreCase(key)) return k;
                StringBuilder all = new StringBuilder();
                for (Kind k : values())
                    all.append(all.length() == 0 ? "" : ", ").append(k.key());
                throw new IllegalArgumentException("must be one of " + all + ", got '" + key + "'");
            }

            @com.fasterxml.jackson.annotation.JsonValue
            public String key() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }

            boolean perRun() {
                return switch (this) {
                    case STEPS_TO_TEST_ACC, STEPS_TO_TRAIN_ACC, FINAL_TEST_ACC -> true;
                    case CDS_FIT, SCALING_SLOPE -> false;
                };
            }

            boolean needsThreshold() {
                return this == STEPS_TO_TEST_ACC || this == STEPS_TO_TRAIN_ACC;
            }
        }
    }

    /** The registry file's shape. */
    public record Registry(List<Claim> claims) {}
}
