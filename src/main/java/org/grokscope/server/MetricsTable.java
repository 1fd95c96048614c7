package org.grokscope.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grokscope.config.Json;

/**
 * A run's metrics.csv as columns, for charts: numbers where the cell is a number, null where it is empty (a probe
 * column between probes) or not finite; text columns (key frequencies) keep only their latest value. Rows are the
 * file's evaluations in order, so a reader that has rows [0, k) asks for the rest with {@code from = k}.
 */
final class MetricsTable {
    final List<String> columns;
    final List<double[]> rows;
    final Map<String, String> latestText;

    private MetricsTable(List<String> columns, List<double[]> rows, Map<String, String> latestText) {
        this.columns = columns;
        this.rows = rows;
        this.latestText = latestText;
    }

    static final MetricsTable EMPTY = new MetricsTable(List.of(), List.of(), Map.of());

    /**
     * Reads {@code dir/name} (its writer appends whole lines; a row caught half-appended is left for the next read);
     * only the named columns when {@code wanted} is not null (a sweep's chart needs two of thirty). Absent, or a link
     * out of {@code dir}: empty. Bytes that are not UTF-8 become U+FFFD, so a damaged file shows what it can instead of
     * failing the page.
     */
    static MetricsTable read(Path dir, String name, List<String> wanted) throws IOException {
        Path file = Catalog.inside(dir, name);
        if (file == null) return EMPTY;
        org.grokscope.run.Metrics.Table t;
        try {
            t = org.grokscope.run.Metrics.readTable(file);
        } catch (NoSuchFileException e) {
            return EMPTY;
        }
        if (t.columns().isEmpty()) return EMPTY;
        List<String> header = t.columns();
        List<String> cols = new ArrayList<>();
        List<Integer> idx = new ArrayList<>();
        for (int c = 0; c < header.size(); c++)
            if (wanted == null || wanted.contains(header.get(c)) || c == 0) {
                cols.add(header.get(c));
                idx.add(c);
            }
        List<double[]> rows = new ArrayList<>();
        Map<String, String> texts = new LinkedHashMap<>();
        boolean[] textual = new boolean[cols.size()];
        for (String[] f : t.rows()) {
            double[] row = new double[cols.size()];
            for (int k = 0; k < cols.size(); k++) {
                int c = idx.get(k);
                String cell = c < f.length ? f[c] : "";
                row[k] = org.grokscope.run.Metrics.number(cell); // ±∞ and NaN draw as gaps (JSON null)
                if (!cell.isEmpty() && !org.grokscope.run.Metrics.numeric(cell)) {
                    textual[k] = true;
                    texts.put(cols.get(k), cell);
                }
            }
            rows.add(row);
        }
        // a text column is no series
        List<String> keep = new ArrayList<>();
        List<Integer> keepIdx = new ArrayList<>();
        for (int k = 0; k < cols.size(); k++)
            if (!textual[k] && !texts.containsKey(cols.get(k))) {
                keep.add(cols.get(k));
                keepIdx.add(k);
            }
        if (keep.size() < cols.size()) {
            List<double[]> slim = new ArrayList<>(rows.size());
            for (double[] r : rows) {
                double[] s = new double[keep.size()];
                for (int k = 0; k < s.length; k++) s[k] = r[keepIdx.get(k)];
                slim.add(s);
            }
            rows = slim;
        }
        return new MetricsTable(List.copyOf(keep), rows, texts);
    }

    /** {"columns": [...], "from": k, "data": [[column 0 values], ...]} for rows [from, end). */
    ObjectNode json(int from) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode c = o.putArray("columns");
        columns.forEach(c::add);
        o.put("from", from);
        o.put("rows", rows.size());
        ArrayNode data = o.putArray("data");
        for (int k = 0; k < columns.size(); k++) {
            ArrayNode col = data.addArray();
            for (int i = from; i < rows.size(); i++) number(col, rows.get(i)[k]);
        }
        ObjectNode t = o.putObject("text");
        latestText.forEach(t::put);
        return o;
    }

    static void number(ArrayNode a, double v) {
        if (Double.isFinite(v)) {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) a.add((long) v);
            else a.add(v);
        } else {
            a.addNull();
        }
    }
}
