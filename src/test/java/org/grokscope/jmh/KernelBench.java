package org.grokscope.jmh;

import java.util.concurrent.TimeUnit;
import org.grokscope.engine.Act;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;
import org.grokscope.engine.Rng;
import org.grokscope.nn.LayerNorm;
import org.grokscope.nn.Params;
import org.grokscope.train.AdamW;
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
 * The engine's elementwise and row kernels at nanda-p113's sizes (3,831 rows, d 128, MLP 512, 113 classes). Run with
 * {@code bin/jmh KernelBench} (arguments go to JMH, e.g. {@code -p threads=1}). Whole training steps are timed by
 * {@code grokscope bench}; here a change to one kernel is measured on its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC"})
public class KernelBench {
    static final int ROWS = 3831, CLASSES = 113, D = 128, MLP = 512;

    @Param({"2"})
    public int threads;

    private Parallel pool;
    private Kernels kernels;
    private float[] logits, dlogits, input, hidden, pre, bias, x, y, dx, mean, rstd;
    private int[] labels;
    private LayerNorm ln;
    private Params params;
    private AdamW adamw;

    @Setup(Level.Trial)
    public void setup() {
        pool = new Parallel(threads);
        kernels = new Kernels(pool);
        Rng r = new Rng(1);
        logits = gaussian(r, ROWS * CLASSES);
        dlogits = new float[logits.length];
        labels = new int[ROWS];
        for (int i = 0; i < ROWS; i++) labels[i] = r.nextInt(CLASSES);
        input = gaussian(r, ROWS * MLP);
        hidden = new float[input.length];
        pre = new float[input.length];
        bias = gaussian(r, MLP);
        x = gaussian(r, ROWS * D);
        y = new float[x.length];
        dx = new float[x.length];
        mean = new float[ROWS];
        rstd = new float[ROWS];
        params = new Params();
        ln = new LayerNorm(params, pool, "ln", D, 1e-5f);
        params.add("w", org.grokscope.nn.Param.Role.WEIGHT, D, 1 << 20);
        params.allocate();
        java.util.Arrays.fill(params.w, 0.5f);
        java.util.Arrays.fill(params.g, 0.01f);
        adamw = new AdamW(pool, params.size(), 0.9, 0.98, 1e-8, 1.0);
    }

    /** biasGelu works in place: start every call from the same pre-activations. */
    @Setup(Level.Invocation)
    public void resetHidden() {
        System.arraycopy(input, 0, hidden, 0, input.length);
    }

    @TearDown(Level.Trial)
    public void close() {
        pool.close();
    }

    static float[] gaussian(Rng r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /** fused fp64 cross-entropy and its gradient, 3,831 × 113. */
    @Benchmark
    public double crossEntropy() {
        return kernels.crossEntropy(logits, ROWS, CLASSES, labels, 0, dlogits, 1.0 / ROWS)
                .loss();
    }

    /** bias + exact-erf GELU over the MLP's 3,831 × 512 hidden layer, keeping the pre-activation. */
    @Benchmark
    public float[] biasGelu() {
        kernels.biasAct(hidden, 0, bias, 0, pre, ROWS, MLP, Act.GELU);
        return hidden;
    }

    /** A bias gradient: column sums of 3,831 × 128 (imdb-paper's K and V projections sum 32,768 rows). */
    @Benchmark
    public float[] colSum() {
        kernels.colSumAdd(x, 0, ROWS, D, mean, 0);
        return mean;
    }

    /** LayerNorm forward then backward, 3,831 × 128. */
    @Benchmark
    public float[] layerNorm() {
        ln.forward(x, y, ROWS, mean, rstd);
        ln.backward(x, y, dx, ROWS, mean, rstd, false);
        return dx;
    }

    /** one AdamW step over a flat buffer of 1 Mi parameters (and the LayerNorm's 256). */
    @Benchmark
    public float[] adamw() {
        adamw.step(params, 1e-3);
        return params.w;
    }
}
