package org.grokscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.grokscope.run.RunDirectory;

/**
 * Runs' numbers as CSV for a spreadsheet, pandas or R: every metric of every selected run in long format (one row per
 * run, step and metric), or one row per run with its outcome. Runs are named by their path under the common root of the
 * directories given; the config keys that differ between them (and the seed) are columns, so the file says what each
 * run was. Values are copied as the run wrote them, never re-formatted; a cell a run left empty (a probe not measured
 * at that step) gives no row.
 */
public final class CsvExport {
    private CsvExport() {}

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Config keys that name or describe a run rather than set it. */
    private static final List<String> NOT_SETTINGS = List.of("name", "description");
    /** The outcome columns of the per-run table, from summary.json. */
    public static final List<String> SUMMARY_COLUMNS = List.of(
            "status",
            "steps",
            "final_train_acc",
            "final_test_acc",
            "best_test_acc",
            "final_train_loss",
            "final_test_loss",
            "memorization_step",
            "generalization_step",
            "phase",
            "train_size",
            "wall_seconds");

    /** A run directory found under the arguments: its name in the output, and its flattened settings. */
    public record Run(String name, Path dir, Map<String, String> settings) {}

    /**
     * Every run directory (config.json and metrics.csv) at or under {@code roots} (at most four levels down), sorted by
     * name.
     */
    public static List<Run> find(List<Path> roots) throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (Path r : roots) {
            if (!Files.isDirectory(r)) throw new IOException(r + ": no such directory");
            try (Stream<Path> s = Files.walk(r, 4)) {
                s.filter(Files::isDirectory)
                        .filter(d -> Files.isRegularFile(d.resolve(RunDirectory.CONFIG))
                                && Files.isRegularFile(d.resolve(RunDirectory.METRICS)))
                        .forEach(d -> dirs.add(d.toAbsolutePath().normalize()));
            }
        }
        if (dirs.isEmpty())
            throw new IOException("no run directories (a folder with config.json and metrics.csv) under " + roots);
        Path common = dirs.get(0).getParent();
        for (Path d : dirs) while (common != null && !d.startsWith(common)) common = common.getParent();
        List<Run> runs = new ArrayList<>();
        for (Path d : new TreeSet<>(dirs)) {
            String name = common == null ? d.toString() : common.relativize(d).toString();
            if (name.isEmpty()) name = d.getFileName().toString();
            runs.add(new Run(name, d, settings(d.resolve(RunDirectory.CONFIG))));
        }
        return runs;
    }

    private static Map<String, String> settings(Path config) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode root;
        try {
            root = JSON.readTree(config.toFile());
        } catch (IOException e) {
            throw new IOException(config + ": not readable JSON (" + e.getMessage() + ")");
        }
        flatten("", root, out);
        NOT_SETTINGS.forEach(out::remove);
        return out;
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (!n.isNull()) {
            out.put(prefix, n.isValueNode() ? n.asText() : n.toString());
        }
    }

    /**
     * The keys whose values differ between the runs (a key one run lacks counts as differing), seed always among them,
     * in first-seen order.
     */
    public static List<String> differing(List<Run> runs) {
        LinkedHashMap<String, Boolean> keys = new LinkedHashMap<>();
        for (Run r : runs) for (String k : r.settings().keySet()) keys.putIfAbsent(k, false);
        List<String> out = new ArrayList<>();
        for (String k : keys.keySet()) {
            String first = runs.get(0).settings().get(k);
            boolean differs = k.equals("seed");
            for (Run r : runs)
                differs |= !java.util.Objects.equals(first, r.settings().get(k));
            if (differs) out.add(k);
        }
        return out;
    }

    /** Long format: run, the differing keys, step, metric, value; {@code only} non-null keeps those metrics. */
    public static String metrics(List<Run> runs, List<String> only) throws IOException {
        List<String> keys = differing(runs);
        StringBuilder sb = new StringBuilder();
        List<String> head = new ArrayList<>(List.of("run"));
        head.addAll(keys);
        head.addAll(List.of("step", "metric", "value"));
        line(sb, head);
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        for (Run r : runs) {
            Path f = r.dir().resolve(RunDirectory.METRICS);
            org.grokscope.run.Metrics.Table t = org.grokscope.run.Metrics.readTable(f);
            if (t.columns().isEmpty()) continue;
            List<String> cols = t.columns();
            if (!cols.get(0).equals("step"))
                throw new IOException(
                        f + ":1: not a metrics file (its first column is '" + cols.get(0) + "', not 'step')");
            seen.addAll(cols.subList(1, cols.size()));
            for (int i = 0; i < t.rows().size(); i++) {
                String[] cells = t.rows().get(i);
                if (cells.length != cols.size())
                    throw new IOException(f + ":" + t.lines().get(i) + ": " + cells.length
                            + " cells where the header has " + cols.size());
                for (int c = 1; c < cols.size(); c++) {
                    if (cells[c].isEmpty() || only != null && !only.contains(cols.get(c))) continue;
                    List<String> row = new ArrayList<>(List.of(r.name()));
                    for (String k : keys) row.add(r.settings().getOrDefault(k, ""));
                    row.add(cells[0]);
                    row.add(cols.get(c));
                    row.add(cells[c]);
                    line(sb, row);
                }
            }
        }
        if (only != null)
            for (String m : only)
                if (!seen.contains(m))
                    throw new IOException(
                            "--metrics: no run has a column '" + m + "' (they have " + String.join(", ", seen) + ")");
        return sb.toString();
    }

    /** One row per run: run, the differing keys, its outcome from summary.json (empty for a run without one yet). */
    public static String runs(List<Run> runs) throws IOException {
        List<String> keys = differing(runs);
        StringBuilder sb = new StringBuilder();
        List<String> head = new ArrayList<>(List.of("run"));
        head.addAll(keys);
        head.addAll(SUMMARY_COLUMNS);
        line(sb, head);
        for (Run r : runs) {
            List<String> row = new ArrayList<>(List.of(r.name()));
            for (String k : keys) row.add(r.settings().getOrDefault(k, ""));
            Path sf = r.dir().resolve(RunDirectory.SUMMARY);
            JsonNode s = null;
            if (Files.isRegularFile(sf)) {
                try {
                    s = JSON.readTree(sf.toFile());
                } catch (IOException e) {
                    throw new IOException(sf + ": not readable JSON (" + e.getMessage() + ")");
                }
            }
            for (String c : SUMMARY_COLUMNS) {
                JsonNode v = s == null ? null : s.get(c);
                row.add(
                        s == null && c.equals("status")
                                ? "running or never finished"
                                : v == null || v.isNull() ? "" : v.asText());
            }
            line(sb, row);
        }
        return sb.toString();
    }

    /**
     * RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; a field a spreadsheet would run as
     * a formula is prefixed with '.
     */
    static void line(StringBuilder sb, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) sb.append(',');
            String c = cells.get(i);
            if (!c.isEmpty()
                    && "=+-@".indexOf(c.charAt(0)) >= 0
                    && !c.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?|[-+]?(inf|Infinity|NaN)")) c = "'" + c;
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0)
                c = '"' + c.replace("\"", "\"\"") + '"';
            sb.append(c);
        }
        sb.append('\n');
    }
}
