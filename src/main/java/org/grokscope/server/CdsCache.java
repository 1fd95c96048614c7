package org.grokscope.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The critical data size of each served sweep as it stands, computed once per change of its store however many pages
 * watch it. The bracket is read at once; the fitted estimates (a bootstrap of 1,000 sigmoid fits, about 3 s for a
 * search of 24 runs on this machine) are computed on one background thread, so a page loads at once with the last
 * estimate (marked {@code fit_pending}) and gets the new one pushed when it is ready.
 */
final class CdsCache implements AutoCloseable {
    /** What a page needs to build the estimate: the store, read only when its stamp changed. */
    interface StoreReader {
        SweepView.Store read() throws SQLException, IOException;
    }

    private static final class Slot {
        long stamp = Long.MIN_VALUE, groupsStamp = Long.MIN_VALUE;
        SweepView.Store store; // the snapshot the head was computed from
        ObjectNode head;
        ArrayNode groups;
        boolean computing;
        String error;
    }

    private final Map<Path, Slot> slots = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "grokscope-serve-cds");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY); // never ahead of the training the page watches
        return t;
    });

    ObjectNode current(Path dir, long stamp, StoreReader store) throws SQLException, IOException {
        Slot s = slots.computeIfAbsent(dir.toAbsolutePath().normalize(), k -> new Slot());
        synchronized (s) {
            if (s.stamp != stamp) {
                s.store = store.read();
                s.head = SweepView.cdsHead(s.store);
                s.stamp = stamp;
            }
            String axis = s.head.path("size_axis").isTextual()
                    ? s.head.get("size_axis").asText()
                    : null;
            boolean wanted = axis != null && s.head.path("completed").asInt() > 0;
            if (wanted && s.groupsStamp != stamp && !s.computing) {
                s.computing = true;
                SweepView.Store snapshot =
                        s.store; // the estimate is of the same moment as the bracket and counts it is shown with
                worker.submit(() -> {
                    ArrayNode g = null;
                    String err = null;
                    try {
                        g = SweepView.cdsGroups(dir, snapshot, axis);
                    } catch (IOException | RuntimeException e) {
                        err = String.valueOf(e.getMessage());
                    }
                    synchronized (s) {
                        if (g != null) s.groups = g;
                        s.error = err;
                        s.groupsStamp = stamp;
                        s.computing = false;
                    }
                });
            }
            ObjectNode o = s.head.deepCopy();
            if (s.groups != null) o.set("groups", s.groups);
            if (wanted && s.groupsStamp != stamp) o.put("fit_pending", true);
            if (s.error != null) o.put("fit_error", s.error);
            return o;
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
