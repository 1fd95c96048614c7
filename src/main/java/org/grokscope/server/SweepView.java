package org.grokscope.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.grokscope.config.Json;
import org.grokscope.run.RunDirectory;
import org.grokscope.sweep.CdsSearch;
import org.grokscope.sweep.SweepAnalysis;
import org.grokscope.sweep.SweepStore;

/**
 * What the dashboard shows of a sweep or staged-search directory, read while it runs: the runs and their status (the
 * store's, refined by each run's own progress.json), the critical data size as the finished runs say it is now, and the
 * runs' curves of the chosen metrics.
 */
final class SweepView {
    private SweepView() {}

    /**
     * The store's rows, the definition and whether it is a search: one snapshot of sweep.db, from which the run table,
     * a search's bracket and the fitted estimate of one poll are all computed (read apart, a commit between the reads
     * showed a bracket of another moment than the table beside it).
     */
    record Store(SweepStore.Snapshot snapshot, JsonNode definition, boolean search) {
        List<SweepStore.Row> rows() {
            return snapshot.runs();
        }
    }

    static Store read(Path dir) throws SQLException, IOException {
        try (SweepStore store = SweepStore.readOnly(dir.resolve("sweep.db"))) {
            SweepStore.Snapshot snap = store.snapshot();
            JsonNode d = snap.definition() == null ? null : Json.MAPPER.readTree(snap.definition());
            return new Store(snap, d, CdsSearch.isSearch(d));
        }
    }

    /**
     * The runs of the sweep: parameters, status (a run the store calls running whose writer is gone is "stopped"),
     * progress, results.
     */
    static ArrayNode runs(Path dir, Store st) throws IOException {
        ArrayNode a = Json.MAPPER.createArrayNode();
        // a search that confirms a run an early verdict stopped trains it on as a new run that continues it (and holds
        // its rows too): the seed is shown once, as the continuation, which says whose run it continues
        java.util.Set<String> continued = new java.util.HashSet<>();
        for (SweepStore.Row r : st.rows()) {
            JsonNode c = Json.MAPPER.readTree(r.params()).get(org.grokscope.sweep.SweepConfig.Point.CONTINUES);
            if (c != null) continued.add(c.asText());
        }
        for (SweepStore.Row r : st.rows()) {
            if (continued.contains(r.id())) continue;
            ObjectNode o = a.addObject();
            o.put("id", r.id());
            o.put("index", r.index());
            ObjectNode params = (ObjectNode) Json.MAPPER.readTree(r.params());
            JsonNode from = params.remove(org.grokscope.sweep.SweepConfig.Point.CONTINUES);
            if (from != null) o.put("continues", from.asText());
            o.set("params", params);
            Shown status = Shown.of(r.status());
            Path rd = dir.resolve("runs").resolve(r.id());
            if (r.status() == SweepStore.Status.RUNNING) {
                ObjectNode live = RunView.status(rd);
                o.put("step", live.path("step").asInt());
                o.put("steps", live.path("steps").asInt());
                o.set("eta_s", live.get("eta_s"));
                o.set("advisor", live.get("advisor"));
                if (Shown.of(live.path("status").asText()) == Shown.STOPPED) status = Shown.STOPPED;
            }
            o.put("status", status.key());
            o.put("attempts", r.attempts());
            if (r.error() != null) o.put("error", r.error());
            if (r.summary() != null) {
                JsonNode s = Json.MAPPER.readTree(r.summary());
                for (String k : List.of(
                        "final_test_acc",
                        "final_train_acc",
                        "memorization_step",
                        "generalization_step",
                        "grokking_gap",
                        "phase",
                        "steps",
                        "wall_seconds",
                        "train_size")) if (s.has(k)) o.set(k, s.get(k));
                o.set("advisor", s.path("probes").path("advisor").get("state"));
                JsonNode p = s.path("probes").path("advisor").path("forecast").get("probability");
                if (p != null && p.isNumber()) o.set("p_generalize", p);
                // why a finished run ended, when not by running its budget out: generalized and stopped, stopped by a
                // verdict, diverged (the store counts all of them completed)
                String outcome = s.path("status").asText("");
                if (!outcome.isEmpty()
                        && org.grokscope.train.Trainer.Status.ofKey(outcome)
                                != org.grokscope.train.Trainer.Status.COMPLETED) {
                    o.put("outcome", outcome);
                    if (s.hasNonNull("reason")) o.put("reason", s.get("reason").asText());
                }
            }
        }
        return a;
    }

    /** The parameter names the runs vary over, in the sweep's order. */
    static List<String> axes(Store st) throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        for (SweepStore.Row r : st.rows())
            Json.MAPPER.readTree(r.params()).fieldNames().forEachRemaining(keys::add);
        keys.remove(org.grokscope.sweep.SweepConfig.Point.CONTINUES); // not an axis: which run a confirmation trains on
        return new ArrayList<>(keys);
    }

    /** The line of the home page: counts by status, progress and a rough ETA. */
    static ObjectNode status(Path dir) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("name", dir.getFileName().toString());
        try {
            Store st = read(dir);
            ArrayNode runs = runs(dir, st);
            o.put("kind", st.search() ? "search" : "sweep");
            int done = 0, running = 0, failed = 0, total = runs.size();
            double wall = 0, fraction = 0;
            for (JsonNode r : runs) {
                Shown s = Shown.of(r.path("status").asText());
                if (s == Shown.COMPLETED || s == Shown.FAILED) {
                    done++;
                    wall += r.path("wall_seconds").asDouble();
                    fraction += 1;
                }
                if (s == Shown.FAILED) failed++;
                if (s == Shown.RUNNING) {
                    running++;
                    int steps = r.path("steps").asInt();
                    if (steps > 0) fraction += Math.min(1, r.path("step").asDouble() / steps);
                }
            }
            o.put("runs", total);
            o.put("done", done);
            o.put("running", running);
            o.put("failed", failed);
            Shown whole = running > 0
                    ? Shown.RUNNING
                    : total == 0
                            ? Shown.EMPTY
                            : done == total && !(st.search() && !Files.exists(dir.resolve("cds.json")))
                                    ? Shown.COMPLETED
                                    : Shown.STOPPED;
            o.put("status", whole.key());
            o.put("fraction", total == 0 ? 0 : fraction / total);
            // a search adds probes as it goes: its total is not known, nor its ETA
            if (!st.search() && done > 0 && running > 0)
                o.put("eta_s", Math.round(wall / done * (total - fraction) / running));
        } catch (SQLException | IOException e) {
            o.put("status", Shown.UNREADABLE.key());
            o.put("error", String.valueOf(e.getMessage()));
        }
        return o;
    }

    /**
     * The cheap part of the critical data size as it stands: the size axis, how many runs completed, and for a search
     * its bracket from the probes that have ended. The fitted estimates come from {@link #cdsGroups} (seconds: a
     * bootstrap of 1,000 fits), which {@link CdsCache} runs off the request path.
     */
    static ObjectNode cdsHead(Store st) throws IOException {
        ObjectNode o = Json.MAPPER.createObjectNode();
        String axis = SweepAnalysis.sizeAxis(axes(st));
        o.put("size_axis", axis);
        o.put(
                "completed",
                st.rows().stream()
                        .filter(r -> r.status() == SweepStore.Status.COMPLETED)
                        .count());
        if (st.search()) {
            CdsSearch.Standing s = CdsSearch.standing(st.snapshot());
            ObjectNode b = o.putObject("bracket");
            b.set("last_failing", s.lastFailing() == null ? null : Json.MAPPER.valueToTree(s.lastFailing()));
            b.set(
                    "first_succeeding",
                    s.firstSucceeding() == null ? null : Json.MAPPER.valueToTree(s.firstSucceeding()));
            b.set("probing", s.running() == null ? null : Json.MAPPER.valueToTree(s.running()));
            b.put("tolerance", s.tolerance());
            b.set("probes", Json.MAPPER.valueToTree(s.probes()));
        }
        return o;
    }

    /** Both estimators per group over the completed runs of the snapshot (the same analysis as cds.json at the end). */
    static ArrayNode cdsGroups(Path dir, Store st, String axis) throws IOException {
        ArrayNode groups = Json.MAPPER.createArrayNode();
        SweepAnalysis.Estimate e = SweepAnalysis.estimate(st.rows(), dir, axis, Map.of());
        for (Object g : (List<?>) e.doc().get("groups")) {
            JsonNode gj = Json.MAPPER.valueToTree(g);
            ObjectNode out = groups.addObject();
            out.set("group", gj.get("group"));
            // a sigmoid fitted where no run generalized is no estimate: show it once one has
            if (gj.path("generalization_steps").size() > 0) out.set("fit", gj.get("fit"));
            out.set("paper", gj.get("paper"));
            out.set("statement", gj.get("statement"));
        }
        return groups;
    }

    /** Each run's curves of {@code metrics} (with its step column), rows from 0. */
    static ObjectNode series(Path dir, Store st, List<String> metrics, Map<String, Integer> sent) throws IOException {
        ObjectNode o = Json.MAPPER.createObjectNode();
        for (SweepStore.Row r : st.rows()) {
            if (!Files.exists(dir.resolve("runs").resolve(r.id()).resolve(RunDirectory.METRICS))) continue;
            MetricsTable t = MetricsTable.read(dir, "runs/" + r.id() + "/" + RunDirectory.METRICS, metrics);
            o.set(r.id(), t.json(0));
            sent.put(r.id(), t.rows.size());
        }
        return o;
    }
}
