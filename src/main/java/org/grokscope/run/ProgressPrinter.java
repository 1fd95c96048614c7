package org.grokscope.run;

import java.io.PrintStream;
import java.util.Locale;
import org.grokscope.probe.Advisor;
import org.grokscope.train.Evaluation;
import org.grokscope.train.TrainListener;
import org.grokscope.train.Trainer;

/**
 * The progress line: step, losses and accuracies, weight norm, steps/s, GFLOP/s and ETA. On a terminal it rewrites one
 * line; otherwise it prints a line every few seconds. Milestones (memorized, generalized) get a line of their own.
 */
public final class ProgressPrinter implements TrainListener {
    private final PrintStream out;
    private final boolean tty;
    private final double memThreshold, genThreshold, everySeconds;
    private long lastPrint;
    private boolean memorized, generalized, pending;
    private int startStep;
    private String lastLine = "";

    private final Advisor advisor;

    public ProgressPrinter(PrintStream out, boolean tty, double memThreshold, double genThreshold) {
        this(out, tty, memThreshold, genThreshold, null);
    }

    /** With an advisor, the line ends with its state and its milestones and advice get lines of their own. */
    public ProgressPrinter(PrintStream out, boolean tty, double memThreshold, double genThreshold, Advisor advisor) {
        this.out = out;
        this.tty = tty;
        this.memThreshold = memThreshold;
        this.genThreshold = genThreshold;
        this.advisor = advisor;
        this.everySeconds = tty ? 0.25 : 5;
    }

    @Override
    public void onStart(Trainer t) {
        startStep = t.step();
        out.printf(
                Locale.ROOT,
                "training %d parameters on %d examples (test %d), %d steps, batch %d, %.2f GFLOP/step%n",
                t.model().params().size(),
                t.trainSet().size(),
                t.testSet().size(),
                t.settings().steps(),
                t.batchSize(),
                t.flopsPerStep() / 1e9);
    }

    @Override
    public void onEval(Trainer t, Evaluation e) {
        lastLine = line(t, e);
        boolean milestone = false;
        if (!memorized && e.trainAcc() >= memThreshold) {
            memorized = true;
            milestone = true;
            emit(
                    t,
                    String.format(
                            Locale.ROOT,
                            "memorized: train accuracy %.1f%% at step %d (test %.1f%%)",
                            100 * e.trainAcc(),
                            e.step(),
                            100 * e.testAcc()));
        }
        if (!generalized && e.testAcc() >= genThreshold) {
            generalized = true;
            milestone = true;
            emit(
                    t,
                    String.format(
                            Locale.ROOT, "generalized: test accuracy %.1f%% at step %d", 100 * e.testAcc(), e.step()));
        }
        if (advisor != null) {
            for (String msg : advisor.drainEvents()) {
                emit(t, msg);
                milestone = true;
            }
        }
        long now = System.nanoTime();
        if (milestone || (now - lastPrint) / 1e9 >= everySeconds) {
            print(lastLine);
            lastPrint = now;
            pending = false;
        } else {
            pending = true;
        }
    }

    private void emit(Trainer t, String msg) {
        if (tty) out.print("\r\033[K");
        out.println("-> " + msg);
    }

    private void print(String line) {
        if (tty) {
            out.print("\r\033[K" + line);
            out.flush();
        } else {
            out.println(line);
        }
    }

    private String line(Trainer t, Evaluation e) {
        int done = t.step() - startStep;
        double secs = t.elapsedSeconds(), train = t.trainSeconds();
        double sps = secs > 0 ? done / secs : 0;
        double gflops = train > 0 ? t.flopsPerStep() * done / train / 1e9 : 0;
        int total = t.settings().steps();
        double eta = sps > 0 ? (total - e.step()) / sps : 0;
        return String.format(
                        Locale.ROOT,
                        "step %6d/%d | train loss %s acc %s | test loss %s acc %s | |w| %.1f | %.0f steps/s %.1f GFLOP/s | ETA %s",
                        e.step(),
                        total,
                        loss(e.trainLoss()),
                        percent(e.trainAcc()),
                        loss(e.testLoss()),
                        percent(e.testAcc()),
                        e.l2Norm(),
                        sps,
                        gflops,
                        duration(eta))
                + (advisor != null ? " | " + advisor.status() : "");
    }

    /** "97.3%", or "–" where there is nothing to measure (no test set): never "NaN%". */
    public static String percent(double x) {
        return Double.isNaN(x) ? "    –" : String.format(Locale.ROOT, "%5.1f%%", 100 * x);
    }

    static String loss(double x) {
        return Double.isNaN(x) ? "–" : String.format(Locale.ROOT, "%.4g", x);
    }

    public static String duration(double s) {
        long x = Math.round(s);
        return x >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", x / 3600, x / 60 % 60, x % 60)
                : String.format(Locale.ROOT, "%d:%02d", x / 60, x % 60);
    }

    @Override
    public void onEnd(Trainer t, Trainer.Outcome o) {
        if (pending) print(lastLine);
        if (tty) out.println();
        out.printf(
                Locale.ROOT,
                "%s after %d steps in %s%s%n",
                o.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
                o.steps(),
                duration(o.wallSeconds()),
                o.reason() != null && o.status() != Trainer.Status.COMPLETED ? " (" + o.reason() + ")" : "");
    }
}
