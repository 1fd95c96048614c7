package org.grokscope.data.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.grokscope.data.FeatureSet;
import org.grokscope.data.OnBadRow;
import org.grokscope.data.text.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numeric tables: columns, classes, splits, nesting, standardization, constant columns, windows, and bad cells named by
 * file, line and column.
 */
public class TableTaskTest {
    @TempDir
    Path tmp;

    /** {@code n} rows: id, x (class signal), noise, a constant column, label (a, b or c by x). */
    public static Path fixture(Path f, int n) throws Exception {
        java.util.Random r = new java.util.Random(2);
        StringBuilder sb = new StringBuilder("id,x,noise,const,label\n");
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            sb.append(i)
                    .append(',')
                    .append(String.format(java.util.Locale.ROOT, "%.4f", c * 2 + r.nextGaussian() * 0.3))
                    .append(',')
                    .append(String.format(java.util.Locale.ROOT, "%.4f", r.nextGaussian()))
                    .append(",7,")
                    .append("abc".charAt(c))
                    .append('\n');
        }
        Files.writeString(f, sb.toString());
        return f;
    }

    static TableTask.Settings settings(Path p, Integer trainCount, boolean skip, TableTask.Window w) {
        return TableTask.Settings.of(p)
                .drop(List.of("id"))
                .holdout(0.2)
                .onBadRow(skip ? OnBadRow.SKIP : OnBadRow.ERROR)
                .counts(trainCount, 0)
                .splitSeed(3)
                .window(w)
                .build();
    }

    @Test
    void rowsBecomeStandardizedStratifiedNestedExamples() throws Exception {
        Path f = fixture(tmp.resolve("t.csv"), 60);
        FeatureSet all = TableTask.prepare(settings(f, null, false, null));
        assertThat(all.info().get("class_names")).isEqualTo(List.of("a", "b", "c"));
        assertThat(all.info().get("features")).as("id dropped, const constant").isEqualTo(List.of("x", "noise"));
        assertThat(all.info().get("constant_columns_dropped")).isEqualTo(List.of("const"));
        assertThat(all.dim()).isEqualTo(2);
        assertThat(all.train().size()).isEqualTo(48);
        assertThat(all.test().size()).isEqualTo(12);
        assertThat(all.info().get("per_class_train")).isEqualTo(List.of(16, 16, 16));
        double s = 0, q = 0;
        for (int i = 0; i < 48; i++) {
            s += all.features()[2 * i];
            q += all.features()[2 * i] * all.features()[2 * i];
        }
        assertThat(s / 48).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(q / 48).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-4));
        TableTask.Settings raw = TableTask.Settings.of(f)
                .drop(List.of("id"))
                .holdout(0.2)
                .splitSeed(3)
                .standardize(false)
                .build();
        FeatureSet a = TableTask.prepare(raw.toBuilder().counts(9, 0).build()),
                b = TableTask.prepare(raw.toBuilder().counts(21, 0).build());
        assertThat(Arrays.copyOf(b.features(), 18))
                .as("the 9-row training set is the start of the 21-row one")
                .isEqualTo(Arrays.copyOf(a.features(), 18));
        assertThat(a.info().get("per_class_train")).isEqualTo(List.of(3, 3, 3));
        assertThat(TableTask.trainingPool(settings(f, null, false, null))).isEqualTo(48);
        // TSV by its name, a test file, classes in numeric order, the label column named
        Files.writeString(tmp.resolve("n.tsv"), "y\tv\n10\t1\n9\t2\n10\t3\n9\t4\n10\t5\n9\t6\n");
        Files.writeString(tmp.resolve("n-test.tsv"), "v\ty\n1\t9\n");
        FeatureSet n = TableTask.prepare(TableTask.Settings.of(tmp.resolve("n.tsv"))
                .testPath(tmp.resolve("n-test.tsv"))
                .label("y")
                .splitSeed(1)
                .standardize(false)
                .build());
        assertThat(n.info().get("class_names")).isEqualTo(List.of("9", "10"));
        assertThat(n.test().size()).isEqualTo(1);
        assertThat(n.test().labels()[0]).isZero();
        assertThat(n.features()[6])
                .as("the test row's v, read by name from a file whose columns are in another order")
                .isEqualTo(1f);
    }

    @Test
    void windowsFollowTheOrderColumnWithinGroupsAndTheTestShareIsTheEnd() throws Exception {
        StringBuilder sb = new StringBuilder("sensor,t,a,b,state\n");
        for (String g : List.of("s1", "s2"))
            for (int t = 9; t >= 0; t--) // written backwards: order_by must sort them
            sb.append(g)
                        .append(',')
                        .append(t)
                        .append(',')
                        .append(g.equals("s1") ? t : 100 + t)
                        .append(',')
                        .append(t * t)
                        .append(',')
                        .append(t % 2 == 0 ? "even" : "odd")
                        .append('\n');
        Path f = Files.writeString(tmp.resolve("series.csv"), sb.toString());
        TableTask.Settings s = TableTask.Settings.of(f)
                .label("state")
                .holdout(0.3)
                .splitSeed(1)
                .standardize(false)
                .window(new TableTask.Window(3, 1, "t", "sensor"))
                .build();
        FeatureSet w = TableTask.prepare(s);
        assertThat(w.height()).isEqualTo(3);
        assertThat(w.width()).isEqualTo(2);
        assertThat(w.info().get("features")).isEqualTo(List.of("a", "b"));
        // each series: rows t = 0..6 train (5 windows), t = 7..9 test (1 window); straddling windows are not made
        assertThat(w.train().size()).isEqualTo(10);
        assertThat(w.test().size()).isEqualTo(2);
        List<float[]> tests = List.of(
                Arrays.copyOfRange(w.features(), 10 * 6, 11 * 6), Arrays.copyOfRange(w.features(), 11 * 6, 12 * 6));
        assertThat(tests).anySatisfy(x -> assertThat(x).containsExactly(7, 49, 8, 64, 9, 81));
        assertThat(tests).anySatisfy(x -> assertThat(x).containsExactly(107, 49, 108, 64, 109, 81));
        for (int e = 0; e < 12; e++) {
            float last = w.features()[e * 6 + 4];
            int t = (int) (last % 100);
            boolean test = e >= 10;
            assertThat((test ? w.test().labels()[e - 10] : w.train().labels()[e]))
                    .as("a window's label is its last row's")
                    .isEqualTo(t % 2 == 0 ? 0 : 1);
        }
    }

    /**
     * A value target: one output, the target standardized by the training rows, seeded nested subsets, a non-number
     * named.
     */
    @Test
    void aValueTargetIsStandardizedAndNotAClass() throws Exception {
        StringBuilder sb = new StringBuilder("a,b,y\n");
        java.util.Random r = new java.util.Random(4);
        for (int i = 0; i < 50; i++) {
            double a = r.nextGaussian(), b = r.nextGaussian();
            sb.append(String.format(java.util.Locale.ROOT, "%.5f,%.5f,%.5f%n", a, b, 10 + 3 * a - b * b));
        }
        Path f = Files.writeString(tmp.resolve("reg.csv"), sb.toString());
        TableTask.Settings s = TableTask.Settings.of(f)
                .label("y")
                .holdout(0.2)
                .splitSeed(5)
                .regression(true)
                .build();
        FeatureSet t = TableTask.prepare(s);
        assertThat(t.train().classes()).isEqualTo(1);
        assertThat(t.train().regression()).isTrue();
        assertThat(t.train().size()).isEqualTo(40);
        assertThat(t.test().targets()).hasSize(10);
        double m = 0, q = 0;
        for (float v : t.train().targets()) {
            m += v;
            q += v * v;
        }
        assertThat(m / 40).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(q / 40).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-4));
        assertThat((double) t.info().get("target_mean")).isBetween(8.0, 12.0);
        assertThat(t.info()).containsKey("accuracy_is").doesNotContainKey("class_names");
        FeatureSet small = TableTask.prepare(TableTask.Settings.of(f)
                .label("y")
                .holdout(0.2)
                .counts(12, 0)
                .splitSeed(5)
                .standardize(false)
                .regression(true)
                .build());
        FeatureSet large = TableTask.prepare(TableTask.Settings.of(f)
                .label("y")
                .holdout(0.2)
                .counts(30, 0)
                .splitSeed(5)
                .standardize(false)
                .regression(true)
                .build());
        assertThat(Arrays.copyOf(large.train().targets(), 12))
                .isEqualTo(small.train().targets());
        Files.writeString(f, Files.readString(f).replaceFirst("\n([-0-9.]+,[-0-9.]+),[-0-9.]+\n", "\n$1,high\n"));
        assertThatThrownBy(() -> TableTask.prepare(s))
                .hasMessageContaining("reg.csv:2: column 'y': 'high' is not a number (the target of a regression)");
    }

    @Test
    void badCellsAreNamedByFileLineAndColumnOrCountedAndSkipped() throws Exception {
        Path f = fixture(tmp.resolve("t.csv"), 30);
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(f));
        lines.set(4, lines.get(4).replaceFirst(",[-0-9.]+,", ",abc,")); // line 5: x not a number
        lines.set(7, lines.get(7).replaceFirst(",[-0-9.]+,", ",,")); // line 8: x missing
        lines.set(10, lines.get(10).substring(0, lines.get(10).lastIndexOf(',')) + ","); // line 11: label missing
        lines.set(12, lines.get(12) + ",extra"); // line 13: a field too many
        Files.write(f, lines);
        assertThatThrownBy(() -> TableTask.prepare(settings(f, null, false, null)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("t.csv:5: column 'x': 'abc' is not a number");
        FeatureSet skipped = TableTask.prepare(settings(f, null, true, null));
        assertThat(skipped.info().get("rows_skipped")).isEqualTo(4L);
        assertThat(skipped.info().get("rows_read")).isEqualTo(26L);
        assertThat(skipped.info().get("first_problems").toString())
                .contains("t.csv:8: column 'x': missing value")
                .contains("t.csv:11: column 'label': missing label")
                .contains("t.csv:13: expected 5 fields, got 6");

        Path comma = Files.writeString(tmp.resolve("eu.csv"), "v;label\n1,5;a\n2,5;b\n");
        assertThatThrownBy(() -> TableTask.prepare(TableTask.Settings.of(comma)
                        .delimiter(';')
                        .holdout(0.5)
                        .splitSeed(1)
                        .build()))
                .hasMessageContaining(
                        "eu.csv:2: column 'v': '1,5' is not a number (a decimal comma? write 1.5, not 1,5)");
        assertThatThrownBy(() -> TableTask.prepare(TableTask.Settings.of(f)
                        .label("nope")
                        .holdout(0.2)
                        .splitSeed(1)
                        .build()))
                .hasMessageContaining("t.csv:1: task.label: no column 'nope' in the header");
        Path one = Files.writeString(tmp.resolve("one.csv"), "x,label\n1,a\n2,a\n");
        assertThatThrownBy(() -> TableTask.prepare(
                        TableTask.Settings.of(one).holdout(0.2).splitSeed(1).build()))
                .hasMessageContaining("a classifier needs at least two");
        Path constant = Files.writeString(tmp.resolve("c.csv"), "x,label\n1,a\n1,b\n1,a\n1,b\n1,a\n");
        assertThatThrownBy(() -> TableTask.prepare(TableTask.Settings.of(constant)
                        .holdout(0.2)
                        .splitSeed(1)
                        .build()))
                .hasMessageContaining("every feature column is constant");
        Path dup = Files.writeString(tmp.resolve("d.csv"), "x,x,label\n1,2,a\n");
        assertThatThrownBy(() -> TableTask.prepare(
                        TableTask.Settings.of(dup).holdout(0.2).splitSeed(1).build()))
                .hasMessageContaining("d.csv:1: column 'x' appears twice");
        Path hex = Files.writeString(tmp.resolve("h.csv"), "x,label\n0x10,a\n1.5d,b\n");
        assertThatThrownBy(() -> TableTask.prepare(
                        TableTask.Settings.of(hex).holdout(0.2).splitSeed(1).build()))
                .hasMessageContaining("'0x10' is not a number");
        Path test = Files.writeString(tmp.resolve("test.csv"), "id,x,noise,const,label\n1,1,1,7,zebra\n");
        assertThatThrownBy(() -> TableTask.prepare(TableTask.Settings.of(fixture(tmp.resolve("ok.csv"), 12))
                        .testPath(test)
                        .drop(List.of("id"))
                        .splitSeed(1)
                        .build()))
                .hasMessageContaining("test.csv:2: label 'zebra' never occurs in the training file");
    }
}
