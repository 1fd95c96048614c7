package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.grokscope.data.OnBadRow;

/**
 * Classification from a numeric table (see {@link org.grokscope.data.table.TableTask}): {@code dataset} csv (your own
 * CSV or TSV at {@code path}, a header row naming the columns) or breast-cancer (the Wisconsin diagnostic set that
 * ships with grokscope). {@code label} is the label column (default the last), {@code features} the feature columns
 * (default all others but {@code drop}); {@code labels} fixes the classes and their order. The test split is the file
 * {@code test_path}, else a stratified {@code holdout} share (default 0.2). {@code window} makes each example
 * {@code length} consecutive rows of a series ordered by {@code order_by} (per {@code group_by}); the test split is
 * then the last holdout share of each series. Rows with missing or non-numeric cells stop the run, or with
 * {@code on_bad_row: skip} are left out and counted.
 */
@JsonPropertyOrder({
    "dataset",
    "path",
    "test_path",
    "delimiter",
    "label",
    "target",
    "features",
    "drop",
    "labels",
    "holdout",
    "on_bad_row",
    "window",
    "train_count",
    "test_count",
    "split_seed",
    "standardize"
})
public record Table(
        String dataset,
        String path,
        String testPath,
        String delimiter,
        String label,
        TableTarget target,
        java.util.List<String> features,
        java.util.List<String> drop,
        java.util.List<String> labels,
        Double holdout,
        OnBadRow onBadRow,
        TableWindow window,
        Integer trainCount,
        Integer testCount,
        Long splitSeed,
        Boolean standardize)
        implements TaskSpec {
    public static final java.util.List<String> DATASETS = java.util.List.of("csv", "breast-cancer");

    public Table {
        if (dataset == null) dataset = "csv";
        if (target == null) target = TableTarget.CLASS;
        if (holdout == null && testPath == null) holdout = 0.2;
        if (onBadRow == null) onBadRow = OnBadRow.ERROR;
        if (testCount == null) testCount = 0;
        if (standardize == null) standardize = true;
    }

    /**
     * The separator character: as given (",", ";", "\t", or the words comma, semicolon, tab), else null (by the file's
     * name).
     */
    public Character separator() {
        if (delimiter == null) return null;
        return switch (delimiter) {
            case "comma" -> ',';
            case "semicolon" -> ';';
            case "tab", "\\t" -> '\t';
            default -> delimiter.length() == 1 ? delimiter.charAt(0) : null;
        };
    }

    @Override
    public Double trainFraction() {
        return null;
    }

    @Override
    public void validate(Problems p) {
        p.require(DATASETS.contains(dataset), "task.dataset", "must be one of " + DATASETS + ", got '" + dataset + "'");
        if (dataset.equals("csv"))
            p.require(path != null, "task.path", "dataset csv needs a path (a CSV or TSV file with a header row)");
        else
            p.require(
                    path == null,
                    "task.path",
                    "dataset " + dataset + " ships with grokscope; use dataset csv for a file of your own");
        if (delimiter != null)
            p.require(
                    separator() != null && separator() != '"' && separator() != '\n' && separator() != '\r',
                    "task.delimiter",
                    "must be one character (',', ';', '\\t') or comma, semicolon, tab; got '" + delimiter + "'");
        if (testPath != null) p.require(holdout == null, "task.holdout", "give test_path or holdout, not both");
        if (holdout != null)
            p.require(holdout > 0 && holdout < 1, "task.holdout", "must be in (0, 1) (the test share), got " + holdout);
        if (labels != null)
            p.require(
                    labels.size() >= 2 && new java.util.HashSet<>(labels).size() == labels.size(),
                    "task.labels",
                    "needs at least two distinct labels, got " + labels);
        if (target == TableTarget.VALUE)
            p.require(labels == null, "task.labels", "a value target (regression) has no classes");
        if (features != null)
            p.require(
                    !features.isEmpty(),
                    "task.features",
                    "needs at least one column (or leave it out: every column but the label)");
        if (features != null && label != null)
            p.require(!features.contains(label), "task.features", "'" + label + "' is the label column");
        if (window != null) window.validate(p);
        if (trainCount != null) p.require(trainCount >= 2, "task.train_count", "must be >= 2, got " + trainCount);
        p.require(testCount >= 0, "task.test_count", "must be >= 0 (0 = the whole test split), got " + testCount);
    }
}
