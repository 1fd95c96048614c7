package org.grokscope.sweep;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.train.Evaluation;

/**
 * The sweep's SQLite database (WAL journal): the sweep definition, one row per run (parameters, status, summary) and
 * every run's metrics. Each state change is one transaction, so a process killed at any moment leaves the last
 * committed state: finished runs stay finished, and a run caught "running" is restarted (resumed from its checkpoint)
 * by the next invocation.
 */
public final class SweepStore implements AutoCloseable {
    public enum Status {
        PENDING,
        RUNNING,
        COMPLETED,
        FAILED,
        INTERRUPTED
    }

    public record Row(String id, int index, String params, Status status, int attempts, String error, String summary) {}

    private final Connection db;

    public SweepStore(Path file) throws SQLException {
        db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            init();
        } catch (SQLException e) {
            db.close();
            throw new SQLException(
                    file + ": not a readable sweep store (" + e.getMessage() + ")",
                    e.getSQLState(),
                    e.getErrorCode(),
                    e);
        }
    }

    private SweepStore(Connection db) {
        this.db = db;
    }

    /**
     * The store of a sweep another process may be writing, opened to read only (the dashboard, reports): nothing is
     * created or changed, and a reader waits up to a few seconds for a writer's commit (WAL lets both proceed).
     *
     * <p>A WAL reader needs the {@code -shm} file, which it creates when absent; on read-only media (a finished sweep
     * on a DVD, a read-only mount or another user's directory) it cannot. When no {@code -wal} file with commits is
     * there either, the last writer closed the store cleanly and everything is in the main file, so it is opened as
     * immutable (no locks, no shared memory); a store whose writer is still going keeps its {@code -wal} and is never
     * read that way.
     */
    public static SweepStore readOnly(Path file) throws SQLException {
        if (!java.nio.file.Files.isRegularFile(file)) throw new SQLException(file + ": no sweep store here");
        org.sqlite.SQLiteConfig c = new org.sqlite.SQLiteConfig();
        c.setReadOnly(true);
        c.setBusyTimeout(5000);
        Connection db = c.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            try (var st = db.createStatement();
                    var r = st.executeQuery("SELECT count(*) FROM sqlite_master")) {
                r.next();
            }
            return new SweepStore(db);
        } catch (SQLException e) {
            db.close();
            Path wal = file.resolveSibling(file.getFileName() + "-wal");
            if (!cannotOpen(e) || walHolds(wal))
                throw new SQLException(file + ": not a readable sweep store (" + e.getMessage() + ")", e);
            org.sqlite.SQLiteConfig ic = new org.sqlite.SQLiteConfig();
            ic.setReadOnly(true);
            ic.setOpenMode(org.sqlite.SQLiteOpenMode.OPEN_URI);
            return new SweepStore(
                    ic.createConnection("jdbc:sqlite:" + file.toAbsolutePath().toUri() + "?immutable=1"));
        }
    }

    /** A -wal file with commits in it (an empty one is what a clean close leaves behind on some systems). */
    private static boolean walHolds(Path wal) {
        try {
            return java.nio.file.Files.exists(wal) && java.nio.file.Files.size(wal) > 0;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static boolean cannotOpen(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("SQLITE_CANTOPEN") || m.contains("unable to open") || m.contains("SQLITE_READONLY");
    }

    /**
     * The definition and every run row as of one moment: both read in one transaction, so a writer's commit between
     * them cannot pair a definition with rows of another moment, nor a run table with a bracket read later (the
     * dashboard and a search's standing are computed from one snapshot).
     */
    public record Snapshot(String definition, List<Row> runs) {
        public Snapshot {
            runs = List.copyOf(runs);
        }

        /** The rows by id. */
        public Map<String, Row> byId() {
            Map<String, Row> m = new java.util.HashMap<>();
            for (Row r : runs) m.put(r.id(), r);
            return m;
        }
    }

    public synchronized Snapshot snapshot() throws SQLException {
        boolean auto = db.getAutoCommit();
        if (!auto) return new Snapshot(definition(), runs()); // the writer's own connection: one transaction already
        db.setAutoCommit(false);
        try {
            return new Snapshot(definition(), runs());
        } finally {
            db.commit(); // ends the read transaction (nothing was written)
            db.setAutoCommit(true);
        }
    }

    /**
     * The sweep's definition as recorded (a grid's sweep config, or a staged search's settings), or null before the
     * first run.
     */
    public synchronized String definition() throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT value FROM sweep WHERE key = 'definition'");
                ResultSet r = q.executeQuery()) {
            return r.next() ? r.getString(1) : null;
        }
    }

    /**
     * A store failure with the file named and, when its disk has (almost) no space left, that said: SQLite's own
     * message after a full disk varies ("database or disk is full", or "cannot commit - no transaction is active" once
     * it has rolled the transaction back itself).
     */
    public static SQLException explain(Path file, SQLException e) {
        String full = "";
        try {
            long free = java.nio.file.Files.getFileStore(file.toAbsolutePath().getParent())
                    .getUsableSpace();
            if (free < (1 << 20)) full = "; the disk is full (" + free + " bytes free)";
        } catch (java.io.IOException ignored) {
            // no file store to ask: the message stays SQLite's
        }
        String m = e.getMessage() != null && e.getMessage().startsWith(file.toString())
                ? e.getMessage()
                : file + ": " + e.getMessage();
        return new SQLException(m + full, e.getSQLState(), e.getErrorCode(), e);
    }

    private void init() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA busy_timeout=10000");
            s.execute("CREATE TABLE IF NOT EXISTS sweep (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, idx INTEGER NOT NULL, params TEXT NOT NULL, "
                            + "config TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, error TEXT, summary TEXT, "
                            + "started TEXT, finished TEXT)");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS metrics (run_id TEXT NOT NULL, step INTEGER NOT NULL, lr REAL, train_loss REAL, "
                            + "train_acc REAL, test_loss REAL, test_acc REAL, reg_loss REAL, l2_norm REAL, linf_norm REAL, dist_from_init REAL, "
                            + "PRIMARY KEY (run_id, step))");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS probes (run_id TEXT NOT NULL, step INTEGER NOT NULL, name TEXT NOT NULL, value REAL, text TEXT, "
                            + "PRIMARY KEY (run_id, step, name))");
        }
        db.setAutoCommit(false);
        db.commit();
    }

    /**
     * Records the sweep's definition, or checks that the directory holds this same sweep (with {@code force}: adopts
     * the new one).
     */
    public synchronized void initSweep(String definition, Path dir, boolean force)
            throws SQLException, ConfigException {
        try (PreparedStatement q = db.prepareStatement("SELECT value FROM sweep WHERE key = 'definition'")) {
            ResultSet r = q.executeQuery();
            if (r.next()) {
                if (!r.getString(1).equals(definition)) {
                    if (!force)
                        throw new ConfigException(
                                dir
                                        + " holds a different sweep definition; use another --out, or --force to rerun the runs it changes");
                    try (PreparedStatement u =
                            db.prepareStatement("UPDATE sweep SET value = ? WHERE key = 'definition'")) {
                        u.setString(1, definition);
                        u.executeUpdate();
                    }
                    db.commit();
                }
                return;
            }
        }
        try (PreparedStatement ins = db.prepareStatement("INSERT INTO sweep (key, value) VALUES (?, ?)")) {
            ins.setString(1, "definition");
            ins.setString(2, definition);
            ins.addBatch();
            ins.setString(1, "created");
            ins.setString(2, Instant.now().toString());
            ins.addBatch();
            ins.executeBatch();
        }
        db.commit();
    }

    /**
     * Compares the resolved config of every run already recorded with the one this invocation would run (they differ
     * when the base config file or a preset changed since). Without {@code force} a difference is refused, naming the
     * first run and key that differ; with it, those runs go back to pending with their new config. Returns how many
     * were reset.
     */
    public synchronized int checkConfigs(List<SweepConfig.Point> points, Path dir, boolean force)
            throws SQLException, ConfigException {
        java.util.Map<String, String> stored = new java.util.HashMap<>();
        try (PreparedStatement q = db.prepareStatement("SELECT id, config FROM runs")) {
            ResultSet r = q.executeQuery();
            while (r.next()) stored.put(r.getString(1), r.getString(2));
        }
        int reset = 0;
        for (SweepConfig.Point p : points) {
            String was = stored.get(p.id()), now = ConfigLoader.toJson(p.config());
            if (was == null || was.equals(now) || ConfigLoader.resolved(was).equals(now))
                continue; // a sweep from before new keys existed
            was = ConfigLoader.resolved(was);
            if (!force)
                throw new ConfigException(
                        dir + ": run " + p.id() + " was made with another configuration (" + firstDifference(was, now)
                                + "): the base config or preset changed since. Use another --out, or --force to rerun the runs whose config changed");
            try (PreparedStatement u = db.prepareStatement(
                            "UPDATE runs SET config = ?, status = 'PENDING', attempts = 0, error = NULL, summary = NULL WHERE id = ?");
                    PreparedStatement dm = db.prepareStatement("DELETE FROM metrics WHERE run_id = ?");
                    PreparedStatement dp = db.prepareStatement("DELETE FROM probes WHERE run_id = ?")) {
                u.setString(1, now);
                u.setString(2, p.id());
                u.executeUpdate();
                dm.setString(1, p.id());
                dm.executeUpdate();
                dp.setString(1, p.id());
                dp.executeUpdate();
            }
            reset++;
        }
        db.commit();
        return reset;
    }

    // "task.p: 11 -> 13" for the first leaf that differs between two config JSONs
    static String firstDifference(String a, String b) {
        try {
            return diff("", Json.MAPPER.readTree(a), Json.MAPPER.readTree(b));
        } catch (java.io.IOException e) {
            return "unreadable stored config";
        }
    }

    private static String diff(
            String path, com.fasterxml.jackson.databind.JsonNode a, com.fasterxml.jackson.databind.JsonNode b) {
        if (a.isObject() && b.isObject()) {
            java.util.Set<String> keys = new java.util.LinkedHashSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                var x = a.get(k);
                var y = b.get(k);
                if (x == null || y == null || !x.equals(y))
                    return x == null || y == null ? (path + k) + ": " + x + " -> " + y : diff(path + k + ".", x, y);
            }
            return "no difference";
        }
        return path.substring(0, Math.max(0, path.length() - 1)) + ": " + a + " -> " + b;
    }

    /** Inserts runs not yet present (as pending); existing rows are kept as they are. */
    public synchronized void ensureRuns(List<SweepConfig.Point> points) throws SQLException {
        try (PreparedStatement ins = db.prepareStatement(
                "INSERT OR IGNORE INTO runs (id, idx, params, config, status) VALUES (?, ?, ?, ?, 'PENDING')")) {
            for (SweepConfig.Point p : points) {
                ins.setString(1, p.id());
                ins.setInt(2, p.index());
                ins.setString(3, toJson(p.params()));
                ins.setString(4, ConfigLoader.toJson(p.config()));
                ins.addBatch();
            }
            ins.executeBatch();
        }
        db.commit();
    }

    /** Runs left RUNNING or INTERRUPTED by an earlier process go back to PENDING. */
    /**
     * Of the runs named, those caught running or interrupted become pending again (they resume from their checkpoints);
     * their ids. A staged search names only the probes it has reached: a later probe's interrupted run stays as it is
     * until the search gets there, and is counted then.
     */
    public synchronized java.util.Set<String> resetUnfinished(java.util.Collection<String> ids) throws SQLException {
        java.util.Set<String> reset = new java.util.HashSet<>();
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT id FROM runs WHERE status IN ('RUNNING', 'INTERRUPTED')")) {
            while (r.next()) if (ids.contains(r.getString(1))) reset.add(r.getString(1));
        }
        try (PreparedStatement u = db.prepareStatement("UPDATE runs SET status = 'PENDING' WHERE id = ?")) {
            for (String id : reset) {
                u.setString(1, id);
                u.executeUpdate();
            }
        }
        db.commit();
        return reset;
    }

    public synchronized List<Row> runs() throws SQLException {
        List<Row> out = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery(
                        "SELECT id, idx, params, status, attempts, error, summary FROM runs ORDER BY idx")) {
            while (r.next())
                out.add(new Row(
                        r.getString(1),
                        r.getInt(2),
                        r.getString(3),
                        Status.valueOf(r.getString(4)),
                        r.getInt(5),
                        r.getString(6),
                        r.getString(7)));
        }
        return out;
    }

    /** A run's stored metrics, in step order. */
    public synchronized List<Evaluation> metrics(String id) throws SQLException {
        List<Evaluation> out = new ArrayList<>();
        try (PreparedStatement q =
                db.prepareStatement("SELECT step, lr, train_loss, train_acc, test_loss, test_acc, reg_loss, l2_norm, "
                        + "linf_norm, dist_from_init FROM metrics WHERE run_id = ? ORDER BY step")) {
            q.setString(1, id);
            ResultSet r = q.executeQuery();
            while (r.next()) {
                double[] v = new double[9];
                for (int i = 0; i < 9; i++) {
                    v[i] = r.getDouble(2 + i);
                    if (r.wasNull()) v[i] = Double.NaN;
                }
                out.add(new Evaluation(r.getInt(1), v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]));
            }
        }
        return out;
    }

    public synchronized void markRunning(String id) throws SQLException {
        try (PreparedStatement u = db.prepareStatement(
                "UPDATE runs SET status = 'RUNNING', attempts = attempts + 1, started = ?, error = NULL WHERE id = ?")) {
            u.setString(1, Instant.now().toString());
            u.setString(2, id);
            u.executeUpdate();
        }
        db.commit();
    }

    /**
     * The rows that stand for their runs: a run that a later row continues (a search resumed a run its early verdict
     * had stopped) is left out once the continuation has ended, so each (point, seed) counts once.
     */
    public static List<Row> current(List<Row> rows) {
        java.util.Set<String> superseded = new java.util.HashSet<>();
        for (Row r : rows) {
            if (r.status() != Status.COMPLETED && r.status() != Status.FAILED) continue;
            try {
                com.fasterxml.jackson.databind.JsonNode c =
                        org.grokscope.config.Json.MAPPER.readTree(r.params()).get(SweepConfig.Point.CONTINUES);
                if (c != null) superseded.add(c.asText());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return superseded.isEmpty()
                ? rows
                : rows.stream().filter(r -> !superseded.contains(r.id())).toList();
    }

    /** One probe measurement: numeric cells go to {@code value}, others (key frequencies) to {@code text}. */
    public record ProbeCell(int step, String name, String cell) implements java.io.Serializable {}

    /** A run's probe series for one probe column, as (step, value) pairs in step order. */
    public synchronized List<double[]> probe(String id, String name) throws SQLException {
        List<double[]> out = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement(
                "SELECT step, value FROM probes WHERE run_id = ? AND name = ? AND value IS NOT NULL ORDER BY step")) {
            q.setString(1, id);
            q.setString(2, name);
            ResultSet r = q.executeQuery();
            while (r.next()) out.add(new double[] {r.getInt(1), r.getDouble(2)});
        }
        return out;
    }

    public synchronized void finish(String id, Status status, String error, String summaryJson, List<Evaluation> evals)
            throws SQLException {
        finish(id, status, error, summaryJson, evals, List.of());
    }

    /** Final state of a run, with its summary, all its metrics and probe cells, in one transaction. */
    public synchronized void finish(
            String id, Status status, String error, String summaryJson, List<Evaluation> evals, List<ProbeCell> probes)
            throws SQLException {
        try {
            for (String table : List.of("metrics", "probes")) {
                try (PreparedStatement del = db.prepareStatement("DELETE FROM " + table + " WHERE run_id = ?")) {
                    del.setString(1, id);
                    del.executeUpdate();
                }
            }
            if (!probes.isEmpty()) {
                try (PreparedStatement ins = db.prepareStatement("INSERT INTO probes VALUES (?, ?, ?, ?, ?)")) {
                    for (ProbeCell c : probes) {
                        ins.setString(1, id);
                        ins.setInt(2, c.step());
                        ins.setString(3, c.name());
                        Double v = numeric(c.cell());
                        if (v != null && Double.isFinite(v)) {
                            ins.setDouble(4, v);
                            ins.setNull(5, java.sql.Types.VARCHAR);
                        } else {
                            ins.setNull(4, java.sql.Types.REAL);
                            ins.setString(5, c.cell());
                        }
                        ins.addBatch();
                    }
                    ins.executeBatch();
                }
            }
            if (evals != null) {
                try (PreparedStatement ins =
                        db.prepareStatement("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (Evaluation e : evals) {
                        ins.setString(1, id);
                        ins.setInt(2, e.step());
                        double[] v = {
                            e.lr(),
                            e.trainLoss(),
                            e.trainAcc(),
                            e.testLoss(),
                            e.testAcc(),
                            e.regLoss(),
                            e.l2Norm(),
                            e.linfNorm(),
                            e.distFromInit()
                        };
                        for (int i = 0; i < v.length; i++) {
                            if (Double.isFinite(v[i])) ins.setDouble(3 + i, v[i]);
                            else ins.setNull(3 + i, java.sql.Types.REAL);
                        }
                        ins.addBatch();
                    }
                    ins.executeBatch();
                }
            }
            try (PreparedStatement u = db.prepareStatement(
                    "UPDATE runs SET status = ?, error = ?, summary = ?, finished = ? WHERE id = ?")) {
                u.setString(1, status.name());
                u.setString(2, error);
                u.setString(3, summaryJson);
                u.setString(4, Instant.now().toString());
                u.setString(5, id);
                u.executeUpdate();
            }
            db.commit();
        } catch (SQLException e) {
            try {
                db.rollback();
            } catch (
                    SQLException
                            r) { // on a full disk the rollback fails too: report the cause (SQLITE_FULL), not "cannot
                // rollback"
                e.addSuppressed(r);
            }
            throw e;
        }
    }

    private static Double numeric(String s) {
        try {
            return Double.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String toJson(Object o) {
        try {
            return Json.MAPPER
                    .writer()
                    .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        db.close();
    }
}
