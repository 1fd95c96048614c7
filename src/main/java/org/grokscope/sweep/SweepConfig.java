package org.grokscope.sweep;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.RunConfig;

/**
 * A sweep: a base run (preset or config file, plus overrides) and axes, each a config path with a list of values or a
 * range; every combination runs once per seed.
 *
 * <pre>
 * name: wd-sweep
 * base: {preset: modadd-mlp}
 * set: ["training.steps=3000"]
 * axes:
 *   task.train_fraction: [0.2, 0.3, 0.4]
 *   optimizer.weight_decay: {geometric: {from: 0.1, to: 1.0, count: 3}}
 * seeds: [0, 1, 2]
 * </pre>
 *
 * An axis value may be a mapping, which sets a whole section ({@code model: [{kind: mlp, hidden: 256}, {kind:
 * transformer, layers: 1}]}); axes apply in order, so a later {@code optimizer.weight_decay} axis refines an earlier
 * {@code optimizer} one. {@code sample: {count: N, seed: S}} runs N combinations drawn without replacement from the
 * grid (with every seed each), for banks too large to run whole.
 *
 * <p>{@code variants} are named settings that differ in several keys at once and are not crossed with each other (a
 * paper's three runs, each with its own loss, optimizer and budget): each is a list of overrides, and every variant is
 * crossed with the axes and seeds. A run's parameters name its variant ({@code variant: stablemax}).
 *
 * <pre>
 * variants:
 *   - {name: stablemax, set: ["training.loss=stablemax_ce", "optimizer.beta2=0.999"]}
 *   - {name: orthograd, set: ["optimizer.orthogonal=true", "training.steps=300"]}
 * </pre>
 */
@JsonPropertyOrder({"name", "base", "set", "variants", "axes", "seeds", "sample"})
public record SweepConfig(
        String name,
        Base base,
        List<String> set,
        List<Variant> variants,
        LinkedHashMap<String, JsonNode> axes,
        List<Long> seeds,
        Sample sample) {

    public record Base(String preset, String config) {}

    /** A named group of overrides, run as one setting. */
    public record Variant(String name, List<String> set) {}

    /** A run's parameter that names its variant. */
    public static final String VARIANT = "variant";

    /** A seeded random subset of the grid's combinations. */
    public record Sample(Integer count, Long seed) {}

    public SweepConfig {
        if (name == null) name = "sweep";
        if (set == null) set = List.of();
        if (variants == null) variants = List.of();
        if (axes == null) axes = new LinkedHashMap<>();
        if (seeds == null || seeds.isEmpty()) seeds = List.of(0L);
    }

    /** One grid point: its overrides (axis values, then seed) and the resolved run config. */
    public record Point(int index, LinkedHashMap<String, String> params, RunConfig config) {
        /**
         * The parameter of a run that continues another (a search confirming a run an early verdict stopped): the id of
         * the run whose directory it starts from.
         */
        public static final String CONTINUES = "continues";

        public String id() {
            return String.format(Locale.ROOT, "%04d", index);
        }

        /** The id of the run this one continues, or null. */
        public String continues() {
            return params.get(CONTINUES);
        }
    }

    /**
     * The most values one axis may have, and the most runs one sweep may hold (checked before anything is expanded).
     */
    public static final int MAX_AXIS_VALUES = 10_000, MAX_RUNS = 100_000;

    /** Validates and expands the grid; {@code dir} resolves a relative base config file. */
    public static List<Point> expand(ConfigLoader.Bound<SweepConfig> b, Path dir) throws ConfigException {
        return expand(b, dir, List.of());
    }

    /**
     * As {@link #expand(ConfigLoader.Bound, Path)}, with {@code extra} overrides applied to every run last (e.g. the
     * early-verdict stop).
     */
    public static List<Point> expand(ConfigLoader.Bound<SweepConfig> b, Path dir, List<String> extra)
            throws ConfigException {
        SweepConfig s = b.value();
        if (!s.name().matches("[A-Za-z0-9._-]+"))
            throw b.error("name", "use letters, digits, '.', '_' or '-', got '" + s.name() + "'");
        if (s.base() == null || (s.base().preset() == null) == (s.base().config() == null))
            throw b.error("base", "give exactly one of base.preset or base.config");
        ConfigLoader.Source src = s.base().preset() != null
                ? ConfigLoader.Source.preset(s.base().preset())
                : ConfigLoader.Source.file(
                        dir == null
                                ? Path.of(s.base().config())
                                : dir.resolve(s.base().config()));
        List<String> names = new ArrayList<>();
        List<List<String>> values = new ArrayList<>(), literals = new ArrayList<>();
        java.util.Map<String, List<String>> variantSets = new java.util.HashMap<>();
        if (!s.variants().isEmpty()) {
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < s.variants().size(); i++) {
                Variant v = s.variants().get(i);
                String at =
                        "variant " + (i + 1) + ": "; // list items have no line of their own: the message counts them
                if (v == null || v.name() == null || !v.name().matches("[A-Za-z0-9._-]+"))
                    throw b.error(
                            "variants",
                            at + "name: use letters, digits, '.', '_' or '-', got " + (v == null ? null : v.name()));
                if (labels.contains(v.name()))
                    throw b.error("variants", at + "name '" + v.name() + "' is listed twice");
                if (v.set() == null || v.set().isEmpty())
                    throw b.error("variants", at + "set: list the overrides that make '" + v.name() + "'");
                labels.add(v.name());
                variantSets.put(v.name(), v.set());
            }
            if (s.axes().containsKey(VARIANT))
                throw b.error("axes." + VARIANT, "'variant' names the variants; it is not an axis");
            names.add(VARIANT);
            values.add(labels);
            literals.add(labels);
        }
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (Long seed : s.seeds())
            if (!seen.add(seed))
                throw b.error("seeds", "seed " + seed + " is listed twice (it would train the same runs twice)");
        for (Map.Entry<String, JsonNode> e : s.axes().entrySet()) {
            if (e.getKey().equals("seed")) throw b.error("axes.seed", "list seeds under 'seeds'");
            names.add(e.getKey());
            List<String> shown =
                    axisValues(b, e.getKey(), e.getValue(), () -> ConfigLoader.takesWholeNumbers(src, e.getKey()));
            values.add(shown);
            // a string value is handed to --set as a quoted literal, so "a: b" or "null" stay the strings they were
            List<String> lit = new ArrayList<>();
            for (String v : shown)
                lit.add(
                        isString(e.getValue(), v)
                                ? JsonNodeFactory.instance.textNode(v).toString()
                                : v);
            literals.add(lit);
        }
        long combos = 1;
        for (List<String> v : values) combos = Math.min(Long.MAX_VALUE / 2 / MAX_AXIS_VALUES, combos * v.size());
        java.util.NavigableSet<Long> chosen = null; // the combinations a sample runs, in grid order
        if (s.sample() != null) {
            Integer count = s.sample().count();
            if (count == null || count < 1) throw b.error("sample.count", "must be >= 1, got " + count);
            if (count > combos)
                throw b.error("sample.count", "the grid has only " + combos + " combinations, fewer than " + count);
            if ((long) count * s.seeds().size() > MAX_RUNS)
                throw b.error(
                        "sample.count",
                        count + " x " + s.seeds().size() + " seeds is more than the " + MAX_RUNS
                                + " runs a sweep may hold");
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(
                    s.sample().seed() == null ? 0 : s.sample().seed());
            chosen = new java.util.TreeSet<>();
            while (chosen.size() < count) chosen.add(rnd.nextLong(combos));
        }
        long runs = s.seeds().size();
        StringBuilder shape = new StringBuilder();
        for (List<String> v : values) {
            runs *= v.size();
            shape.append(v.size()).append(" x ");
            if (runs > MAX_RUNS) break;
        }
        if (chosen != null) runs = (long) chosen.size() * s.seeds().size();
        if (runs > MAX_RUNS) {
            double all = s.seeds().size();
            for (List<String> v : values) all *= v.size();
            throw b.error(
                    "axes",
                    "the grid has " + String.format(Locale.ROOT, "%.0f", all) + " runs (" + shape
                            + s.seeds().size() + " seeds); at most " + MAX_RUNS
                            + " in one sweep: split it, or use coarser ranges");
        }
        List<Point> out = new ArrayList<>();
        int[] at = new int[names.size()];
        for (long combo = 0; ; combo++) {
            if (chosen == null || chosen.contains(combo))
                for (long seed : s.seeds()) {
                    LinkedHashMap<String, String> params = new LinkedHashMap<>();
                    for (int i = 0; i < names.size(); i++)
                        params.put(names.get(i), values.get(i).get(at[i]));
                    params.put("seed", Long.toString(seed));
                    List<String> sets = new ArrayList<>(s.set());
                    sets.addAll(extra);
                    for (int i = 0; i < names.size(); i++)
                        if (names.get(i).equals(VARIANT) && !variantSets.isEmpty())
                            sets.addAll(variantSets.get(values.get(i).get(at[i])));
                        else sets.add(names.get(i) + "=" + literals.get(i).get(at[i]));
                    sets.add("seed=" + seed);
                    int index = out.size();
                    sets.add("name=" + s.name() + "-" + String.format(Locale.ROOT, "%04d", index));
                    RunConfig cfg;
                    try {
                        cfg = ConfigLoader.load(src, sets);
                    } catch (ConfigException e) {
                        throw new ConfigException(b.source().label() + ": run " + params + ": " + e.getMessage());
                    }
                    out.add(new Point(index, params, cfg));
                }
            int i = names.size() - 1;
            while (i >= 0 && ++at[i] == values.get(i).size()) at[i--] = 0;
            if (i < 0) break;
        }
        return out;
    }

    // whether the axis listed this value as a string (not a number or boolean written bare)
    private static boolean isString(JsonNode axis, String v) {
        if (!axis.isArray()) return false;
        for (JsonNode x : axis) if (x.isTextual() && x.asText().equals(v)) return true;
        return false;
    }

    static List<String> axisValues(
            ConfigLoader.Bound<SweepConfig> b, String name, JsonNode v, java.util.function.BooleanSupplier wholeNumbers)
            throws ConfigException {
        String path = "axes." + name;
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            for (JsonNode x : v) {
                String value;
                if (x.isObject()) value = x.toString(); // a section, set whole: {"kind":"mlp","hidden":256}
                else if (!x.isValueNode())
                    throw b.error(path, "values must be numbers, strings, booleans or mappings (a whole section)");
                else value = x.asText();
                if (out.contains(value))
                    throw b.error(path, "the value " + value + " is listed twice (it would train the same runs twice)");
                out.add(value);
            }
            if (out.isEmpty()) throw b.error(path, "no values");
            return out;
        }
        if (v.isObject() && v.size() == 1 && (v.has("geometric") || v.has("linear"))) {
            boolean geo = v.has("geometric");
            JsonNode r = geo ? v.get("geometric") : v.get("linear");
            if (!r.has("from")
                    || !r.has("to")
                    || !r.has("count")
                    || !r.get("count").canConvertToInt())
                throw b.error(
                        path, "a range needs from, to and count, e.g. {geometric: {from: 100, to: 3200, count: 6}}");
            if (!r.get("from").isNumber() || !r.get("to").isNumber())
                throw b.error(path, "a range's from and to must be numbers");
            double from = r.get("from").asDouble(), to = r.get("to").asDouble();
            if (!Double.isFinite(from) || !Double.isFinite(to))
                throw b.error(path, "a range's from and to must be finite numbers");
            int count = r.get("count").asInt();
            if (r.has("integer") && !r.get("integer").isBoolean()) throw b.error(path, "integer must be true or false");
            if (count < 1) throw b.error(path, "count must be >= 1");
            if (count > MAX_AXIS_VALUES)
                throw b.error(
                        path, "count " + count + " is more than the " + MAX_AXIS_VALUES + " values an axis may have");
            if (geo && (from <= 0 || to <= 0)) throw b.error(path, "a geometric range needs positive from and to");
            boolean integer = r.has("integer") ? r.get("integer").asBoolean() : wholeNumbers.getAsBoolean();
            for (int i = 0; i < count; i++) {
                double x = rangeValue(geo, from, to, count, i);
                String sx = integer
                        ? Long.toString(Math.round(x))
                        : JsonNodeFactory.instance
                                .numberNode(Double.parseDouble(String.format(Locale.ROOT, "%.6g", x)))
                                .asText();
                if (out.contains(sx))
                    throw b.error(
                            path,
                            "the range gives " + sx + " twice ("
                                    + (integer ? "rounded to whole numbers" : "at 6 significant digits") + "): " + count
                                    + " values between " + r.get("from").asText() + " and "
                                    + r.get("to").asText() + " are too many; use a smaller count or a wider range");
                out.add(sx);
            }
        } else {
            throw b.error(path, "expected a list of values or {geometric|linear: {from, to, count}}");
        }
        if (out.isEmpty()) throw b.error(path, "no values");
        return out;
    }

    /**
     * The i-th of count values from {@code from} to {@code to}, evenly spaced (linear) or evenly spaced on a log scale
     * (geometric).
     */
    static double rangeValue(boolean geometric, double from, double to, int count, int i) {
        double f = count == 1 ? 0 : (double) i / (count - 1);
        return geometric ? from * Math.pow(to / from, f) : from + (to - from) * f;
    }
}
