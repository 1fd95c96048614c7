package org.grokscope.jmh;

import java.util.concurrent.TimeUnit;
import org.grokscope.engine.Gemm;
import org.grokscope.engine.Parallel;
import org.grokscope.engine.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three GEMM forms at the shapes the grokking workloads use (nanda-p113: 3,831 rows, d 128, MLP 512; modadd-mlp:
 * 2,823 rows, hidden 512, 97 classes; the 11490 × 128 × 512 of {@code grokscope bench}). Run with {@code bin/jmh
 * GemmBench} (arguments go to JMH, e.g. {@code -p threads=1}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC"})
public class GemmBench {
    @Param({"2"})
    public int threads;

    /** m x k x n of C[m,n] = A[m,k]·B[k,n]: nanda's MLP in and out, modadd-mlp's unembedding, bench's tall GEMM. */
    @Param({"3831x128x512", "3831x512x128", "2823x512x97", "11490x128x512"})
    public String shape;

    private Parallel pool;
    private Gemm gemm;
    private int m, k, n;
    private float[] a, b, c, dc;

    @Setup(Level.Trial)
    public void setup() {
        pool = new Parallel(threads);
        gemm = new Gemm(pool);
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        k = Integer.parseInt(s[1]);
        n = Integer.parseInt(s[2]);
        Rng r = new Rng(1);
        a = KernelBench.gaussian(r, m * k);
        b = KernelBench.gaussian(r, k * n);
        c = new float[m * n];
        dc = KernelBench.gaussian(r, m * n);
    }

    @TearDown(Level.Trial)
    public void close() {
        pool.close();
    }

    /** forward: C = A·B. */
    @Benchmark
    public float[] nn() {
        gemm.nn(a, 0, b, 0, c, 0, m, n, k, false);
        return c;
    }

    /** weight gradient: dB[k,n] = Aᵀ·dC. */
    @Benchmark
    public float[] tn() {
        gemm.tn(a, 0, dc, 0, b, 0, k, n, m, false);
        return b;
    }

    /** input gradient: dA[m,k] = dC·Bᵀ. */
    @Benchmark
    public float[] nt() {
        gemm.nt(dc, 0, b, 0, a, 0, m, k, n, false);
        return a;
    }
}
