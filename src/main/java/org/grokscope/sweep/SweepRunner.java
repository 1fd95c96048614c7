package org.grokscope.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.grokscope.config.RunConfig;
import org.grokscope.run.DirectoryLock;
import org.grokscope.run.Experiment;
import org.grokscope.run.Metrics;
import org.grokscope.run.ProgressPrinter;
import org.grokscope.run.RunDirectory;

/**
 * Runs a sweep's grid, each run into {@code DIR/runs/ID/} like a single run, on this machine's threads
 * ({@link LocalExecutor}: {@code workers} runs at a time, {@code threadsPerRun} engine threads each) or on another
 * {@link RunExecutor} (a Spark cluster). This process alone writes the store (DIR/sweep.db), the source of truth:
 * rerunning the same command skips finished runs (completed or failed) and resumes interrupted ones from their
 * checkpoints. A run that diverges is marked failed with the reason and the sweep goes on.
 */
public final class SweepRunner {
    public record Result(int total, int completed, int failed, int interrupted, double wallSeconds) {}

    private SweepRunner() {}

    /** Default split of the cores: small models run one per core; large ones one at a time on all cores. */
    public static int[] defaultWorkers(List<SweepConfig.Point> points, int cores) {
        RunConfig c = points.get(0).config();
        double flops;
        try (Experiment ex = new Experiment(c, 1)) {
            flops = ex.trainer.flopsPerStep();
        }
        int workers = flops < 2e9 ? Math.min(cores, points.size()) : 1;
        return new int[] {workers, Math.max(1, cores / workers)};
    }

    /**
     * How a sweep's runs execute.
     *
     * @param workers runs at a time
     * @param threadsPerRun engine threads of each run
     * @param share when runs are fewer than workers (the tail of a sweep, a probe's third seed on two cores, runs that
     *     stopped early), the running ones take over the idle workers' threads, and give them back when a new run
     *     starts; results do not depend on thread counts
     * @param force when the directory holds this sweep with other resolved configs (its base config file was edited),
     *     rerun the runs whose config changed instead of refusing
     * @param flushSeconds how often each run appends to metrics.csv and rewrites progress.json (1 when a dashboard
     *     watches)
     * @param checkpointSeconds how often each run writes its checkpoint (what a killed run resumes from)
     * @param executor where the runs execute: null for this machine's threads ({@link LocalExecutor})
     */
    public record Execution(
            int workers,
            int threadsPerRun,
            boolean share,
            boolean force,
            double flushSeconds,
            double checkpointSeconds,
            RunExecutor executor) {
        public static Execution of(int workers, int threadsPerRun) {
            return new Execution(workers, threadsPerRun, false, false, 5, 60, null);
        }

        public Execution sharing(boolean on) {
            return new Execution(workers, threadsPerRun, on, force, flushSeconds, checkpointSeconds, executor);
        }

        public Execution forcing(boolean on) {
            return new Execution(workers, threadsPerRun, share, on, flushSeconds, checkpointSeconds, executor);
        }

        public Execution flushEvery(double seconds) {
            return new Execution(workers, threadsPerRun, share, force, seconds, checkpointSeconds, executor);
        }

        public Execution checkpointEvery(double seconds) {
            return new Execution(workers, threadsPerRun, share, force, flushSeconds, seconds, executor);
        }

        public Execution on(RunExecutor e) {
            return new Execution(workers, threadsPerRun, share, force, flushSeconds, checkpointSeconds, e);
        }
    }

    public static Result run(
            String definition,
            List<SweepConfig.Point> points,
            Path dir,
            int workers,
            int threadsPerRun,
            PrintStream out)
            throws Exception {
        return run(definition, points, dir, Execution.of(workers, threadsPerRun), out);
    }

    public static Result run(String definition, List<SweepConfig.Point> points, Path dir, Execution x, PrintStream out)
            throws Exception {
        try {
            return runStore(definition, points, dir, x, out);
        } catch (SQLException e) {
            throw SweepStore.explain(dir.resolve("sweep.db"), e);
        }
    }

    private static Result runStore(
            String definition, List<SweepConfig.Point> points, Path dir, Execution x, PrintStream out)
            throws Exception {
        long t0 = System.nanoTime();
        try (DirectoryLock lock = DirectoryLock.acquire(dir, "sweep directory");
                SweepStore store = new SweepStore(dir.resolve("sweep.db"))) {
            Files.createDirectories(dir.resolve("runs"));
            store.initSweep(definition, dir, x.force());
            int changed = store.checkConfigs(points, dir, x.force());
            if (changed > 0 && out != null)
                out.printf(Locale.ROOT, "--force: %d run(s) whose config changed will run again%n", changed);
            store.ensureRuns(points);
            java.util.Set<String> wasUnfinished = store.resetUnfinished(
                    points.stream().map(SweepConfig.Point::id).collect(java.util.stream.Collectors.toSet()));
            List<SweepConfig.Point> pending = new ArrayList<>();
            int done = 0, reset = 0;
            for (SweepStore.Row r : store.runs()) {
                // a staged search passes the points of the probes so far; rows past them (a later probe
                // interrupted in an earlier invocation) wait until the search reaches them, and are not counted here
                if (r.index() >= points.size()) continue;
                if (wasUnfinished.contains(r.id())) reset++;
                if (r.status() == SweepStore.Status.PENDING) pending.add(points.get(r.index()));
                else done++;
            }
            RunExecutor executor = x.executor() != null ? x.executor() : new LocalExecutor();
            if (out != null)
                out.printf(
                        Locale.ROOT,
                        "sweep %s: %d runs, %d already finished%s, %d to run (%s)%n",
                        dir,
                        points.size(),
                        done,
                        reset > 0 ? " (" + reset + " interrupted, resuming)" : "",
                        pending.size(),
                        executor.describe(x));
            Ledger ledger = new Ledger(store, points.size(), done, pending.size(), t0, out);
            executor.execute(pending, dir, x, ledger, out);
            return new Result(
                    points.size(),
                    count(store, SweepStore.Status.COMPLETED),
                    count(store, SweepStore.Status.FAILED),
                    ledger.interrupted.get()
                            + count(store, SweepStore.Status.PENDING)
                            + count(store, SweepStore.Status.RUNNING),
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    /** The store's side of an executor: each run's start and end, counted for the progress line. */
    private static final class Ledger implements RunExecutor.Ledger {
        private final SweepStore store;
        private final int total, done, toRun;
        private final long t0;
        private final PrintStream out;
        final AtomicInteger completed = new AtomicInteger(),
                failed = new AtomicInteger(),
                interrupted = new AtomicInteger();

        Ledger(SweepStore store, int total, int done, int toRun, long t0, PrintStream out) {
            this.store = store;
            this.total = total;
            this.done = done;
            this.toRun = toRun;
            this.t0 = t0;
            this.out = out;
        }

        @Override
        public void started(String id) throws SQLException {
            store.markRunning(id);
        }

        @Override
        public void finished(RunOutcome o) throws SQLException {
            store.finish(o.id(), o.status(), o.error(), o.summaryJson(), RunTask.evaluations(o), o.cells());
            (o.status() == SweepStore.Status.COMPLETED
                            ? completed
                            : o.status() == SweepStore.Status.FAILED ? failed : interrupted)
                    .incrementAndGet();
            if (o.status() == SweepStore.Status.INTERRUPTED && o.error() != null && out != null)
                out.println("run " + o.id() + ": " + o.error());
        }

        @Override
        public void progress(int running, List<String> live) {
            if (out == null) return;
            int fin = completed.get() + failed.get();
            double el = (System.nanoTime() - t0) / 1e9;
            double eta = fin > 0 ? el / fin * (toRun - fin) : Double.NaN;
            out.printf(
                    Locale.ROOT,
                    "sweep: %d/%d done, %d running, %d failed | %s elapsed%s%s%n",
                    done + fin,
                    total,
                    running,
                    failed.get(),
                    ProgressPrinter.duration(el),
                    Double.isNaN(eta) ? "" : " | ETA " + ProgressPrinter.duration(eta),
                    live.isEmpty() ? "" : " | " + String.join(" | ", live));
        }
    }

    private static int count(SweepStore store, SweepStore.Status s) throws SQLException {
        return (int) store.runs().stream().filter(r -> r.status() == s).count();
    }

    static List<org.grokscope.train.Evaluation> readEvals(Path runDir) throws IOException {
        return Metrics.read(runDir.resolve(RunDirectory.METRICS));
    }
}
