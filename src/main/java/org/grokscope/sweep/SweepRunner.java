package org.grokscope.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.grokscope.train.Trainer;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.RunConfig;
import org.grokscope.run.DirectoryLock;
import org.grokscope.run.Experiment;
import org.grokscope.run.Metrics;
import org.grokscope.run.ProgressPrinter;
import org.grokscope.run.RunDirectory;
import org.grokscope.run.RunSummary;
import org.grokscope.run.Runner;
import org.grokscope.run.StopOnSignal;

/**
 * Runs a sweep's grid on this machine: {@code workers} runs at a time, each with
 * {@code threadsPerRun} engine threads, each into {@code DIR/runs/ID/} like a single run. The store
 * (DIR/sweep.db) is the source of truth: rerunning the same command skips finished runs (completed or
 * failed) and resumes interrupted ones from their checkpoints. A run that diverges is marked failed with
 * the reason and the sweep goes on.
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
     * @param workers runs at a time
     * @param threadsPerRun engine threads of each run
     * @param share when runs are fewer than workers (the tail of a sweep, a probe's third seed on two
     *              cores, runs that stopped early), the running ones take over the idle workers' threads,
     *              and give them back when a new run starts; results do not depend on thread counts
     * @param force when the directory holds this sweep with other resolved configs (its base config file was
     *              edited), rerun the runs whose config changed instead of refusing
     * @param flushSeconds how often each run rewrites metrics.csv and progress.json (1 when a dashboard watches)
     */
    public record Execution(int workers, int threadsPerRun, boolean share, boolean force, double flushSeconds) {
        public static Execution of(int workers, int threadsPerRun) { return new Execution(workers, threadsPerRun, false, false, 5); }
        public Execution sharing(boolean on) { return new Execution(workers, threadsPerRun, on, force, flushSeconds); }
        public Execution forcing(boolean on) { return new Execution(workers, threadsPerRun, share, on, flushSeconds); }
        public Execution flushEvery(double seconds) { return new Execution(workers, threadsPerRun, share, force, seconds); }
    }

    public static Result run(String definition, List<SweepConfig.Point> points, Path dir, int workers, int threadsPerRun,
                             PrintStream out) throws IOException, SQLException, ConfigException, InterruptedException {
        return run(definition, points, dir, Execution.of(workers, threadsPerRun), out);
    }

    public static Result run(String definition, List<SweepConfig.Point> points, Path dir, Execution x, PrintStream out)
            throws IOException, SQLException, ConfigException, InterruptedException {
        try {
            return runStore(definition, points, dir, x, out);
        } catch (SQLException e) {
            throw SweepStore.explain(dir.resolve("sweep.db"), e);
        }
    }

    private static Result runStore(String definition, List<SweepConfig.Point> points, Path dir, Execution x, PrintStream out)
            throws IOException, SQLException, ConfigException, InterruptedException {
        int workers = x.workers(), threadsPerRun = x.threadsPerRun();
        boolean force = x.force();
        long t0 = System.nanoTime();
        try (DirectoryLock lock = DirectoryLock.acquire(dir, "sweep directory"); SweepStore store = new SweepStore(dir.resolve("sweep.db"))) {
            Files.createDirectories(dir.resolve("runs"));
            store.initSweep(definition, dir, force);
            int changed = store.checkConfigs(points, dir, force);
            if (changed > 0 && out != null) out.printf(Locale.ROOT, "--force: %d run(s) whose config changed will run again%n", changed);
            store.ensureRuns(points);
            int reset = store.resetUnfinished();
            List<SweepStore.Row> rows = store.runs();
            ConcurrentLinkedQueue<SweepConfig.Point> queue = new ConcurrentLinkedQueue<>();
            int done = 0;
            for (SweepStore.Row r : rows) {
                // a staged search passes the points of the probes so far; rows past them (a later probe
                // interrupted in an earlier invocation) wait until the search reaches them
                if (r.index() >= points.size()) continue;
                if (r.status() == SweepStore.Status.PENDING) queue.add(points.get(r.index()));
                else done++;
            }
            if (out != null) out.printf(Locale.ROOT, "sweep %s: %d runs, %d already finished%s, %d to run (%d at a time, %d thread%s each)%n",
                    dir, points.size(), done, reset > 0 ? " (" + reset + " interrupted, resuming)" : "", queue.size(), workers,
                    threadsPerRun, threadsPerRun == 1 ? "" : "s");
            java.util.concurrent.ConcurrentSkipListMap<String, String> live = new java.util.concurrent.ConcurrentSkipListMap<>();
            AtomicBoolean stopping = new AtomicBoolean();
            AtomicInteger completed = new AtomicInteger(), failed = new AtomicInteger(), interrupted = new AtomicInteger(), running = new AtomicInteger();
            int toRun = queue.size();
            CoreShare cores = new CoreShare(x.share() ? workers * threadsPerRun : threadsPerRun, threadsPerRun);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (StopOnSignal signal = new StopOnSignal("grokscope-sweep-interrupt", () -> stopping.set(true), 120)) {
                for (int w = 0; w < workers; w++) {
                    Thread t = new Thread(() -> {
                        SweepConfig.Point p;
                        while (!stopping.get() && (p = queue.poll()) != null) {
                            running.incrementAndGet();
                            try {
                                SweepStore.Status s = runOne(store, p, dir, threadsPerRun, x.flushSeconds(), cores, live);
                                (s == SweepStore.Status.COMPLETED ? completed : s == SweepStore.Status.FAILED ? failed : interrupted).incrementAndGet();
                                if (s == SweepStore.Status.INTERRUPTED) stopping.set(true);
                            } catch (Throwable e) {
                                errors.add(e);
                                stopping.set(true);
                            } finally {
                                running.decrementAndGet();
                                live.remove(p.id()); // also when the run threw before its end event
                            }
                        }
                    }, "grokscope-sweep-" + w);
                    t.start();
                    threads.add(t);
                }
                long lastPrint = System.nanoTime();
                while (threads.stream().anyMatch(Thread::isAlive)) {
                    for (Thread t : threads) t.join(200);
                    if (out != null && (System.nanoTime() - lastPrint) / 1e9 >= 5) {
                        lastPrint = System.nanoTime();
                        int fin = completed.get() + failed.get();
                        double el = (System.nanoTime() - t0) / 1e9;
                        double eta = fin > 0 ? el / fin * (toRun - fin) : Double.NaN;
                        out.printf(Locale.ROOT, "sweep: %d/%d done, %d running, %d failed | %s elapsed%s%s%n", done + fin, points.size(),
                                running.get(), failed.get(), ProgressPrinter.duration(el), Double.isNaN(eta) ? "" : " | ETA " + ProgressPrinter.duration(eta),
                                live.isEmpty() ? "" : " | " + String.join(" | ", live.values()));
                    }
                }
            }
            if (!errors.isEmpty()) {
                Throwable e = errors.get(0);
                if (e instanceof SQLException se) throw se;
                if (e instanceof IOException ie) throw ie;
                throw new IllegalStateException("sweep worker failed: " + e, e);
            }
            return new Result(points.size(), count(store, SweepStore.Status.COMPLETED), count(store, SweepStore.Status.FAILED),
                    interrupted.get() + count(store, SweepStore.Status.PENDING), (System.nanoTime() - t0) / 1e9);
        }
    }

    private static int count(SweepStore store, SweepStore.Status s) throws SQLException {
        return (int) store.runs().stream().filter(r -> r.status() == s).count();
    }

    // what a running run last reported, for the progress line: "0003 step 4,450/10,000 train 100.0% test 5.1%"
    static org.grokscope.train.TrainListener liveStatus(String id, java.util.Map<String, String> live) {
        return new org.grokscope.train.TrainListener() {
            @Override public void onEval(Trainer t, org.grokscope.train.Evaluation e) {
                live.put(id, String.format(Locale.ROOT, "%s step %,d/%,d train %.1f%% test %.1f%%", id, e.step(), t.settings().steps(),
                        100 * e.trainAcc(), 100 * e.testAcc()));
            }

            @Override public void onEnd(Trainer t, Trainer.Outcome o) {
                live.remove(id);
            }
        };
    }

    /** The sweep's engine threads, divided evenly between the runs in progress (never below each run's own). */
    static final class CoreShare {
        private final int budget, least;
        private final List<org.grokscope.engine.Parallel> pools = new ArrayList<>();

        CoreShare(int budget, int least) { this.budget = budget; this.least = least; }

        synchronized void join(org.grokscope.engine.Parallel p) { pools.add(p); rebalance(); }

        synchronized void leave(org.grokscope.engine.Parallel p) { pools.remove(p); rebalance(); }

        private void rebalance() {
            for (org.grokscope.engine.Parallel p : pools) p.use(Math.max(least, budget / pools.size()));
        }
    }

    private static SweepStore.Status runOne(SweepStore store, SweepConfig.Point p, Path dir, int threads, double flushSeconds, CoreShare cores,
                                            java.util.Map<String, String> live) throws Exception {
        Path runDir = dir.resolve("runs").resolve(p.id());
        store.markRunning(p.id());
        boolean resume = (Files.exists(runDir.resolve(RunDirectory.CHECKPOINT)) || Files.exists(runDir.resolve(RunDirectory.LEGACY_CHECKPOINT)))
                && Files.exists(runDir.resolve(RunDirectory.CONFIG))
                && ConfigLoader.resolved(Files.readString(runDir.resolve(RunDirectory.CONFIG))).equals(ConfigLoader.toJson(p.config()));
        if (!resume && Files.exists(runDir)) deleteTree(runDir);
        RunSummary done = resume ? finishedSummary(runDir) : null;
        if (done != null) { // the run ended but the store had not heard (the process died in between): record it from its files
            SweepStore.Status s = done.status().equals("diverged") ? SweepStore.Status.FAILED : SweepStore.Status.COMPLETED;
            List<String> metrics = Files.readAllLines(runDir.resolve(RunDirectory.METRICS));
            store.finish(p.id(), s, s == SweepStore.Status.FAILED ? done.reason() : null, SweepStore.toJson(done), evals(metrics), probes(metrics));
            return s;
        }
        Runner.Result r;
        try {
            org.grokscope.engine.Parallel[] pool = new org.grokscope.engine.Parallel[1];
            try {
                r = Runner.job(p.config(), runDir).threads(threads).growTo(cores.budget, q -> { pool[0] = q; cores.join(q); }).resume(resume).flushEvery(flushSeconds).command("grokscope sweep").listen(List.of(liveStatus(p.id(), live))).run();
            } finally {
                if (pool[0] != null) cores.leave(pool[0]);
            }
        } catch (RuntimeException | OutOfMemoryError | ConfigException e) {
            store.finish(p.id(), SweepStore.Status.FAILED, describe(e), null, null);
            return SweepStore.Status.FAILED;
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
        List<org.grokscope.train.Evaluation> evals = new ArrayList<>();
        for (org.grokscope.train.Evaluation e : r.evaluations()) evals.add(Metrics.parseRow(Metrics.row(e)));
        store.finish(p.id(), s, ts == Trainer.Status.DIVERGED ? r.outcome().reason() : null, SweepStore.toJson(r.summary()), evals, cells);
        return s;
    }

    /** Why a run failed, in words: our own errors by their message, others with their simple class name. */
    static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError) return "out of memory: the run needs more heap than the " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB this JVM has (fewer runs at a time, --workers 1, or a larger -Xmx)";
        Throwable c = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        String m = c.getMessage();
        if (c instanceof ConfigException || c instanceof org.grokscope.data.text.DataException || c instanceof IOException)
            return m != null ? m : c.getClass().getSimpleName();
        return c.getClass().getSimpleName() + (m != null ? ": " + m : "");
    }

    /** The summary of a run directory whose run has ended (not interrupted), else null. */
    static RunSummary finishedSummary(Path runDir) {
        Path s = runDir.resolve(RunDirectory.SUMMARY);
        if (!Files.exists(s)) return null;
        try {
            RunSummary r = ConfigLoader.JSON.readValue(s.toFile(), RunSummary.class);
            return r.status().equals("interrupted") ? null : r;
        } catch (IOException e) {
            return null;
        }
    }

    /** The probe cells of a run's metrics.csv lines: (step, column, cell) for every non-empty cell. */
    static List<SweepStore.ProbeCell> probes(List<String> lines) {
        List<SweepStore.ProbeCell> out = new ArrayList<>();
        if (lines.isEmpty()) return out;
        List<String> cols = Metrics.probeColumns(lines.get(0));
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length < Metrics.BASE_COLUMNS) continue;
            int step = Integer.parseInt(f[0]);
            for (int c = 0; c < cols.size() && Metrics.BASE_COLUMNS + c < f.length; c++)
                if (!f[Metrics.BASE_COLUMNS + c].isEmpty()) out.add(new SweepStore.ProbeCell(step, cols.get(c), f[Metrics.BASE_COLUMNS + c]));
        }
        return out;
    }

    static List<org.grokscope.train.Evaluation> readEvals(Path runDir) throws IOException {
        return evals(Files.readAllLines(runDir.resolve(RunDirectory.METRICS)));
    }

    static List<org.grokscope.train.Evaluation> evals(List<String> lines) {
        List<org.grokscope.train.Evaluation> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) if (!lines.get(i).isBlank()) out.add(Metrics.parseRow(lines.get(i)));
        return out;
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
