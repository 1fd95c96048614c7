package org.grokscope.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.grokscope.config.Json;
import org.grokscope.run.AtomicFiles;
import org.grokscope.sweep.SweepStore;
import org.grokscope.train.Evaluation;

/**
 * DIR/report.html for a sweep or a CDS search: one self-contained page (Chart.js inlined from its webjar, data embedded
 * as JSON) that works offline from disk. It shows the plain-language CDS summary, learning curves coloured by
 * training-set size, steps-to-generalize against size with the CDS paper's peak, final accuracy against size with the
 * fitted curve and the CDS interval, weight-norm curves, a size × group accuracy heatmap when the sweep has other axes,
 * and the table of runs.
 */
public final class SweepReport {
    private static final String CHART_JS = "/META-INF/resources/webjars/chart.js/4.4.1/dist/chart.umd.js";

    /** Probe series drawn in the report. */
    static final List<String> PROBES =
            List.of("ntk_rel", "embed_gini", "restricted_loss", "excluded_loss", "softmax_one_share", "p_generalize");

    private SweepReport() {}

    /** Writes DIR/report.html. */
    public static Path write(Path dir) throws IOException, SQLException {
        return write(dir, dir.resolve("report.html"));
    }

    /**
     * Writes the report of the sweep in {@code dir} to {@code out} (the store is only read: a sweep on read-only media
     * can be reported elsewhere).
     */
    public static Path write(Path dir, Path out) throws IOException, SQLException {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("title", dir.toAbsolutePath().getFileName().toString());
        ArrayNode runs = data.putArray("runs");
        try (SweepStore store = SweepStore.readOnly(dir.resolve("sweep.db"))) {
            // a run that a search continued (an early verdict had stopped it) shows once, as its continuation
            for (SweepStore.Row r : SweepStore.current(store.runs())) {
                ObjectNode o = runs.addObject();
                o.put("id", r.id());
                o.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
                o.set("params", Json.MAPPER.readTree(r.params()));
                o.set("summary", r.summary() == null ? null : Json.MAPPER.readTree(r.summary()));
                if (r.error() != null) o.put("error", r.error());
                ArrayNode st = o.putArray("step"),
                        tr = o.putArray("train_acc"),
                        te = o.putArray("test_acc"),
                        l2 = o.putArray("l2");
                for (Evaluation e : store.metrics(r.id())) {
                    st.add(e.step());
                    tr.add(e.trainAcc());
                    te.add(e.testAcc());
                    l2.add(e.l2Norm());
                }
                ObjectNode pr = o.putObject("probes");
                for (String name : PROBES) {
                    List<double[]> series = store.probe(r.id(), name);
                    if (series.isEmpty()) continue;
                    ArrayNode a = pr.putArray(name);
                    for (double[] sv : series) a.addArray().add((int) sv[0]).add(sv[1]);
                }
            }
        }
        Path cds = dir.resolve("cds.json"), scaling = dir.resolve("scaling.json");
        data.set("cds", Files.exists(cds) ? Json.MAPPER.readTree(cds.toFile()) : null);
        data.set("scaling", Files.exists(scaling) ? Json.MAPPER.readTree(scaling.toFile()) : null);
        String html = template().replace("/*CHART_JS*/", chartJs()).replace("/*DATA*/", ScriptJson.of(data));
        AtomicFiles.writeString(out, withPolicy(html));
        return out;
    }

    /**
     * Adds a Content-Security-Policy that lets exactly the page's own script blocks run (by their SHA-256): a value
     * that slipped through escaping could add markup, but no script, event handler or request would execute.
     */
    public static String withPolicy(String html) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "<script>(.*?)</script>", java.util.regex.Pattern.DOTALL)
                .matcher(html);
        StringBuilder hashes = new StringBuilder();
        try {
            while (m.find()) {
                byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(m.group(1).getBytes(StandardCharsets.UTF_8));
                hashes.append(" 'sha256-")
                        .append(java.util.Base64.getEncoder().encodeToString(d))
                        .append('\'');
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String policy = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src" + hashes
                + "; style-src 'unsafe-inline'; img-src data:\">";
        // the first occurrence is the template's, in <head>, before any data
        return html.replaceFirst(
                java.util.regex.Pattern.quote("<!--CSP-->"), java.util.regex.Matcher.quoteReplacement(policy));
    }

    private static String chartJs() throws IOException {
        try (InputStream in = SweepReport.class.getResourceAsStream(CHART_JS)) {
            if (in == null) throw new IOException("Chart.js webjar missing from the classpath (" + CHART_JS + ")");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String template() throws IOException {
        try (InputStream in = SweepReport.class.getResourceAsStream("/report/sweep-report.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
