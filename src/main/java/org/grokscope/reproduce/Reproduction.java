package org.grokscope.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.run.Metrics;
import org.grokscope.sweep.SweepStore;
import org.grokscope.train.Evaluation;

/**
 * Reads a claim's rows off a finished (or partly finished) sweep directory: per row, each matching run's value (steps
 * to a threshold, or final accuracy) and their median and range, or the sweep-wide figure, beside the paper's.
 */
public final class Reproduction {
    private Reproduction() {}

    /** One run's value for a row; {@code value} null when it never reached the threshold within its budget. */
    public record RunValue(String run, long seed, Double value, int lastStep) {}

    /**
     * A row's outcome: the runs it read (per-run measures) or the sweep's figure, and the median over runs that reached
     * it with the range.
     */
    public record RowResult(Claim.Row row, List<RunValue> runs, Double value, Double low, Double high, int reached) {
        public Double ratioToPaper() {
            return value == null || row.paper() == null || row.paper() == 0 ? null : value / row.paper();
        }
    }

    /** Where a form's sweep definition lives: claim-specific ones under reproductions/, else the bundled sweeps. */
    public static ConfigLoader.Source source(String sweep) throws ConfigException {
        return Reproduction.class.getResource("/reproductions/" + sweep + ".yaml") != null
                ? ConfigLoader.Source.resource("reproductions", sweep)
                : ConfigLoader.Source.resource("sweeps", sweep);
    }

    static boolean hasSweep(String sweep) {
        return sweep.matches("[A-Za-z0-9._-]+")
                && (Reproduction.class.getResource("/reproductions/" + sweep + ".yaml") != null
                        || Reproduction.class.getResource("/sweeps/" + sweep + ".yaml") != null);
    }

    /**
     * Every row of {@code claim} measured on the completed runs of the sweeps in {@code dirs} (one, or several sittings
     * of one claim); a sweep-wide figure comes from the first directory.
     */
    public static List<RowResult> measure(Claim claim, List<Path> dirs) throws IOException, SQLException {
        List<Run> runs = new ArrayList<>();
        for (Path dir : dirs)
            try (SweepStore store = new SweepStore(dir.resolve("sweep.db"))) {
                for (SweepStore.Row r : SweepStore.current(store.runs())) {
                    if (r.status() != SweepStore.Status.COMPLETED) continue;
                    Path rd = dir.resolve("runs").resolve(r.id());
                    JsonNode cfg =
                            Json.MAPPER.readTree(rd.resolve("config.json").toFile());
                    String id = dirs.size() == 1 ? r.id() : dir.getFileName() + "/" + r.id();
                    runs.add(new Run(id, cfg.path("seed").asLong(), cfg, Metrics.read(rd.resolve("metrics.csv"))));
                }
            }
        List<RowResult> out = new ArrayList<>();
        for (Claim.Row row : claim.rows())
            out.add(row.measure().kind().perRun() ? perRun(row, runs) : sweepWide(row, dirs.get(0)));
        return out;
    }

    private record Run(String id, long seed, JsonNode config, List<Evaluation> evals) {}

    private static RowResult perRun(Claim.Row row, List<Run> runs) {
        List<RunValue> vals = new ArrayList<>();
        for (Run r : runs) {
            if (!matches(r.config(), row.where())) continue;
            int last = r.evals().isEmpty()
                    ? 0
                    : r.evals().get(r.evals().size() - 1).step();
            vals.add(new RunValue(r.id(), r.seed(), value(row.measure(), r.evals()), last));
        }
        List<Double> got = new ArrayList<>();
        for (RunValue v : vals) if (v.value() != null) got.add(v.value());
        got.sort(null);
        if (got.isEmpty()) return new RowResult(row, vals, null, null, null, 0);
        return new RowResult(row, vals, median(got), got.get(0), got.get(got.size() - 1), got.size());
    }

    private static Double value(Claim.Measure m, List<Evaluation> ev) {
        return switch (m.kind()) {
            case STEPS_TO_TEST_ACC -> {
                for (Evaluation e : ev) if (e.testAcc() >= m.threshold()) yield (double) e.step();
                yield null;
            }
            case STEPS_TO_TRAIN_ACC -> {
                for (Evaluation e : ev) if (e.trainAcc() >= m.threshold()) yield (double) e.step();
                yield null;
            }
            case FINAL_TEST_ACC -> ev.isEmpty() ? null : ev.get(ev.size() - 1).testAcc();
            case CDS_FIT, SCALING_SLOPE -> throw new IllegalArgumentException(m.kind() + " is read once per sweep");
        };
    }

    private static RowResult sweepWide(Claim.Row row, Path dir) throws IOException {
        Double v = null, lo = null, hi = null;
        switch (row.measure().kind()) {
            case CDS_FIT -> {
                Path f = dir.resolve("cds.json");
                if (Files.isRegularFile(f)) {
                    JsonNode fit = Json.MAPPER
                            .readTree(f.toFile())
                            .path("groups")
                            .path(0)
                            .path("fit");
                    if (fit.path("cds").isNumber()) {
                        v = fit.get("cds").asDouble();
                        if (fit.path("interval").size() == 2) {
                            lo = fit.get("interval").get(0).asDouble();
                            hi = fit.get("interval").get(1).asDouble();
                        }
                    }
                }
            }
            case SCALING_SLOPE -> {
                Path f = dir.resolve("scaling.json");
                if (Files.isRegularFile(f)) {
                    JsonNode fit = Json.MAPPER.readTree(f.toFile()).path("loglog_fit");
                    if (fit.path("slope").isNumber()) v = fit.get("slope").asDouble();
                }
            }
            case STEPS_TO_TEST_ACC, STEPS_TO_TRAIN_ACC, FINAL_TEST_ACC ->
                throw new IllegalArgumentException(row.measure().kind() + " is read per run");
        }
        return new RowResult(row, List.of(), v, lo, hi, v == null ? 0 : 1);
    }

    /** Whether the config has every value of {@code where} (numbers compared as numbers, text without case). */
    static boolean matches(JsonNode config, Map<String, String> where) {
        for (Map.Entry<String, String> e : where.entrySet()) {
            JsonNode n = config.at("/" + e.getKey().replace('.', '/'));
            if (n.isMissingNode()) return false;
            String want = e.getValue();
            if (n.isNumber()) {
                try {
                    if (Double.parseDouble(want) != n.asDouble()) return false;
                } catch (NumberFormatException x) {
                    return false;
                }
            } else if (!n.asText().equalsIgnoreCase(want)) return false;
        }
        return true;
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * The comparison as a table: row, paper, ours (median and range over runs that reached it, k of n), and ours /
     * paper where the paper gives a number and {@code compare} (a quick form's numbers are not the paper's setting's).
     */
    public static String table(List<RowResult> rows, boolean compare) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"", "paper", "ours", "runs", compare ? "ours / paper" : ""});
        for (RowResult r : rows) {
            Claim.Measure m = r.row().measure();
            boolean absent = m.kind().perRun() && r.runs().isEmpty();
            String ours = absent
                    ? "no runs"
                    : r.value() == null
                            ? "–"
                            : fmt(m, r.value())
                                    + (r.low() != null && !r.low().equals(r.high())
                                            ? " (" + fmt(m, r.low()) + "–" + fmt(m, r.high()) + ")"
                                            : "");
            String runs = absent
                    ? ""
                    : m.kind().perRun()
                            ? r.reached() + "/" + r.runs().size() + (m.kind().needsThreshold() ? " reached" : "")
                            : "sweep";
            Double ratio = compare ? r.ratioToPaper() : null;
            cells.add(new String[] {
                r.row().label(),
                r.row().paperText(),
                ours,
                runs,
                ratio == null ? "" : String.format(Locale.ROOT, "%.2f", ratio)
            });
        }
        int[] w = new int[5];
        for (String[] c : cells) for (int i = 0; i < 5; i++) w[i] = Math.max(w[i], c[i].length());
        StringBuilder sb = new StringBuilder();
        for (String[] c : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < 5; i++)
                line.append(i == 0 ? "" : "  ").append(c[i]).append(" ".repeat(w[i] - c[i].length()));
            sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        for (RowResult r : rows)
            for (RunValue v : r.runs())
                if (v.value() == null && r.row().measure().kind().needsThreshold())
                    sb.append(String.format(
                            Locale.ROOT,
                            "  %s: run %s (seed %d) did not reach %.0f%% within its %,d steps%n",
                            r.row().label(),
                            v.run(),
                            v.seed(),
                            100 * r.row().measure().threshold(),
                            v.lastStep()));
        return sb.toString();
    }

    private static String fmt(Claim.Measure m, double v) {
        return switch (m.kind()) {
            case STEPS_TO_TEST_ACC, STEPS_TO_TRAIN_ACC, CDS_FIT -> String.format(Locale.ROOT, "%,.0f", v);
            case FINAL_TEST_ACC -> String.format(Locale.ROOT, "%.1f%%", 100 * v);
            case SCALING_SLOPE -> String.format(Locale.ROOT, "%.2f", v);
        };
    }

    /** reproduction.json: the claim, the form run, and every row with its runs (what the table shows, and more). */
    public static void write(Path dir, Claim claim, boolean quick, List<RowResult> rows) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("claim", claim.name());
        doc.put("paper", claim.paper());
        doc.put("statement", claim.claim());
        doc.put("form", quick ? "quick" : "full");
        doc.put("sweep", (quick ? claim.quick() : claim.full()).sweep());
        if (quick) doc.put("quick_form_leaves_out", claim.quick().note());
        doc.put("commit", System.getProperty("grokscope.commit", "unknown"));
        List<Map<String, Object>> rs = new ArrayList<>();
        for (RowResult r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", r.row().label());
            m.put("where", r.row().where());
            m.put("measure", r.row().measure().kind().name().toLowerCase(Locale.ROOT));
            if (r.row().measure().threshold() != null)
                m.put("threshold", r.row().measure().threshold());
            m.put("paper", r.row().paper());
            m.put("paper_text", r.row().paperText());
            m.put("ours", r.value());
            m.put("low", r.low());
            m.put("high", r.high());
            m.put("reached", r.reached());
            m.put("runs", r.runs());
            rs.add(m);
        }
        doc.put("rows", rs);
        Path tmp = dir.resolve("reproduction.json.tmp");
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), doc);
        Files.move(
                tmp,
                dir.resolve("reproduction.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
