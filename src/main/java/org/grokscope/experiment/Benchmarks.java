package org.grokscope.experiment;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Parallel;
import org.grokscope.engine.Rng;

/** Whole-step and GEMM timings, measured after warm-up; medians with min and max. */
public final class Benchmarks {
    public record Timing(String name, String unit, double median, double min, double max, int samples, double gflops, long gcCount, String detail) {}

    private Benchmarks() {}

    /** ms per training step of a preset (full steps: forward, loss, backward, optimizer). */
    public static Timing step(String preset, int threads, int warmupSteps, int samples) throws ConfigException {
        RunConfig cfg = ConfigLoader.load(ConfigLoader.Source.preset(preset), List.of());
        try (Experiment ex = new Experiment(cfg, threads)) {
            for (int i = 0; i < warmupSteps; i++) ex.trainer.trainStep();
            double[] ms = new double[samples];
            long gc0 = gcCount();
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                ex.trainer.trainStep();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            long gc = gcCount() - gc0;
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double med = median(sorted);
            double flops = ex.trainer.flopsPerStep();
            return new Timing(preset, "ms/step", med, sorted[0], sorted[samples - 1], samples, flops / (med / 1e3) / 1e9, gc,
                    String.format(java.util.Locale.ROOT, "batch %d, %.2f GFLOP/step", ex.trainer.batchSize(), flops / 1e9));
        }
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
            while (System.nanoTime() < warmEnd || w < 3) { g.nn(a, 0, b, 0, c, 0, m, n, k, false); w++; }
            double[] gf = new double[samples];
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                g.nn(a, 0, b, 0, c, 0, m, n, k, false);
                gf[i] = flops / ((System.nanoTime() - t0) / 1e9) / 1e9;
            }
            Arrays.sort(gf);
            double med = median(gf);
            return new Timing("gemm " + m + "x" + k + "x" + n, "GFLOP/s", med, gf[0], gf[samples - 1], samples, med, 0, "C[m,n] = A[m,k]·B[k,n]");
        }
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, b.getCollectionCount());
        return n;
    }
}
