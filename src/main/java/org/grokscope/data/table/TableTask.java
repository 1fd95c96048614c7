package org.grokscope.data.table;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.grokscope.data.Csv;
import org.grokscope.data.Dataset;
import org.grokscope.data.Excerpt;
import org.grokscope.data.FeatureSet;
import org.grokscope.data.OnBadRow;
import org.grokscope.data.Subsets;
import org.grokscope.data.text.DataException;
import org.grokscope.data.text.TextReader;
import org.grokscope.engine.Rng;

/**
 * A classification task from a numeric table: a CSV or TSV file with a header row, one label column and numeric feature
 * columns. Each row (or, with a window, each run of {@code length} consecutive rows of a time-ordered series) is one
 * example, a row of the frozen feature table the model reads.
 *
 * <ul>
 *   <li>Columns: the label is {@code label} (default the last column); the features are {@code features} (default every
 *       other column but {@code drop} and the window's order and group columns).
 *   <li>Cells: a number in decimal notation; an empty cell or NA, NaN, null, none, ?, n/a is a missing value. A row
 *       with a missing or non-numeric feature, a missing label, a label outside {@code labels} or the wrong number of
 *       fields is an error naming file, line and column, or with {@code onBadRow} skip left out and counted.
 *   <li>Classes: {@code labels} in that order, else the training file's distinct labels, in numeric order when all are
 *       numbers and text order otherwise.
 *   <li>Split: {@code testPath}, else a stratified {@code holdout} share of each class chosen by the split seed; with a
 *       window, the last {@code holdout} share of each series is the test split (a random split would put overlapping
 *       windows on both sides), and windows that would straddle the cut are not made.
 *   <li>Training subsets are stratified and nested, as for images; a column that is constant over the training examples
 *       carries nothing and is dropped (and named in the data record); the rest are standardized by the training
 *       examples' mean and deviation.
 * </ul>
 */
public final class TableTask {
    private TableTask() {}

    /** Sliding windows over a time-ordered series: {@code length} rows, every {@code stride}-th start, per group. */
    public record Window(int length, int stride, String orderBy, String groupBy) {}

    /**
     * What a run asks for; with {@code regression} the label column holds numbers that one output is fitted to (then
     * {@code labels} is not used, subsets are seeded rather than stratified, and the target is standardized too). Made
     * with {@link #of}'s builder: every field but the path has a default (the delimiter from the file's name, the last
     * column the label, every other column a feature, classes as found, no test file and no holdout, a malformed row an
     * error, every row, split seed 0, standardized, no window, classification).
     */
    public record Settings(
            Path path,
            Path testPath,
            Character delimiter,
            String label,
            List<String> features,
            List<String> drop,
            List<String> labels,
            double holdout,
            OnBadRow onBadRow,
            Integer trainCount,
            int testCount,
            long splitSeed,
            boolean standardize,
            Window window,
            boolean regression) {

        /** A table at this path, with every other field at its default until the builder sets it. */
        public static Builder of(Path path) {
            return new Builder(path);
        }

        /** A builder that starts from these settings. */
        public Builder toBuilder() {
            Builder b = new Builder(path);
            b.testPath = testPath;
            b.delimiter = delimiter;
            b.label = label;
            b.features = features;
            b.drop = drop;
            b.labels = labels;
            b.holdout = holdout;
            b.onBadRow = onBadRow;
            b.trainCount = trainCount;
            b.testCount = testCount;
            b.splitSeed = splitSeed;
            b.standardize = standardize;
            b.window = window;
            b.regression = regression;
            return b;
        }

        boolean skipBad() {
            return onBadRow == OnBadRow.SKIP;
        }
    }

    /** Builds {@link Settings}; see the record for the defaults. */
    public static final class Builder {
        private final Path path;
        private Path testPath;
        private Character delimiter;
        private String label;
        private List<String> features, drop, labels;
        private double holdout;
        private OnBadRow onBadRow = OnBadRow.ERROR;
        private Integer trainCount;
        private int testCount;
        private long splitSeed;
        private boolean standardize = true;
        private Window window;
        private boolean regression;

        private Builder(Path path) {
            this.path = path;
        }

        /** The test split's own file (null: the {@link #holdout} share of the training file). */
        public Builder testPath(Path p) {
            testPath = p;
            return this;
        }

        /** The field separator (null: tab for .tsv, else comma). */
        public Builder delimiter(Character c) {
            delimiter = c;
            return this;
        }

        /** The label column (null: the last). */
        public Builder label(String column) {
            label = column;
            return this;
        }

        /** The feature columns (null: every column but the label, {@code drop} and the window's columns). */
        public Builder features(List<String> columns) {
            features = columns;
            return this;
        }

        public Builder drop(List<String> columns) {
            drop = columns;
            return this;
        }

        /** The class labels in order (null: the training file's, in numeric or text order). */
        public Builder labels(List<String> names) {
            labels = names;
            return this;
        }

        /** The share of each class (or of each series' end) held out for testing when there is no test file. */
        public Builder holdout(double share) {
            holdout = share;
            return this;
        }

        public Builder onBadRow(OnBadRow o) {
            onBadRow = o;
            return this;
        }

        /** How many training examples (null: all) and test examples (0: all) to use. */
        public Builder counts(Integer train, int test) {
            trainCount = train;
            testCount = test;
            return this;
        }

        public Builder splitSeed(long seed) {
            splitSeed = seed;
            return this;
        }

        public Builder standardize(boolean on) {
            standardize = on;
            return this;
        }

        public Builder window(Window w) {
            window = w;
            return this;
        }

        /** Fit one output to a numeric label column instead of classifying. */
        public Builder regression(boolean on) {
            regression = on;
            return this;
        }

        public Settings build() {
            return new Settings(
                    path,
                    testPath,
                    delimiter,
                    label,
                    features,
                    drop,
                    labels,
                    holdout,
                    onBadRow,
                    trainCount,
                    testCount,
                    splitSeed,
                    standardize,
                    window,
                    regression);
        }
    }

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Set<String> MISSING = Set.of("", "na", "nan", "null", "none", "?", "n/a", "-");

    /** The rows of one file that parsed, with where each came from. */
    private record Rows(
            String file,
            List<String> featureNames,
            List<double[]> x,
            List<String> labels,
            List<String> groups,
            List<String> orders,
            List<Long> lines,
            TextReader.Stats stats) {}

    /** The tables that ship inside grokscope, by dataset name, and their resource files. */
    public static final Map<String, String> BUNDLED = Map.of("breast-cancer", "breast-cancer-wisconsin.csv");

    /**
     * A bundled table as a file: copied from the jar into the data cache ({@code datasets/tables/}) the first time, and
     * again whenever the copy there differs from the jar's.
     */
    public static Path bundled(String dataset) {
        String name = BUNDLED.get(dataset);
        if (name == null) throw new IllegalArgumentException("no bundled table " + dataset);
        try (InputStream in = TableTask.class.getResourceAsStream("/datasets/" + name)) {
            if (in == null) throw new DataException("the bundled table " + name + " is missing from this build");
            byte[] data = in.readAllBytes();
            Path dir = org.grokscope.data.text.DataHome.dataset(org.grokscope.data.text.DataHome.cache(), "tables");
            Path f = dir.resolve(name);
            if (java.nio.file.Files.isRegularFile(f) && Arrays.equals(java.nio.file.Files.readAllBytes(f), data))
                return f;
            java.nio.file.Files.createDirectories(dir);
            Path tmp = java.nio.file.Files.createTempFile(dir, name, ".part");
            java.nio.file.Files.write(tmp, data);
            java.nio.file.Files.move(
                    tmp,
                    f,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return f;
        } catch (IOException e) {
            throw new DataException(
                    "cannot copy the bundled table " + name + " into the data cache: " + e.getMessage());
        }
    }

    /** The delimiter of {@code p}: tab for .tsv / .tab (before any .gz), else comma. */
    static char delimiterOf(Path p, Character given) {
        if (given != null) return given;
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) n = n.substring(0, n.length() - 3);
        return n.endsWith(".tsv") || n.endsWith(".tab") ? '\t' : ',';
    }

    private static Rows read(Path p, Settings s, List<String> wantFeatures) {
        TextReader.Stats st = new TextReader.Stats();
        String file = p.toString();
        try (InputStream in = TextReader.open(p)) {
            Csv csv = new Csv(TextReader.fileReader(in), file, delimiterOf(p, s.delimiter()));
            List<String> header = csv.next(null);
            if (header == null) throw DataException.at(file, 1, "empty file; expected a header row naming the columns");
            header = header.stream().map(String::trim).toList();
            Set<String> seen = new HashSet<>();
            for (String h : header)
                if (!seen.add(h))
                    throw DataException.at(file, 1, "column '" + Excerpt.of(h) + "' appears twice in the header");
            if (header.size() < 2)
                throw DataException.at(
                        file,
                        1,
                        "one column in the header"
                                + (s.delimiter() == null ? " (is the delimiter right? set task.delimiter)" : "")
                                + "; a table needs a label column and at least one feature");
            String labelName = s.label() != null ? s.label() : header.get(header.size() - 1);
            int li = column(header, labelName, file, "task.label");
            Window w = s.window();
            int oi = w != null && w.orderBy() != null ? column(header, w.orderBy(), file, "task.window.order_by") : -1;
            int gi = w != null && w.groupBy() != null ? column(header, w.groupBy(), file, "task.window.group_by") : -1;
            if (s.drop() != null) for (String d : s.drop()) column(header, d, file, "task.drop");
            List<String> names = wantFeatures;
            if (names == null) {
                names = new ArrayList<>();
                for (String h : header)
                    if (!h.equals(labelName)
                            && (s.drop() == null || !s.drop().contains(h))
                            && (w == null || !h.equals(w.orderBy()) && !h.equals(w.groupBy()))) names.add(h);
                if (names.isEmpty())
                    throw DataException.at(
                            file,
                            1,
                            "no feature columns left (the header " + Excerpt.of(String.valueOf(header), 200) + ")");
            }
            int[] fi = new int[names.size()];
            for (int j = 0; j < fi.length; j++) {
                fi[j] = column(
                        header,
                        names.get(j),
                        file,
                        wantFeatures == s.features() ? "task.features" : "the training file's features");
                if (fi[j] == li)
                    throw DataException.at(
                            file, 1, "column '" + labelName + "' is the label; it cannot be a feature too");
            }
            List<double[]> xs = new ArrayList<>();
            List<String> ys = new ArrayList<>(), gs = new ArrayList<>(), os = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            List<String> row;
            boolean skip = s.skipBad();
            rows:
            while ((row = csv.next(skip ? st : null)) != null) {
                String where = file + ":" + csv.recordLine();
                if (row.size() != header.size()) {
                    st.bad(where + ": expected " + header.size() + " fields, got " + row.size(), skip);
                    continue;
                }
                String y = row.get(li).trim();
                if (MISSING.contains(y.toLowerCase(Locale.ROOT))) {
                    st.bad(where + ": column '" + labelName + "': missing label", skip);
                    continue;
                }
                if (s.regression() && !NUMBER.matcher(y).matches()) {
                    st.bad(
                            where + ": column '" + labelName + "': '" + Excerpt.of(y)
                                    + "' is not a number (the target of a regression)",
                            skip);
                    continue;
                }
                if (!s.regression() && s.labels() != null && !s.labels().contains(y)) {
                    st.bad(
                            where + ": column '" + labelName + "': label '" + Excerpt.of(y)
                                    + "' is not one of task.labels " + Excerpt.of(String.valueOf(s.labels()), 200),
                            skip);
                    continue;
                }
                double[] x = new double[fi.length];
                for (int j = 0; j < fi.length; j++) {
                    String cell = row.get(fi[j]).trim();
                    if (MISSING.contains(cell.toLowerCase(Locale.ROOT))) {
                        st.bad(where + ": column '" + names.get(j) + "': missing value", skip);
                        continue rows;
                    }
                    if (!NUMBER.matcher(cell).matches()) {
                        st.bad(
                                where + ": column '" + names.get(j) + "': '" + Excerpt.of(cell) + "' is not a number"
                                        + (cell.matches("[+-]?\\d+,\\d+")
                                                ? " (a decimal comma? write 1.5, not 1,5)"
                                                : ""),
                                skip);
                        continue rows;
                    }
                    x[j] = Double.parseDouble(cell);
                    if (!Double.isFinite(x[j])) {
                        st.bad(
                                where + ": column '" + names.get(j) + "': '" + Excerpt.of(cell)
                                        + "' is too large for a number",
                                skip);
                        continue rows;
                    }
                }
                st.accepted++;
                xs.add(x);
                ys.add(y);
                gs.add(gi < 0 ? "" : row.get(gi).trim());
                os.add(oi < 0 ? null : row.get(oi).trim());
                lines.add(csv.recordLine());
            }
            if (xs.isEmpty())
                throw new DataException(file + ": no usable rows"
                        + (st.skipped > 0
                                ? " (" + st.skipped + " skipped; the first: " + st.firstProblems.get(0) + ")"
                                : ""));
            return new Rows(file, names, xs, ys, gs, os, lines, st);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read it: " + e.getMessage());
        }
    }

    private static int column(List<String> header, String name, String file, String key) {
        int i = header.indexOf(name);
        if (i < 0)
            throw DataException.at(
                    file,
                    1,
                    key + ": no column '" + Excerpt.of(name) + "' in the header "
                            + Excerpt.of(String.valueOf(header), 200));
        return i;
    }

    /**
     * The class names: as given, else the distinct labels in numeric order when all are numbers, text order otherwise.
     */
    private static List<String> classes(Settings s, List<String> labels) {
        if (s.regression()) return List.of("value"); // one output
        if (s.labels() != null) return s.labels();
        TreeSet<String> distinct = new TreeSet<>(labels);
        List<String> out = new ArrayList<>(distinct);
        if (out.stream().allMatch(v -> NUMBER.matcher(v).matches()))
            out.sort(Comparator.comparingDouble(Double::parseDouble));
        return out;
    }

    /** An example: the rows it is made of (one, or a window's), and its label. */
    private record Example(int[] rows, int label) {}

    /**
     * The examples of a file: its rows, or its windows (per group, in order; {@code cut} per group: where the test
     * share begins, or -1).
     */
    private static List<Example> examples(Rows r, int[] y, Window w, double testShare, boolean test) {
        List<Example> out = new ArrayList<>();
        if (w == null) {
            for (int i = 0; i < y.length; i++) out.add(new Example(new int[] {i}, y[i]));
            return out;
        }
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < y.length; i++)
            groups.computeIfAbsent(r.groups().get(i), g -> new ArrayList<>()).add(i);
        boolean numeric = w.orderBy() != null
                && r.orders().stream().allMatch(v -> NUMBER.matcher(v).matches());
        for (List<Integer> g : groups.values()) {
            if (w.orderBy() != null) {
                Comparator<Integer> by = numeric
                        ? Comparator.comparingDouble(
                                i -> Double.parseDouble(r.orders().get(i)))
                        : Comparator.comparing(i -> r.orders().get(i));
                g.sort(by); // stable: equal times keep the file's order
            }
            int n = g.size();
            int from = 0, to = n;
            if (testShare > 0) {
                int cut = (int) Math.round((1 - testShare) * n);
                if (test) from = cut;
                else to = cut;
            }
            for (int s = from; s + w.length() <= to; s += w.stride()) {
                int[] rows = new int[w.length()];
                for (int k = 0; k < rows.length; k++) rows[k] = g.get(s + k);
                out.add(new Example(rows, y[rows[rows.length - 1]])); // the label of its last row
            }
        }
        return out;
    }

    private static int[] labelIndices(Rows r, List<String> classes, boolean regression) {
        int[] y = new int[r.labels().size()];
        if (regression) return y; // every example of class 0; its target is its label's value
        for (int i = 0; i < y.length; i++) {
            y[i] = classes.indexOf(r.labels().get(i));
            if (y[i] < 0)
                throw DataException.at(
                        r.file(),
                        r.lines().get(i),
                        "label '" + Excerpt.of(r.labels().get(i)) + "' never occurs in the training file "
                                + "(its classes: " + Excerpt.of(String.valueOf(classes), 200) + ")");
        }
        return y;
    }

    /** How many training examples the table holds (a sample-wise search's largest size). */
    public static int trainingPool(Settings s) {
        return prepare(s.toBuilder().counts(null, 1).standardize(false).build()).trainPool();
    }

    public static FeatureSet prepare(Settings s) {
        Rows train = read(s.path(), s, s.features());
        Rows test = s.testPath() == null ? null : read(s.testPath(), s, train.featureNames());
        List<String> classes = classes(s, train.labels());
        if (!s.regression() && classes.size() < 2)
            throw new DataException(train.file() + ": one class ('" + Excerpt.of(classes.get(0))
                    + "'); a classifier needs at least two");
        int[] yTrainFile = labelIndices(train, classes, s.regression());
        Window w = s.window();
        List<Example> trainPool, testPool;
        if (test != null) {
            trainPool = examples(train, yTrainFile, w, 0, false);
            testPool = examples(test, labelIndices(test, classes, s.regression()), w, 0, true);
        } else if (w != null) {
            trainPool = examples(train, yTrainFile, w, s.holdout(), false);
            testPool = examples(train, yTrainFile, w, s.holdout(), true);
        } else {
            boolean[] held =
                    Subsets.holdout(yTrainFile, classes.size(), s.holdout(), s.splitSeed(), "table-holdout-class-");
            List<Example> all = examples(train, yTrainFile, null, 0, false);
            trainPool = new ArrayList<>();
            testPool = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) (held[i] ? testPool : trainPool).add(all.get(i));
        }
        Rows testRows = test != null ? test : train;
        if (trainPool.isEmpty())
            throw new DataException(train.file() + ": no training examples"
                    + (w != null ? " (every series is shorter than the window of " + w.length() + " rows)" : ""));
        if (testPool.isEmpty())
            throw new DataException(testRows.file() + ": no test examples"
                    + (w != null
                            ? " (the test share of every series is shorter than the window of " + w.length() + " rows)"
                            : ""));
        int[] poolLabels = trainPool.stream().mapToInt(Example::label).toArray();
        int nTrain = s.trainCount() == null ? trainPool.size() : s.trainCount();
        if (nTrain > trainPool.size())
            throw new DataException("task.train_count: " + nTrain + " asked for, the training split has "
                    + trainPool.size() + " examples");
        int nTest = s.testCount() == 0 ? testPool.size() : Math.min(s.testCount(), testPool.size());
        int[] trainOrder = Arrays.copyOf(
                Subsets.stratified(poolLabels, classes.size(), s.splitSeed(), "table-train-class-"), nTrain);
        int[] testOrder =
                Arrays.copyOf(Subsets.permutation(testPool.size(), Rng.of(s.splitSeed(), "table-test")), nTest);

        // constant columns over the training examples are dropped; the rest standardized by them
        int F = train.featureNames().size(), L = w == null ? 1 : w.length();
        double[] mean = new double[F], std = new double[F];
        long count = (long) nTrain * L;
        for (int i : trainOrder)
            for (int r : trainPool.get(i).rows())
                for (int f = 0; f < F; f++) mean[f] += train.x().get(r)[f];
        for (int f = 0; f < F; f++) mean[f] /= count;
        for (int i : trainOrder)
            for (int r : trainPool.get(i).rows())
                for (int f = 0; f < F; f++) {
                    double d = train.x().get(r)[f] - mean[f];
                    std[f] += d * d;
                }
        List<Integer> keep = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (int f = 0; f < F; f++) {
            std[f] = Math.sqrt(std[f] / count);
            if (std[f] > 0) keep.add(f);
            else dropped.add(train.featureNames().get(f));
        }
        if (keep.isEmpty())
            throw new DataException(train.file() + ": every feature column is constant over the " + nTrain
                    + " training examples; nothing to learn from");
        int K = keep.size(), dim = L * K;
        float[] table = new float[Math.multiplyExact(nTrain + nTest, dim)];
        int[] yTrain = new int[nTrain], yTest = new int[nTest];
        for (int e = 0; e < nTrain; e++)
            yTrain[e] = put(trainPool.get(trainOrder[e]), train, keep, mean, std, s.standardize(), table, e * dim);
        for (int e = 0; e < nTest; e++)
            yTest[e] = put(
                    testPool.get(testOrder[e]), testRows, keep, mean, std, s.standardize(), table, (nTrain + e) * dim);
        float[] tTrain = null, tTest = null;
        double tMean = 0, tStd = 1;
        if (s.regression()) {
            double[] a = new double[nTrain], b = new double[nTest];
            for (int e = 0; e < nTrain; e++) a[e] = target(trainPool.get(trainOrder[e]), train);
            for (int e = 0; e < nTest; e++) b[e] = target(testPool.get(testOrder[e]), testRows);
            if (s.standardize()) {
                for (double v : a) tMean += v;
                tMean /= nTrain;
                double sq = 0;
                for (double v : a) sq += (v - tMean) * (v - tMean);
                tStd = Math.sqrt(sq / nTrain);
                if (!(tStd > 0))
                    throw new DataException(train.file() + ": the target column is constant over the " + nTrain
                            + " training examples; nothing to fit");
            }
            tTrain = new float[nTrain];
            tTest = new float[nTest];
            for (int e = 0; e < nTrain; e++) tTrain[e] = (float) ((a[e] - tMean) / tStd);
            for (int e = 0; e < nTest; e++) tTest[e] = (float) ((b[e] - tMean) / tStd);
        }
        int rows = nTrain + nTest;
        int[] tokTrain = new int[nTrain], tokTest = new int[nTest];
        for (int i = 0; i < nTrain; i++) tokTrain[i] = i;
        for (int i = 0; i < nTest; i++) tokTest[i] = nTrain + i;

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("table", train.file());
        if (test != null) info.put("test_table", test.file());
        else info.put("holdout", s.holdout());
        info.put("rows_read", train.stats().accepted + (test == null ? 0 : test.stats().accepted));
        long skipped = train.stats().skipped + (test == null ? 0 : test.stats().skipped);
        if (skipped > 0) {
            info.put("rows_skipped", skipped);
            List<String> first = new ArrayList<>(train.stats().firstProblems);
            if (test != null) first.addAll(test.stats().firstProblems);
            info.put("first_problems", first.subList(0, Math.min(5, first.size())));
        }
        List<String> kept = new ArrayList<>();
        for (int f : keep) kept.add(train.featureNames().get(f));
        info.put("features", kept);
        if (!dropped.isEmpty()) info.put("constant_columns_dropped", dropped);
        if (w != null)
            info.put(
                    "window",
                    Map.of(
                            "length",
                            w.length(),
                            "stride",
                            w.stride(),
                            "order_by",
                            String.valueOf(w.orderBy()),
                            "group_by",
                            String.valueOf(w.groupBy())));
        if (s.regression()) {
            info.put("target", "value");
            info.put("accuracy_is", "R2: 1 - SSE/SST about the training targets' mean");
            if (s.standardize()) {
                info.put("target_mean", tMean);
                info.put("target_std", tStd);
            }
        } else {
            info.put("class_names", classes);
            info.put("classes", classes.size());
        }
        info.put("train_examples", nTrain);
        info.put("test_examples", nTest);
        if (!s.regression()) info.put("per_class_train", Subsets.counts(yTrain, classes.size()));
        if (s.standardize()) {
            List<Double> m = new ArrayList<>(), d = new ArrayList<>();
            for (int f : keep) {
                m.add(mean[f]);
                d.add(std[f]);
            }
            info.put("feature_mean", m);
            info.put("feature_std", d);
        }
        return new FeatureSet(
                table,
                L,
                K,
                1,
                new Dataset(tokTrain, yTrain, 1, rows, classes.size(), tTrain),
                new Dataset(tokTest, yTest, 1, rows, classes.size(), tTest),
                trainPool.size(),
                info);
    }

    /** A regression example's target: the value in its (last) row's label column. */
    private static double target(Example e, Rows r) {
        return Double.parseDouble(r.labels().get(e.rows()[e.rows().length - 1]));
    }

    /** Writes an example's kept features (row after row of its window) at off; returns its label. */
    private static int put(
            Example e,
            Rows r,
            List<Integer> keep,
            double[] mean,
            double[] std,
            boolean standardize,
            float[] table,
            int off) {
        int o = off;
        for (int row : e.rows()) {
            double[] x = r.x().get(row);
            for (int f : keep) table[o++] = (float) (standardize ? (x[f] - mean[f]) / std[f] : x[f]);
        }
        return e.label();
    }
}
