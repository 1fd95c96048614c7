package org.grokscope.probe;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.grokscope.data.Dataset;
import org.grokscope.data.InputFormat;
import org.grokscope.data.ModularTask;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.Model;

/**
 * The Θ0 kernel baseline over training-set sizes: the initial eNTK (first output) over the whole table once, then for
 * each training fraction the same nested split a training run would use, ridgeless regression on its training pairs and
 * accuracy on (a sample of) its test pairs. Shows the kernel lower bound at work: a permutation-equivariant kernel
 * needs a constant fraction of all p² pairs.
 */
public final class KernelSweep {
    public record Point(double fraction, int train, int testSample, double testAcc, double trainAcc, double ridge) {}

    private KernelSweep() {}

    public static List<Point> run(
            Model model,
            Parallel pool,
            ModularTask table,
            InputFormat format,
            long splitSeed,
            double[] fractions,
            int testSamples,
            double ridge,
            PrintStream progress) {
        int N = table.size();
        int[] all = new int[N];
        for (int i = 0; i < N; i++) all[i] = i;
        Dataset d = table.dataset(all, format);
        long t0 = System.nanoTime();
        double[] K = new NtkGram(pool).compute(model, d.tokens(), 0, N, new int[N]);
        if (progress != null)
            progress.printf(
                    Locale.ROOT,
                    "eNTK at initialization over all %d pairs: %.1f s%n",
                    N,
                    (System.nanoTime() - t0) / 1e9);
        List<Point> out = new ArrayList<>();
        for (double f : fractions) {
            long t1 = System.nanoTime();
            ModularTask.Split sp = table.split(null, f, null, splitSeed);
            int n = sp.train().length, nt = Math.min(testSamples, sp.test().length), m = n + nt;
            int[] idx = new int[m], y = new int[m];
            System.arraycopy(sp.train(), 0, idx, 0, n);
            System.arraycopy(sp.test(), 0, idx, n, nt); // the test order is already a seeded permutation
            for (int i = 0; i < m; i++) y[i] = table.label(idx[i]);
            double[] sub = new double[m * m];
            for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) sub[i * m + j] = K[idx[i] * N + idx[j]];
            KernelRegression.Result r = KernelRegression.fitAndTest(sub, m, n, y, model.classes(), ridge);
            Point p = new Point(f, n, nt, r.accuracy(), r.trainAccuracy(), r.ridgeUsed());
            out.add(p);
            if (progress != null)
                progress.printf(
                        Locale.ROOT,
                        "fraction %.2f: %5d training pairs, kernel test accuracy %5.1f%% (train %5.1f%%, %d test pairs, %.1f s)%n",
                        f,
                        n,
                        100 * r.accuracy(),
                        100 * r.trainAccuracy(),
                        nt,
                        (System.nanoTime() - t1) / 1e9);
        }
        return out;
    }
}
