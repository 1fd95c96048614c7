package org.grokscope.sweep;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.grokscope.engine.Parallel;
import org.grokscope.run.DirectoryLock;
import org.grokscope.run.StopOnSignal;
import org.grokscope.train.Evaluation;
import org.grokscope.train.TrainListener;
import org.grokscope.train.Trainer;

/**
 * Runs a sweep on this machine: {@code workers} threads take runs off a queue, each run with {@code threadsPerRun}
 * engine threads (more when {@code share} hands it idle workers' cores). Ctrl-C lets every running run write its
 * checkpoint and stops taking new ones.
 */
public final class LocalExecutor implements RunExecutor {
    @Override
    public String describe(SweepRunner.Execution x) {
        return x.workers() + " at a time, " + x.threadsPerRun() + " thread" + (x.threadsPerRun() == 1 ? "" : "s")
                + " each";
    }

    @Override
    public void execute(
            List<SweepConfig.Point> pending, Path dir, SweepRunner.Execution x, Ledger ledger, PrintStream out)
            throws Exception {
        ConcurrentLinkedQueue<SweepConfig.Point> queue = new ConcurrentLinkedQueue<>(pending);
        ConcurrentSkipListMap<String, String> live = new ConcurrentSkipListMap<>();
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicInteger running = new AtomicInteger();
        CoreShare cores =
                new CoreShare(x.share() ? x.workers() * x.threadsPerRun() : x.threadsPerRun(), x.threadsPerRun());
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (StopOnSignal signal = new StopOnSignal("grokscope-sweep-interrupt", () -> stopping.set(true), 120)) {
            for (int w = 0; w < x.workers(); w++) {
                Thread t = new Thread(
                        () -> {
                            SweepConfig.Point p;
                            while (!stopping.get() && (p = queue.poll()) != null) {
                                running.incrementAndGet();
                                try {
                                    ledger.started(p.id());
                                    RunTask.Options o = new RunTask.Options()
                                            .threads(x.threadsPerRun())
                                            .growTo(cores.budget, cores::join, cores::leave)
                                            .flushEvery(x.flushSeconds())
                                            .checkpointEvery(x.checkpointSeconds())
                                            .listen(liveStatus(p.id(), live));
                                    if (p.continues() != null)
                                        o.continuing(dir.resolve("runs").resolve(p.continues()));
                                    RunOutcome r;
                                    try {
                                        r = RunTask.run(
                                                p.id(),
                                                p.config(),
                                                dir.resolve("runs").resolve(p.id()),
                                                o);
                                    } catch (DirectoryLock.Held e) {
                                        r = RunOutcome.failed(p.id(), e.getMessage());
                                    }
                                    ledger.finished(r);
                                    if (r.status() == SweepStore.Status.INTERRUPTED) stopping.set(true);
                                } catch (Throwable e) {
                                    errors.add(e);
                                    stopping.set(true);
                                } finally {
                                    running.decrementAndGet();
                                    live.remove(p.id()); // also when the run threw before its end event
                                }
                            }
                        },
                        "grokscope-sweep-" + w);
                t.start();
                threads.add(t);
            }
            long lastPrint = System.nanoTime();
            while (threads.stream().anyMatch(Thread::isAlive)) {
                for (Thread t : threads) t.join(200);
                if ((System.nanoTime() - lastPrint) / 1e9 >= 5) {
                    lastPrint = System.nanoTime();
                    ledger.progress(running.get(), List.copyOf(live.values()));
                }
            }
        }
        if (!errors.isEmpty()) {
            Throwable e = errors.get(0);
            if (e instanceof Exception ex) throw ex;
            throw new IllegalStateException("sweep worker failed: " + e, e);
        }
    }

    // what a running run last reported, for the progress line: "0003 step 4,450/10,000 train 100.0% test 5.1%"
    static TrainListener liveStatus(String id, Map<String, String> live) {
        return new TrainListener() {
            @Override
            public void onEval(Trainer t, Evaluation e) {
                live.put(
                        id,
                        String.format(
                                Locale.ROOT,
                                "%s step %,d/%,d train %.1f%% test %.1f%%",
                                id,
                                e.step(),
                                t.settings().steps(),
                                100 * e.trainAcc(),
                                100 * e.testAcc()));
            }

            @Override
            public void onEnd(Trainer t, Trainer.Outcome o) {
                live.remove(id);
            }
        };
    }

    /** The sweep's engine threads, divided evenly between the runs in progress (never below each run's own). */
    static final class CoreShare {
        private final int budget, least;
        private final List<Parallel> pools = new ArrayList<>();

        CoreShare(int budget, int least) {
            this.budget = budget;
            this.least = least;
        }

        synchronized void join(Parallel p) {
            pools.add(p);
            rebalance();
        }

        synchronized void leave(Parallel p) {
            pools.remove(p);
            rebalance();
        }

        private void rebalance() {
            for (Parallel p : pools) p.use(Math.max(least, budget / pools.size()));
        }
    }
}
