package org.grokscope.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.config.RunConfig;
import org.grokscope.engine.Parallel;
import org.grokscope.run.DirectoryLock;
import org.grokscope.run.Metrics;
import org.grokscope.run.RunDirectory;
import org.grokscope.run.RunSummary;
import org.grokscope.run.Runner;
import org.grokscope.train.TrainListener;
import org.grokscope.train.Trainer;

/**
 * One run of a sweep, wherever it executes (a worker thread here, a Spark task on a cluster): fresh, resumed from the
 * checkpoint its directory holds when that directory is this very config's, or recovered from its files when it ended
 * but nobody recorded it. It never touches the store: it returns the {@link RunOutcome} for whoever owns it.
 */
public final class RunTask {
    private RunTask() {}

    /**
     * How the run executes besides its config; the defaults are a silent single-thread run checkpointing every minute.
     */
    public static final class Options {
        int threads = 1, capacity;
        Consumer<Parallel> onPool, onPoolEnd;
        double flushSeconds = 5, checkpointSeconds = 60;
        IntConsumer afterCheckpoint;
        String command = "grokscope sweep";
        Path continues;
        final List<TrainListener> listeners = new ArrayList<>();

        /**
         * Start from the directory of the run this one continues (its checkpoint, metrics and history) when this one
         * has not started yet: a run an early verdict stopped, trained on to its budget under a config that no longer
         * stops.
         */
        public Options continuing(Path source) {
            continues = source;
            return this;
        }

        public Options threads(int n) {
            threads = n;
            return this;
        }

        /** The run's pool may grow to {@code capacity}; {@code join} hears it before training, {@code leave} after. */
        public Options growTo(int capacity, Consumer<Parallel> join, Consumer<Parallel> leave) {
            this.capacity = capacity;
            onPool = join;
            onPoolEnd = leave;
            return this;
        }

        public Options flushEvery(double seconds) {
            flushSeconds = seconds;
            return this;
        }

        public Options checkpointEvery(double seconds) {
            checkpointSeconds = seconds;
            return this;
        }

        public Options afterCheckpoint(IntConsumer hook) {
            afterCheckpoint = hook;
            return this;
        }

        public Options command(String c) {
            command = c;
            return this;
        }

        public Options listen(TrainListener l) {
            listeners.add(l);
            return this;
        }
    }

    /**
     * Runs {@code config} into {@code runDir}. A run that diverges, or that its config or data refuse, is a failed
     * outcome; an interrupted one says so and resumes next time.
     *
     * @throws DirectoryLock.Held another process writes the directory (on a cluster: retry the task later)
     * @throws IOException the directory could not be read or cleared
     */
    public static RunOutcome run(String id, RunConfig config, Path runDir, Options o)
            throws IOException, DirectoryLock.Held {
        if (o.continues != null && !Files.exists(runDir.resolve(RunDirectory.CHECKPOINT))) {
            if (!Files.exists(o.continues.resolve(RunDirectory.CHECKPOINT)))
                return RunOutcome.failed(
                        id,
                        "continues run " + o.continues.getFileName() + ", which has no checkpoint in " + o.continues);
            seed(o.continues, runDir, config);
        }
        boolean resume = (Files.exists(runDir.resolve(RunDirectory.CHECKPOINT))
                        || Files.exists(runDir.resolve(RunDirectory.LEGACY_CHECKPOINT)))
                && Files.exists(runDir.resolve(RunDirectory.CONFIG))
                && ConfigLoader.resolved(Files.readString(runDir.resolve(RunDirectory.CONFIG)))
                        .equals(ConfigLoader.toJson(config));
        if (!resume && Files.exists(runDir)) deleteTree(runDir);
        RunSummary done = resume ? finishedSummary(runDir) : null;
        if (done
                != null) { // the run ended but its end was not recorded (the process died in between): take it from its
            // files
            Metrics.Table t = Metrics.readStrict(runDir.resolve(RunDirectory.METRICS));
            SweepStore.Status s =
                    done.status() == Trainer.Status.DIVERGED ? SweepStore.Status.FAILED : SweepStore.Status.COMPLETED;
            return new RunOutcome(
                    id,
                    s,
                    s == SweepStore.Status.FAILED ? done.reason() : null,
                    SweepStore.toJson(done),
                    rows(t),
                    probes(t));
        }
        Runner.Result r;
        Parallel[] pool = new Parallel[1];
        try {
            Runner.Job job = Runner.job(config, runDir)
                    .threads(o.threads)
                    .resume(resume)
                    .flushEvery(o.flushSeconds)
                    .checkpointEvery(o.checkpointSeconds)
                    .afterCheckpoint(o.afterCheckpoint)
                    .command(o.command)
                    .listen(o.listeners);
            if (o.onPool != null)
                job.growTo(o.capacity, q -> {
                    pool[0] = q;
                    o.onPool.accept(q);
                });
            r = job.run();
        } catch (DirectoryLock.Held e) {
            throw e;
        } catch (java.io.UncheckedIOException e) {
            // a full disk or a lost mount is no property of the run: it stays unfinished and the next invocation
            // resumes it
            return new RunOutcome(
                    id,
                    SweepStore.Status.INTERRUPTED,
                    "stopped by an I/O error, not by the run: " + describe(e)
                            + "; once that is fixed, rerun the same command to continue it",
                    null,
                    null,
                    List.of());
        } catch (RuntimeException | OutOfMemoryError | ConfigException e) {
            return RunOutcome.failed(id, describe(e));
        } finally {
            if (pool[0] != null && o.onPoolEnd != null) o.onPoolEnd.accept(pool[0]);
        }
        Trainer.Status ts = r.outcome().status();
        SweepStore.Status s = switch (ts) {
            case COMPLETED, STOPPED_EARLY, STOPPED_STALLED -> SweepStore.Status.COMPLETED;
            case DIVERGED -> SweepStore.Status.FAILED;
            case INTERRUPTED -> SweepStore.Status.INTERRUPTED;
        };
        // what the run recorded, as it produced it (kept rows of a resumed run included); the numbers at the precision
        // metrics.csv keeps, so the store holds the same whether it heard the run or recovered it from its files
        List<SweepStore.ProbeCell> cells = new ArrayList<>();
        for (RunDirectory.Cell c : r.cells()) cells.add(new SweepStore.ProbeCell(c.step(), c.column(), c.text()));
        List<String> evals = new ArrayList<>();
        for (org.grokscope.train.Evaluation e : r.evaluations()) evals.add(Metrics.row(e));
        return new RunOutcome(
                id,
                s,
                ts == Trainer.Status.DIVERGED ? r.outcome().reason() : null,
                SweepStore.toJson(r.summary()),
                evals,
                cells);
    }

    /**
     * Copies a run directory to start another from it: all but its end (summary, progress) and lock, with
     * {@code config} as its config.
     */
    static void seed(Path source, Path target, RunConfig config) throws IOException {
        if (Files.exists(target)) deleteTree(target);
        try (var s = Files.walk(source)) {
            for (Path p : s.toList()) {
                Path rel = source.relativize(p), to = target.resolve(rel.toString());
                String name = p.getFileName().toString();
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else if (!name.equals(RunDirectory.SUMMARY)
                        && !name.equals(RunDirectory.PROGRESS)
                        && !name.equals(DirectoryLock.FILE)) Files.copy(p, to);
            }
        }
        org.grokscope.run.AtomicFiles.writeString(target.resolve(RunDirectory.CONFIG), ConfigLoader.toJson(config));
    }

    /** The evaluations an outcome carries, as the store takes them. */
    static List<org.grokscope.train.Evaluation> evaluations(RunOutcome o) {
        if (o.evalRows() == null) return null;
        List<org.grokscope.train.Evaluation> out = new ArrayList<>();
        for (String row : o.evalRows()) out.add(Metrics.parseRow(row));
        return out;
    }

    /** Why a run failed, in words: our own errors by their message, others with their simple class name. */
    static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError)
            return "out of memory: the run needs more heap than the "
                    + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB this JVM has (fewer runs at a time, --workers 1, or a larger -Xmx)";
        Throwable c = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        String m = c.getMessage();
        if (c instanceof ConfigException
                || c instanceof org.grokscope.data.text.DataException
                || c instanceof IOException) return m != null ? m : c.getClass().getSimpleName();
        return c.getClass().getSimpleName() + (m != null ? ": " + m : "");
    }

    /** The summary of a run directory whose run has ended (not interrupted), else null. */
    static RunSummary finishedSummary(Path runDir) {
        Path s = runDir.resolve(RunDirectory.SUMMARY);
        if (!Files.exists(s)) return null;
        try {
            RunSummary r = Json.MAPPER.readValue(s.toFile(), RunSummary.class);
            return r.status() == Trainer.Status.INTERRUPTED ? null : r;
        } catch (IOException e) {
            return null;
        }
    }

    /** A run's metrics.csv rows as lines. */
    static List<String> rows(Metrics.Table t) {
        List<String> out = new ArrayList<>();
        for (String[] f : t.rows()) out.add(Metrics.line(f));
        return out;
    }

    /** The probe cells of a run's metrics.csv: (step, column, cell) for every non-empty cell after the base columns. */
    static List<SweepStore.ProbeCell> probes(Metrics.Table t) {
        List<SweepStore.ProbeCell> out = new ArrayList<>();
        List<String> cols = t.columns()
                .subList(
                        Math.min(Metrics.BASE_COLUMNS, t.columns().size()),
                        t.columns().size());
        for (String[] f : t.rows()) {
            if (f.length < Metrics.BASE_COLUMNS) continue;
            int step = Integer.parseInt(f[0]);
            for (int c = 0; c < cols.size() && Metrics.BASE_COLUMNS + c < f.length; c++)
                if (!f[Metrics.BASE_COLUMNS + c].isEmpty())
                    out.add(new SweepStore.ProbeCell(step, cols.get(c), f[Metrics.BASE_COLUMNS + c]));
        }
        return out;
    }

    /** Deletes a directory and everything in it. */
    public static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
