package org.grokscope.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The home page's lines, one per run, sweep or search under the served directories, shared by every open home page and
 * kept current cheaply: the tree is walked again at most every {@value #RESCAN_MILLIS} ms, each known entry's files are
 * looked at (sizes and times only) at most every {@value #CHECK_MILLIS} ms, and a line is rebuilt only when those
 * changed, or, for a running entry, when its ETA has aged {@value #AGE_MILLIS} ms. With thousands of runs under a root,
 * an open page used to walk the tree and rebuild every line each second.
 */
final class HomeIndex {
    static final long RESCAN_MILLIS = 5_000, CHECK_MILLIS = 1_000, AGE_MILLIS = 5_000;

    /**
     * One entry's line: as JSON for a snapshot, and as text to compare (the same String while the line is unchanged).
     */
    record Line(String id, ObjectNode json, String text) {}

    private record Slot(long stamp, Line line, long builtAt, boolean running) {}

    private final Catalog catalog;
    private List<Catalog.Entry> entries;
    private long scannedAt, checkedAt;
    private final Map<String, Slot> slots = new HashMap<>();
    private long built;

    HomeIndex(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * What says an entry changed. A run's progress.json and summary.json are replaced by rename, progress.json with
     * every append to metrics.csv, and a rename changes the directory's modification time, so one stat of the directory
     * stands for three of files (nanoseconds, so two writes in one millisecond still differ). A sweep's store is
     * written in place: its files.
     */
    static long entryStamp(Catalog.Entry e) {
        if (e.kind() == Catalog.Kind.SWEEP) return Watch.SweepWatch.storeStamp(e.dir());
        try {
            return java.nio.file.Files.getLastModifiedTime(e.dir()).to(java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.io.IOException x) {
            return -1;
        }
    }

    /** How many lines were built from the files so far. */
    synchronized long built() {
        return built;
    }

    /** Every entry's line, in the tree's order, as current as the intervals above allow. */
    synchronized List<Line> lines() {
        long now = System.currentTimeMillis();
        boolean rescan = entries == null || now - scannedAt >= RESCAN_MILLIS;
        if (rescan) {
            entries = catalog.scan();
            scannedAt = now;
        }
        if (rescan || now - checkedAt >= CHECK_MILLIS) {
            checkedAt = now;
            Set<String> present = new HashSet<>();
            for (Catalog.Entry e : entries) {
                present.add(e.id());
                long st = entryStamp(e);
                Slot s = slots.get(e.id());
                if (s != null && s.stamp() == st && !(s.running() && now - s.builtAt() >= AGE_MILLIS)) continue;
                ObjectNode json = Home.line(catalog, e);
                built++;
                String text = json.toString();
                Line line = s != null && s.line().text().equals(text) ? s.line() : new Line(e.id(), json, text);
                slots.put(
                        e.id(),
                        new Slot(st, line, now, Shown.of(json.path("status").asText()) == Shown.RUNNING));
            }
            slots.keySet().retainAll(present);
        }
        List<Line> out = new ArrayList<>(entries.size());
        for (Catalog.Entry e : entries) {
            Slot s = slots.get(e.id());
            if (s != null) out.add(s.line());
        }
        return out;
    }
}
