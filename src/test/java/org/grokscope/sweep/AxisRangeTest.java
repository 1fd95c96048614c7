package org.grokscope.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.grokscope.config.ConfigException;
import org.junit.jupiter.api.Test;

/** A sweep's ranges give the values their definition implies, written with integer or decimal endpoints alike. */
class AxisRangeTest {
    record Range(boolean geometric, double from, double to, int count, boolean writtenAsIntegers) {
        String yaml(String field) {
            String f = writtenAsIntegers ? Long.toString((long) from) : String.format(Locale.ROOT, "%.3f", from);
            String t = writtenAsIntegers ? Long.toString((long) to) : String.format(Locale.ROOT, "%.3f", to);
            return "name: r\nbase: {preset: modadd-mlp}\naxes:\n  " + field + ": {"
                    + (geometric ? "geometric" : "linear") + ": {from: " + f + ", to: " + t + ", count: " + count
                    + "}}\n";
        }

        double fromValue() {
            return writtenAsIntegers ? (long) from : Double.parseDouble(String.format(Locale.ROOT, "%.3f", from));
        }

        double toValue() {
            return writtenAsIntegers ? (long) to : Double.parseDouble(String.format(Locale.ROOT, "%.3f", to));
        }
    }

    @Provide
    Arbitrary<Range> ranges() {
        return Combinators.combine(
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(1, 50),
                        Arbitraries.integers().between(0, 3000),
                        Arbitraries.integers().between(1, 12),
                        Arbitraries.of(true, false))
                .as((geo, a, span, count, ints) -> new Range(geo, a, a + span, count, ints));
    }

    private static List<String> values(String yaml, String field) throws ConfigException {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (SweepConfig.Point p : SweepConfig.expand(SweepTest.bind(yaml), null))
            out.add(p.params().get(field));
        return new ArrayList<>(out);
    }

    /**
     * A decimal field (weight decay): exactly count values, the definition's, never rounded to integers (or one error
     * if they repeat).
     */
    @Property(tries = 60, seed = "20261207") // a fixed seed: the suite never flakes; change it to explore
    void aDecimalFieldGetsEveryValueOfItsRange(@ForAll("ranges") Range r) throws ConfigException {
        List<Double> want = new ArrayList<>();
        for (int i = 0; i < r.count(); i++)
            want.add(SweepConfig.rangeValue(r.geometric(), r.fromValue(), r.toValue(), r.count(), i));
        String yaml = r.yaml("optimizer.weight_decay");
        if (new LinkedHashSet<>(want.stream()
                                .map(x -> String.format(Locale.ROOT, "%.6g", x))
                                .toList())
                        .size()
                < want.size()) {
            assertThatThrownBy(() -> values(yaml, "optimizer.weight_decay"))
                    .hasMessageContaining("axes.optimizer.weight_decay")
                    .hasMessageContaining("twice");
            return;
        }
        List<String> got = values(yaml, "optimizer.weight_decay");
        assertThat(got).hasSize(r.count());
        for (int i = 0; i < r.count(); i++) // 6 significant digits
        assertThat(Double.parseDouble(got.get(i)))
                    .isCloseTo(want.get(i), org.assertj.core.data.Percentage.withPercentage(1e-3));
    }

    /**
     * A whole-number field (training pairs): each value rounded, or one clear error when rounding would repeat a value.
     */
    @Property(tries = 60, seed = "20261207") // a fixed seed: the suite never flakes; change it to explore
    void aWholeNumberFieldGetsRoundedValuesOrAnErrorNeverFewerRuns(@ForAll("ranges") Range r) throws ConfigException {
        List<Long> want = new ArrayList<>();
        for (int i = 0; i < r.count(); i++)
            want.add(Math.round(SweepConfig.rangeValue(r.geometric(), r.fromValue(), r.toValue(), r.count(), i)));
        String yaml = r.yaml("task.train_count");
        if (new LinkedHashSet<>(want).size() < want.size()) {
            assertThatThrownBy(() -> values(yaml, "task.train_count"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("axes.task.train_count")
                    .hasMessageContaining("twice");
        } else {
            assertThat(values(yaml, "task.train_count"))
                    .isEqualTo(want.stream().map(String::valueOf).toList());
        }
    }

    @Test
    void theIssuesExamples() throws ConfigException {
        assertThat(values(
                        "base: {preset: modadd-mlp}\naxes:\n  optimizer.weight_decay: {linear: {from: 0, to: 1, count: 5}}\n",
                        "optimizer.weight_decay"))
                .containsExactly("0.0", "0.25", "0.5", "0.75", "1.0");
        assertThat(values(
                        "base: {preset: modadd-mlp}\naxes:\n  init.alpha: {geometric: {from: 1, to: 8, count: 7}}\n",
                        "init.alpha"))
                .hasSize(7);
        // integer: true still rounds a decimal field when asked, and says so when values repeat
        assertThatThrownBy(() -> values(
                        "base: {preset: modadd-mlp}\naxes:\n  init.alpha: {geometric: {from: 1, to: 8, count: 7, integer: true}}\n",
                        "init.alpha"))
                .hasMessageContaining("gives 1 twice (rounded to whole numbers)");
    }

    @Test
    void repeatedValuesAndSeedsAreRefused() {
        assertThatThrownBy(() ->
                        values("base: {preset: modadd-mlp}\naxes:\n  task.p: [23, 29]\nseeds: [0, 0]\n", "task.p"))
                .hasMessageContaining("seeds: seed 0 is listed twice");
        assertThatThrownBy(() -> values("base: {preset: modadd-mlp}\naxes:\n  task.p: [23, 29, 23]\n", "task.p"))
                .hasMessageContaining("axes.task.p: the value 23 is listed twice");
        assertThatThrownBy(() -> values(
                        "base: {preset: modadd-mlp}\naxes:\n  optimizer.lr: {linear: {from: 0, to: 1e400, count: 3}}\n",
                        "optimizer.lr"))
                .hasMessageContaining("axes.optimizer.lr: a range's from and to must be finite numbers");
    }
}
