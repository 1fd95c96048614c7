package org.grokscope.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.config.RunConfig;
import org.grokscope.probe.ProbeSuite;
import org.grokscope.train.Evaluation;
import org.grokscope.train.TrainListener;
import org.grokscope.train.Trainer;

/**
 * Writes a run's files: config.json and provenance.json at the start (atomically); metrics.csv (new rows appended at
 * most every few seconds) and checkpoint.safetensors (every minute, atomically) while training; all of them plus
 * summary.json at the end, including after Ctrl-C. A directory is therefore always consistent: metrics.csv holds at
 * least the evaluations made before the last checkpoint or the end, whole, and perhaps rows after it (a resume drops
 * those), the last of them perhaps cut short (no reader takes a line without its newline). The first evaluations at
 * which the training set is memorized and the test set generalized also keep a checkpoint each, in checkpoints/
 * ("before and after grokking" weights; {@code grokscope export RUN --step N}). progress.json says, with every write of
 * metrics.csv, where the run stands for whoever watches it (the dashboard): status, step, rate, ETA, the writer's pid
 * and the advisor's record so far.
 */
public final class RunDirectory implements TrainListener, ProbeSuite.Sink {
    public static final String CONFIG = "config.json",
            PROVENANCE = "provenance.json",
            METRICS = "metrics.csv",
            SUMMARY = "summary.json",
            PROGRESS = "progress.json",
            CHECKPOINT = "checkpoint.safetensors",
            LEGACY_CHECKPOINT = "checkpoint.bin",
            MILESTONES = "checkpoints";

    /** One non-empty cell of a column after the base ones (a collapse share or a probe value), as text. */
    public record Cell(int step, String column, String text) {}

    private final Path dir;
    private final RunConfig cfg;
    private final Map<String, Object> provenance;
    private final List<String> rows = new ArrayList<>();
    private final List<Evaluation> evals = new ArrayList<>();
    private final List<Cell> cells = new ArrayList<>();
    private final double flushSeconds, checkpointSeconds;
    private org.grokscope.engine.Parallel pool;
    private long lastFlush, lastCheckpoint;
    private java.util.function.IntConsumer afterCheckpoint;
    private RunSummary summary;
    private int startStep;
    private ProbeSuite probes;
    private String header = Metrics.HEADER + "," + String.join(",", Metrics.COLLAPSE_COLUMNS), emptyCells = "";
    private int pendingStep = -1;
    private int written =
            -1; // rows metrics.csv holds whole, -1 until this process has written it (see writeMetricsThrowing)
    private boolean memorizedSaved, generalizedSaved;
    private String[] pendingCells;
    private Trainer trainer;

    public RunDirectory(Path dir, RunConfig cfg, Map<String, Object> provenance) {
        this(dir, cfg, provenance, 5, 60);
    }

    public RunDirectory(
            Path dir, RunConfig cfg, Map<String, Object> provenance, double flushSeconds, double checkpointSeconds) {
        this.dir = dir;
        this.cfg = cfg;
        this.provenance = provenance;
        this.flushSeconds = flushSeconds;
        this.checkpointSeconds = checkpointSeconds;
    }

    /**
     * Adds the suite's columns to metrics.csv and its record to summary.json; register the suite before this listener.
     */
    public RunDirectory withProbes(ProbeSuite suite) {
        probes = suite;
        suite.sink(this);
        header = header + (suite.columns().isEmpty() ? "" : "," + String.join(",", suite.columns()));
        emptyCells = ",".repeat(suite.columns().size());
        return this;
    }

    @Override
    public void onProbe(int step, Object[] values) {
        String[] cells = new String[values.length];
        for (int i = 0; i < values.length; i++)
            cells[i] = values[i] == null ? "" : values[i] instanceof Double d ? Metrics.num(d) : values[i].toString();
        pendingStep = step;
        pendingCells = cells;
    }

    // a column's cell in a split metrics row, the columns named by the file's own header ("" if absent)
    private static String cell(List<String> columns, String[] row, String column) {
        int c = columns.indexOf(column);
        return c < 0 || c >= row.length ? "" : row[c];
    }

    public Path dir() {
        return dir;
    }

    public RunSummary summary() {
        return summary;
    }

    public List<Evaluation> evaluations() {
        return evals;
    }

    public List<Cell> cells() {
        return cells;
    }

    // the non-empty extra cells of a row in this run's column order
    private void addCells(int step, String[] row) {
        String[] names = header.split(",", -1); // per evaluation, not per step
        for (int c = Metrics.BASE_COLUMNS; c < names.length && c < row.length; c++)
            if (!row[c].isEmpty()) cells.add(new Cell(step, names[c], row[c]));
    }

    /** For a resumed run: keep the evaluations made before {@code step}. */
    public void restore(int step) throws IOException {
        Path m = dir.resolve(METRICS);
        if (!Files.exists(m)) return;
        // a last line without its newline is an append the process did not finish (it was killed): not a row
        Metrics.Table t = Metrics.readStrict(m);
        List<String> columns = t.columns();
        List<String> ours = List.of(header.split(",", -1));
        // the rows before the checkpoint are what the resumed run reports as its past: every one must be whole and
        // none missing (evaluations fall at 0, eval_every, 2 eval_every, ...), or the "resumed" run is another run
        int every = cfg.training().evalEvery(), expected = 0;
        String resumeHint =
                "; resuming from it would not reproduce the run: restore the file, or train again in a new directory";
        for (int r = 0; r < t.rows().size(); r++) {
            String[] f = t.rows().get(r);
            int line = t.lines().get(r);
            Evaluation e = withCollapse(Metrics.parseRow(m, line, f), columns, f);
            if (e.step() >= step) break;
            if (f.length != columns.size())
                throw new IOException(m + ":" + line + ": a damaged metrics row (" + f.length
                        + " cells where the header has " + columns.size() + ": torn or edited)" + resumeHint);
            if (e.step() != expected)
                throw new IOException(m + ":" + line + ": the row of step " + e.step() + " where step " + expected
                        + " was due (a row is missing or out of order)" + resumeHint);
            expected += every;
            // the row in this run's column order (a file from an older grokscope may lack columns: they stay empty)
            StringBuilder b = new StringBuilder();
            for (int c = 0; c < ours.size(); c++)
                b.append(c == 0 ? "" : ",").append(c < Metrics.BASE_COLUMNS ? f[c] : cell(columns, f, ours.get(c)));
            rows.add(b.toString());
            evals.add(e);
            addCells(e.step(), b.toString().split(",", -1));
            memorizedSaved |= e.trainAcc() >= cfg.analysis().memorizationThreshold();
            generalizedSaved |= e.testAcc() >= cfg.analysis().generalizationThreshold();
            if (probes != null) {
                // a probe row has a cell in any probe column; the forecast reads these back as they were written
                Map<String, Double> cells = new java.util.LinkedHashMap<>();
                boolean probeRow = false;
                for (String c : probes.columns()) {
                    String v = cell(columns, f, c);
                    if (v.isEmpty()) continue;
                    probeRow = true;
                    try {
                        cells.put(c, Metrics.parse(v));
                    } catch (NumberFormatException ex) {
                        // a text cell (key frequencies)
                    }
                }
                probes.replay(e, probeRow, cells);
            }
        }
        if (expected < step)
            throw new IOException(m + ": its rows end before step " + expected + ", but the checkpoint is at step "
                    + step + " (rows are missing at the end)" + resumeHint);
    }

    private static Evaluation withCollapse(Evaluation e, List<String> columns, String[] f) {
        double[] v = new double[3];
        for (int k = 0; k < 3; k++) {
            String c = cell(columns, f, Metrics.COLLAPSE_COLUMNS.get(k));
            v[k] = c.isEmpty() ? Double.NaN : Metrics.parse(c);
        }
        return new Evaluation(
                e.step(),
                e.lr(),
                e.trainLoss(),
                e.trainAcc(),
                e.testLoss(),
                e.testAcc(),
                e.regLoss(),
                e.l2Norm(),
                e.linfNorm(),
                e.distFromInit(),
                new Evaluation.Collapse(v[0], v[1], v[2]));
    }

    @Override
    public void onStart(Trainer t) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve(CONFIG), ConfigLoader.toJson(cfg));
            AtomicFiles.writeString(dir.resolve(PROVENANCE), Json.MAPPER.writeValueAsString(provenance) + "\n");
            Files.deleteIfExists(dir.resolve(SUMMARY));
            trainer = t;
            startStep = t.step();
            writeMetricsThrowing();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lastFlush = lastCheckpoint = System.nanoTime();
    }

    @Override
    public void onEval(Trainer t, Evaluation e) {
        String probeCells = emptyCells;
        if (pendingStep == e.step()) {
            probeCells = "," + String.join(",", pendingCells);
            pendingStep = -1;
        }
        String row = Metrics.row(e) + Metrics.collapseCells(e) + probeCells;
        rows.add(row);
        evals.add(e);
        addCells(e.step(), row.split(",", -1));
        if (!memorizedSaved && e.trainAcc() >= cfg.analysis().memorizationThreshold()) {
            memorizedSaved = true;
            writeMilestone(t, "memorized", e.step());
        }
        if (!generalizedSaved && e.testAcc() >= cfg.analysis().generalizationThreshold()) {
            generalizedSaved = true;
            writeMilestone(t, "generalized", e.step());
        }
        long now = System.nanoTime();
        if ((now - lastCheckpoint) / 1e9 >= checkpointSeconds) {
            // the evaluation at step s precedes update s: a checkpoint here is "after s updates"
            writeCheckpoint(t, e.step());
            lastCheckpoint = lastFlush = now;
        } else if ((now - lastFlush) / 1e9 >= flushSeconds) {
            // metrics may run ahead of the checkpoint; a resume drops the rows past it
            writeMetrics();
            lastFlush = now;
        }
    }

    /** Told the step after each checkpoint is written (null: nobody). */
    public RunDirectory afterCheckpoint(java.util.function.IntConsumer hook) {
        this.afterCheckpoint = hook;
        return this;
    }

    /** The run's engine pool: the summary records the most threads it used when a sweep let it grow. */
    public RunDirectory withPool(org.grokscope.engine.Parallel pool) {
        this.pool = pool;
        return this;
    }

    @Override
    public void onEnd(Trainer t, Trainer.Outcome o) {
        writeCheckpoint(t, o.steps());
        summary = RunSummary.of(
                cfg,
                o,
                evals,
                new RunSummary.Sizes(
                        t.trainSet().size(),
                        t.testSet().size(),
                        t.model().params().size()),
                new RunSummary.Speed(
                        o.wallSeconds(),
                        t.trainSeconds(),
                        t.step() - startStep,
                        t.flopsPerStep(),
                        (Integer) provenance.getOrDefault("threads", 0),
                        pool == null ? 0 : pool.maxInUse()),
                probes == null ? null : probes.summary(t.trainSeconds()));
        try {
            AtomicFiles.writeString(dir.resolve(SUMMARY), Json.MAPPER.writeValueAsString(summary) + "\n");
            writeProgress(summary.status());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeCheckpoint(Trainer t, int step) {
        try {
            writeMetricsThrowing();
            Checkpoint.save(dir.resolve(CHECKPOINT), step, t.model().params(), t.optimizer(), checkpointMetadata());
            Files.deleteIfExists(dir.resolve(LEGACY_CHECKPOINT)); // a resumed run from before 0.2 now has its successor
            if (afterCheckpoint != null) afterCheckpoint.accept(step);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // the evaluation at step s precedes update s: parameters and optimizer state are those after s updates
    private void writeMilestone(Trainer t, String what, int step) {
        try {
            Checkpoint.save(
                    dir.resolve(MILESTONES).resolve(milestoneName(what, step)),
                    step,
                    t.model().params(),
                    t.optimizer(),
                    checkpointMetadata());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String milestoneName(String what, int step) {
        return String.format(java.util.Locale.ROOT, "%s-step-%d.safetensors", what, step);
    }

    private Map<String, String> checkpointMetadata() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        try {
            m.put(
                    "config",
                    Json.MAPPER
                            .writer()
                            .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(cfg));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        m.put(
                "written_by",
                "grokscope " + provenance.getOrDefault("grokscope_version", "?") + " ("
                        + provenance.getOrDefault("git_commit", "?") + ")");
        return m;
    }

    private void writeMetrics() {
        try {
            writeMetricsThrowing();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Brings metrics.csv up to date with the rows so far. The first write of a process (a new run, or a resumed one
     * whose kept rows replace whatever followed its checkpoint) replaces the file whole; after it, only the new rows
     * are appended, in one write, so a long run's flush costs its new rows rather than its history (a 700,000-step run
     * rewrote megabytes a second under the dashboard). A reader may catch the last row half-appended: readers drop a
     * last line without its newline ({@link Metrics#table}). An append that fails (a full disk) may leave such a
     * part-row; the next write then replaces the file whole again.
     */
    private void writeMetricsThrowing() throws IOException {
        Path file = dir.resolve(METRICS);
        if (written < 0) {
            StringBuilder b = new StringBuilder(header).append('\n');
            for (String r : rows) b.append(r).append('\n');
            AtomicFiles.writeString(file, b.toString());
            written = rows.size();
        } else if (written < rows.size()) {
            StringBuilder b = new StringBuilder();
            for (int i = written; i < rows.size(); i++) b.append(rows.get(i)).append('\n');
            int upTo = rows.size();
            written = -1; // until the append is known to be whole
            try (var out = java.nio.channels.FileChannel.open(
                    file, java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.APPEND)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) out.write(buf);
            } catch (IOException e) {
                throw new IOException(
                        file + ": cannot append ("
                                + (e.getMessage() != null
                                        ? e.getMessage()
                                        : e.getClass().getSimpleName()) + ")",
                        e);
            }
            written = upTo;
        }
        writeProgress(null);
    }

    // progress.json: where the run stands, rewritten with every append to metrics.csv (its rows are what it describes)
    // the run's final status, or null while it trains (written as running)
    private void writeProgress(Trainer.Status status) throws IOException {
        if (trainer == null) return;
        int done = trainer.step() - startStep, total = trainer.settings().steps();
        double secs = trainer.elapsedSeconds(), rate = secs > 0 ? done / secs : 0;
        RunProgress p = new RunProgress(
                status == null ? RunProgress.RUNNING : status.key(),
                ProcessHandle.current().pid(),
                HOST,
                java.time.Instant.now().toString(),
                evals.isEmpty() ? 0 : evals.get(evals.size() - 1).step(),
                total,
                evals.size(),
                Math.round(rate * 100) / 100.0,
                status == null && rate > 0 ? Math.round((total - trainer.step()) / rate) : null,
                firstStep(e -> e.trainAcc() >= cfg.analysis().memorizationThreshold()),
                firstStep(e -> e.testAcc() >= cfg.analysis().generalizationThreshold()),
                probes == null || probes.advisor() == null
                        ? null
                        : probes.advisor().summary());
        AtomicFiles.writeString(dir.resolve(PROGRESS), Json.MAPPER.writeValueAsString(p) + "\n");
    }

    /** This machine's name, as progress.json records it (a watcher on another machine cannot ask about the pid). */
    public static final String HOST = hostName();

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private Integer firstStep(java.util.function.Predicate<Evaluation> p) {
        for (Evaluation e : evals) if (p.test(e)) return e.step();
        return null;
    }
}
