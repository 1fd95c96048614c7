package org.grokscope.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grokscope.config.Json;
import org.grokscope.run.RunDirectory;

/**
 * What one open page watches, and what it has already been sent. A page first fetches its snapshot (which creates the
 * watch, starting from what the snapshot held), then opens the event stream; each {@link #poll} compares the files'
 * sizes and modification times with the last look and turns what changed into events: new metric rows from the row the
 * page has, status changes, new runs, a new CDS estimate. Nothing unchanged is read, nothing is sent twice.
 */
sealed interface Watch {
    /** One server-sent event: its name and JSON payload. */
    record Event(String name, JsonNode data) {}

    List<Event> poll() throws IOException;

    /** Milliseconds between polls. */
    default long periodMillis() {
        return 500;
    }

    /** size and modification time of a file, or -1 if absent: a change means "read it again" */
    static long stamp(Path f) {
        try { // one stat call, not two: the home page stamps every file of thousands of runs each second
            var a = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class);
            return a.size() * 31 + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    /** A run's page: its new rows, and its status when progress.json or summary.json change. */
    final class RunWatch implements Watch {
        private final Path dir;
        private int sent;
        private List<String> columns;
        private long metricsStamp, statusStamp;

        RunWatch(Path dir, MetricsTable shown, long metricsStamp, long statusStamp) {
            this.dir = dir;
            this.sent = shown.rows.size();
            this.columns = shown.columns;
            this.metricsStamp = metricsStamp;
            this.statusStamp = statusStamp;
        }

        static long statusStamp(Path dir) {
            return stamp(dir.resolve(RunDirectory.PROGRESS)) * 17 + stamp(dir.resolve(RunDirectory.SUMMARY));
        }

        @Override
        public List<Event> poll() throws IOException {
            List<Event> out = new ArrayList<>();
            long m = stamp(dir.resolve(RunDirectory.METRICS));
            if (m != metricsStamp) {
                metricsStamp = m;
                MetricsTable t = MetricsTable.read(dir, RunDirectory.METRICS, null);
                if (t.rows.size() < sent || !t.columns.equals(columns)) {
                    // a resumed run dropped rows past its checkpoint, or a new probe column appeared: start over
                    out.add(new Event("reset", Json.MAPPER.createObjectNode()));
                    sent = t.rows.size();
                    columns = t.columns;
                } else if (t.rows.size() > sent) {
                    out.add(new Event("rows", t.json(sent)));
                    sent = t.rows.size();
                }
            }
            long s = statusStamp(dir);
            if (s != statusStamp) {
                statusStamp = s;
                ObjectNode o = Json.MAPPER.createObjectNode();
                o.set("status", RunView.status(dir));
                o.set("progress", RunView.readJson(dir, RunDirectory.PROGRESS));
                o.set("summary", RunView.readJson(dir, RunDirectory.SUMMARY));
                out.add(new Event("status", o));
            }
            return out;
        }
    }

    /**
     * A sweep's or search's page: the run table when the store changes, the CDS estimate when a run ends, each run's
     * new rows.
     */
    final class SweepWatch implements Watch {
        private final Path dir;
        private final CdsCache cds;
        private final List<String> metrics;
        private final Map<String, Integer> sent;
        private final Map<String, Long> stamps = new HashMap<>();
        private long storeStamp;
        private String lastRuns, lastCds;
        private final String definition;

        /** {@code definition}: the store's definition the page was built from (null before the sweep recorded it). */
        SweepWatch(
                Path dir,
                CdsCache cdsCache,
                List<String> metrics,
                Map<String, Integer> sent,
                long storeStamp,
                String runs,
                String cds,
                String definition) {
            this.definition = definition;
            this.dir = dir;
            this.cds = cdsCache;
            this.metrics = metrics;
            this.sent = new HashMap<>(sent);
            this.storeStamp = storeStamp;
            this.lastRuns = runs;
            this.lastCds = cds;
            for (String id : sent.keySet())
                stamps.put(id, stamp(dir.resolve("runs").resolve(id).resolve(RunDirectory.METRICS)));
        }

        static long storeStamp(Path dir) {
            return stamp(dir.resolve("sweep.db")) * 17 + stamp(dir.resolve("sweep.db-wal"));
        }

        /** Each run's metrics.csv stamp (-1: none yet) at one moment, sorted by run id. */
        record RunStamps(long takenNanos, List<String> ids, long[] stamps) {}

        /**
         * How long one look at a sweep's runs serves every page watching it: 50 open pages of a 1,000-run sweep
         * otherwise list the directory and stat every file 50 times a second.
         */
        static final long SHARED_NANOS = 400_000_000L;

        private static final java.util.concurrent.ConcurrentHashMap<Path, RunStamps> SHARED =
                new java.util.concurrent.ConcurrentHashMap<>();

        /** The runs' stamps, shared by the watches of {@code dir} for {@link #SHARED_NANOS}. */
        static RunStamps runStamps(Path dir) throws IOException {
            long now = System.nanoTime();
            RunStamps s = SHARED.get(dir);
            if (s != null && now - s.takenNanos() < SHARED_NANOS) return s;
            Path runs = dir.resolve("runs");
            List<String> ids = new ArrayList<>();
            if (Files.isDirectory(runs))
                try (var l = Files.list(runs)) {
                    l.filter(Files::isDirectory)
                            .forEach((d) -> ids.add(d.getFileName().toString()));
                }
            ids.sort(null);
            long[] st = new long[ids.size()];
            for (int i = 0; i < st.length; i++)
                st[i] = stamp(runs.resolve(ids.get(i)).resolve(RunDirectory.METRICS));
            s = new RunStamps(now, ids, st);
            if (SHARED.size() > 256) SHARED.clear(); // watched sweeps only; a long-lived server forgets the rest
            SHARED.put(dir, s);
            return s;
        }

        @Override
        public List<Event> poll() throws IOException {
            List<Event> out = new ArrayList<>();
            long st = storeStamp(dir);
            try {
                SweepView.Store s = null;
                if (st != storeStamp) {
                    s = SweepView.read(dir);
                    storeStamp = st;
                    // the page was built before the sweep recorded what it is (a grid or a search): build it again
                    if (!java.util.Objects.equals(
                            definition,
                            s.definition() == null ? null : s.definition().toString())) {
                        out.add(new Event("reset", Json.MAPPER.createObjectNode()));
                        return out;
                    }
                    String runs = SweepView.runs(dir, s).toString();
                    if (!runs.equals(lastRuns)) {
                        lastRuns = runs;
                        out.add(new Event("runs", Json.MAPPER.readTree(runs)));
                    }
                }
                // every poll: the fitted estimate may have come in since the store last changed
                SweepView.Store read =
                        s; // the run table's snapshot, when this poll read one: the bracket is of the same moment
                String now = cds.current(dir, st, () -> read != null ? read : SweepView.read(dir))
                        .toString();
                if (!now.equals(lastCds)) {
                    lastCds = now;
                    out.add(new Event("cds", Json.MAPPER.readTree(now)));
                }
            } catch (SQLException e) {
                // busy or mid-write: look again next time
            }
            if (Files.isDirectory(dir.resolve("runs"))) {
                RunStamps now = runStamps(dir);
                ObjectNode rows = Json.MAPPER.createObjectNode();
                for (int i = 0; i < now.ids().size(); i++) {
                    String id = now.ids().get(i);
                    long m = now.stamps()[i];
                    if (m == -1 || stamps.getOrDefault(id, -2L) == m) continue;
                    stamps.put(id, m);
                    MetricsTable t = MetricsTable.read(dir, "runs/" + id + "/" + RunDirectory.METRICS, metrics);
                    int from = sent.getOrDefault(id, 0);
                    if (t.rows.size() < from) from = 0; // a rerun started the run over
                    if (t.rows.size() == from && from > 0) continue;
                    rows.set(id, t.json(from));
                    sent.put(id, t.rows.size());
                }
                if (!rows.isEmpty()) out.add(new Event("rows", rows));
            }
            return out;
        }
    }

    /**
     * The home page: the entries whose line changed, new ones, and those gone (from the index every home page shares).
     */
    final class HomeWatch implements Watch {
        private final HomeIndex index;
        private final Map<String, String> shown;

        HomeWatch(HomeIndex index, Map<String, String> shown) {
            this.index = index;
            this.shown = new LinkedHashMap<>(shown);
        }

        @Override
        public long periodMillis() {
            return 1000;
        }

        @Override
        public List<Event> poll() {
            List<Event> out = new ArrayList<>();
            ArrayNode changed = Json.MAPPER.createArrayNode();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (HomeIndex.Line line : index.lines()) {
                seen.add(line.id());
                if (!line.text().equals(shown.put(line.id(), line.text()))) changed.add(line.json());
            }
            if (!changed.isEmpty()) out.add(new Event("entries", changed));
            List<String> gone = new ArrayList<>();
            for (String id : shown.keySet()) if (!seen.contains(id)) gone.add(id);
            for (String id : gone) {
                shown.remove(id);
                out.add(new Event("removed", Json.MAPPER.getNodeFactory().textNode(id)));
            }
            return out;
        }
    }
}
