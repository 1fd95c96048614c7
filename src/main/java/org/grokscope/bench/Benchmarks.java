package org.grokscope.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Image;
import org.grokscope.config.RunConfig;
import org.grokscope.config.Text;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Parallel;
import org.grokscope.engine.Rng;
import org.grokscope.run.Experiment;

/** Whole-step and GEMM timings, measured after warm-up; medians with min and max. */
public final class Benchmarks {
    public record Timing(
            String name,
            String unit,
            double median,
            double min,
            double max,
            int samples,
            double gflops,
            long gcCount,
            String detail) {}

    private Benchmarks() {}

    /**
     * ms per training step of a preset (full steps: forward, loss, backward, optimizer). Warm-up runs at least
     * {@code warmupSteps} steps and at least {@link #WARMUP_SECONDS} s, timing every step, so the JIT warm-up (time
     * from the first step until steps stay within 10 % of the steady median) is measured rather than assumed.
     */
    public static Timing step(String preset, int threads, int warmupSteps, int samples) throws ConfigException {
        RunConfig cfg = ConfigLoader.load(ConfigLoader.Source.preset(preset), List.of());
        long s0 = System.nanoTime();
        try (Experiment ex = experiment(cfg, threads)) {
            double setupMs = (System.nanoTime() - s0) / 1e6;
            double[] warm = new double[16];
            int nw = 0;
            long w0 = System.nanoTime();
            while (nw < warmupSteps || System.nanoTime() - w0 < WARMUP_SECONDS * 1e9) {
                long t0 = System.nanoTime();
                ex.trainer.trainStep();
                if (nw == warm.length) warm = Arrays.copyOf(warm, 2 * nw);
                warm[nw++] = (System.nanoTime() - t0) / 1e6;
            }
            double[] ms = new double[samples];
            long[] at0 = ex.pool.stepsByThreads();
            long eager0 = ex.pool.eagerSteps();
            long gc0 = gcCount(), d0 = ex.pool.dispatches();
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                ex.trainer.trainStep();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            long gc = gcCount() - gc0;
            double perStep = (double) (ex.pool.dispatches() - d0) / samples;
            String adaptive = threadShares(at0, eager0, ex.pool.stepsByThreads(), ex.pool.eagerSteps(), threads);
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double med = median(sorted);
            double flops = ex.trainer.flopsPerStep();
            Warmup wu = warmup(Arrays.copyOf(warm, nw), med);
            return new Timing(
                    preset + (threads == 1 ? " 1 thread" : ""),
                    "ms/step",
                    med,
                    sorted[0],
                    sorted[samples - 1],
                    samples,
                    flops / (med / 1e3) / 1e9,
                    gc,
                    String.format(
                            java.util.Locale.ROOT,
                            "batch %d, %.2f GFLOP/step, %.0f dispatches/step, threads %d%s, set-up %.0f ms, first step %.0f ms, full speed after %.2f s (%d steps)",
                            ex.trainer.batchSize(),
                            flops / 1e9,
                            perStep,
                            threads,
                            adaptive,
                            setupMs,
                            wu.firstMs(),
                            wu.seconds(),
                            wu.steps()));
        }
    }

    public static final double WARMUP_SECONDS = 3;

    // " (measured steps: 20 eager, 7 parking on 2, 3 on 1 thread)" when the pool's governor ran some of them in a
    // politer mode
    static String threadShares(long[] before, long eagerBefore, long[] after, long eagerAfter, int threads) {
        StringBuilder sb = new StringBuilder();
        long eager = eagerAfter - eagerBefore, polite = 0;
        for (int k = after.length - 1; k >= 1; k--) {
            long n = after[k] - (k < before.length ? before[k] : 0) - (k == threads ? eager : 0);
            if (n == 0) continue;
            polite += n;
            sb.append(", ")
                    .append(n)
                    .append(k == threads ? " parking on " + k : " on " + k + (k == 1 ? " thread" : ""));
        }
        return polite == 0 ? "" : " (measured steps: " + eager + " eager" + sb + ")";
    }

    /** The same timing under another name (a workload measured in other conditions). */
    public static Timing renamed(Timing t, String name) {
        return new Timing(
                name, t.unit(), t.median(), t.min(), t.max(), t.samples(), t.gflops(), t.gcCount(), t.detail());
    }

    /** IMDB's training set size in imdb-paper (24,139 reviews of at most 256 tokens). */
    static final int IMDB_TRAIN = 24_139;

    // a text preset runs on synthetic IMDB-shaped tokens and an image preset on synthetic images of MNIST's shape (a
    // benchmark must not need the dataset); others as configured
    static Experiment experiment(RunConfig cfg, int threads) {
        if (cfg.task() instanceof Image im) {
            int n = im.trainCount() != null ? im.trainCount() : 60_000;
            return Experiment.onSynthetic(cfg, threads, SyntheticImages.of(n, 1000, 28, 28, 1, 10, 1));
        }
        if (!(cfg.task() instanceof Text t)) return new Experiment(cfg, threads);
        int T = t.maxLen() != null ? t.maxLen() : 256, vocab = t.vocabSize() != null ? t.vocabSize() : 30_522;
        return new Experiment(
                cfg,
                threads,
                SyntheticText.imdbLike(IMDB_TRAIN, T, vocab, 1),
                SyntheticText.imdbLike(512, T, vocab, 2));
    }

    /**
     * JIT warm-up: the first step's time, and the time spent in steps before the first step that is within 1.1 × the
     * steady median and starts a window of 5 whose median is too (a window, so one late outlier on a shared machine
     * does not count as warm-up). If no window gets there, all warm-up steps count.
     */
    public record Warmup(double firstMs, double seconds, int steps) {}

    static Warmup warmup(double[] warmMs, double steadyMedian) {
        int w = 5, at = warmMs.length;
        for (int i = 0; i + w <= warmMs.length; i++) {
            double[] win = Arrays.copyOfRange(warmMs, i, i + w);
            Arrays.sort(win);
            if (warmMs[i] <= 1.1 * steadyMedian && median(win) <= 1.1 * steadyMedian) {
                at = i;
                break;
            }
        }
        double s = 0;
        for (int i = 0; i < at; i++) s += warmMs[i];
        return new Warmup(warmMs.length > 0 ? warmMs[0] : Double.NaN, s / 1e3, at);
    }

    /**
     * Throughput of K independent runs of one small configuration (a sweep's runs: seeds 0..K-1, 1,000 of the 2,209
     * pairs of (x + y) mod 47, cds-modadd-quick's MLP), three ways, in steps per second summed over runs:
     *
     * <ol>
     *   <li>one after another with every thread;
     *   <li>all K at once with the threads split between them (what the sweep executor does for runs under 2
     *       GFLOP/step);
     *   <li>the most a fused K-run pass could give (K at most 2 here): one run over K × 1,000 examples with every
     *       thread, its steps counted K times. That is one pass over K runs' worth of examples with the same number of
     *       dispatches, and it is generous to fusion: the K runs would share one set of weights, so the vocabulary
     *       tables, weight gradients and optimizer update are done once instead of K times.
     * </ol>
     *
     * The result is the ratio of the second to the first; the detail gives all three.
     */
    public static Timing concurrentRuns(int k, int threads, int stepsPerRun)
            throws ConfigException, InterruptedException {
        RunConfig[] cfg = new RunConfig[k];
        for (int i = 0; i < k; i++) cfg[i] = smallRun(i, 1000);
        int fk = Math.min(k, 2); // 2,000 of the 2,209 pairs leave a test set; a larger K is bounded by 2 runs' worth
        RunConfig fusedCfg = smallRun(0, fk * 1000);
        timeRun(cfg[0], threads, stepsPerRun); // JIT warm-up, not timed: otherwise the first way timed pays it alone
        timeRun(fusedCfg, threads, stepsPerRun / 4);
        double seq = 0;
        for (int i = 0; i < k; i++) seq += timeRun(cfg[i], threads, stepsPerRun);
        int per = Math.max(1, threads / k);
        Thread[] ts = new Thread[k];
        RuntimeException[] failure = new RuntimeException[1];
        long t0 = System.nanoTime();
        for (int i = 0; i < k; i++) {
            final int r = i;
            ts[i] = new Thread(() -> {
                try {
                    timeRun(cfg[r], per, stepsPerRun);
                } catch (RuntimeException e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) t.join();
        if (failure[0] != null) throw failure[0];
        double conc = (System.nanoTime() - t0) / 1e9;
        double fused = timeRun(fusedCfg, threads, stepsPerRun);
        double seqRate = k * stepsPerRun / seq, concRate = k * stepsPerRun / conc;
        double fusedRate = fk * stepsPerRun / fused;
        return new Timing(
                k + " runs at once",
                "x",
                concRate / seqRate,
                concRate / seqRate,
                concRate / seqRate,
                1,
                0,
                0,
                String.format(
                        java.util.Locale.ROOT,
                        "%d runs of %d steps (p 47, 1,000 pairs, MLP 64/256): %.0f steps/s one after another with %d threads; "
                                + "%.0f steps/s all at once with %d thread%s each (%.2fx); a fused %d-run pass at most %.0f steps/s (%.2fx: one run over %d examples with %d threads)",
                        k,
                        stepsPerRun,
                        seqRate,
                        threads,
                        concRate,
                        per,
                        per == 1 ? "" : "s",
                        concRate / seqRate,
                        fk,
                        fusedRate,
                        fusedRate / seqRate,
                        fk * 1000,
                        threads));
    }

    private static RunConfig smallRun(int seed, int trainCount) throws ConfigException {
        return ConfigLoader.load(
                ConfigLoader.Source.preset("modadd-mlp"),
                List.of(
                        "task.p=47",
                        "task.train_count=" + trainCount,
                        "model.embed_dim=64",
                        "model.hidden=256",
                        "optimizer.lr=1e-2",
                        "seed=" + seed));
    }

    // wall seconds of a whole run: set-up (data, model) and its steps; every way timed pays the same set-up
    private static double timeRun(RunConfig cfg, int threads, int steps) {
        long t0 = System.nanoTime();
        try (Experiment ex = new Experiment(cfg, threads)) {
            for (int i = 0; i < steps; i++) ex.trainer.trainStep();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** GFLOP/s of C[m,n] = A[m,k]·B[k,n]. */
    public static Timing gemm(int m, int k, int n, int threads, int samples) {
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        Rng r = new Rng(1);
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        try (Parallel pool = new Parallel(threads)) {
            Gemm g = new Gemm(pool);
            double flops = 2.0 * m * n * k;
            long warmEnd = System.nanoTime() + 1_500_000_000L;
            int w = 0;
            while (System.nanoTime() < warmEnd || w < 3) {
                g.nn(a, 0, b, 0, c, 0, m, n, k, false);
                w++;
            }
            double[] gf = new double[samples];
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                g.nn(a, 0, b, 0, c, 0, m, n, k, false);
                gf[i] = flops / ((System.nanoTime() - t0) / 1e9) / 1e9;
            }
            Arrays.sort(gf);
            double med = median(gf);
            return new Timing(
                    "gemm " + m + "x" + k + "x" + n,
                    "GFLOP/s",
                    med,
                    gf[0],
                    gf[samples - 1],
                    samples,
                    med,
                    0,
                    "C[m,n] = A[m,k]·B[k,n]");
        }
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans())
            n += Math.max(0, b.getCollectionCount());
        return n;
    }
}
