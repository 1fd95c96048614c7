package org.grokscope.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grokscope.data.Dataset;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;
import org.grokscope.engine.Rng;
import org.grokscope.nn.Centered;
import org.grokscope.nn.FourierReadable;
import org.grokscope.nn.Homogeneous;
import org.grokscope.nn.Model;
import org.grokscope.nn.Param;
import org.grokscope.nn.Params;
import org.grokscope.train.Evaluation;
import org.grokscope.train.TrainListener;
import org.grokscope.train.Trainer;

/**
 * The probes, a listener on the training loop: at its own cadence (a multiple of the evaluation interval) it measures
 * weight norms (global and per tensor), the eNTK on a fixed probe subset of the training set against Θ0, Fourier
 * measures for modular tasks and the quadratic net's normalized margin, and feeds the advisor. Once, at the first
 * probe, it fits the Θ0 kernel baseline. Values go to the sinks (the run directory appends them to metrics.csv) as
 * cells under {@link #columns()}.
 */
public final class ProbeSuite implements TrainListener {
    /** Receives a probe row: values in {@link #columns()} order (Double, String, or null where not measured). */
    public interface Sink {
        void onProbe(int step, Object[] values);
    }

    private final ProbeSettings s;
    private final Model model;
    private final Parallel pool;
    private final Kernels k;
    private final ModularContext mod;
    private final Advisor advisor;
    private final List<String> columns = new ArrayList<>();
    private final List<Sink> sinks = new ArrayList<>();
    private final NtkGram gram;
    private int[] probeTok, probeOut, probeLabels;
    private int m;
    private double[] theta0;
    private double theta0Norm;
    private int every;
    private double seconds, ntkFlops;
    private boolean kernelDone;
    private Fourier fourierBasis;
    private final List<String> notes = new java.util.ArrayList<>();
    private KernelRegression.Result kernel;
    private final Map<String, Object> lastValues = new LinkedHashMap<>();
    private final Map<String, Double> secondsBy = new LinkedHashMap<>();
    // the early verdict: the run's history as metrics.csv holds it, and the bank-fitted predictor (null: off)
    private final org.grokscope.analysis.Forecaster forecaster;
    private final org.grokscope.analysis.Signals.Recorder recorder;
    private final int budget;

    private void clock(String probe, long t0) {
        secondsBy.merge(probe, (System.nanoTime() - t0) / 1e9, Double::sum);
    }

    public ProbeSuite(ProbeSettings s, Model model, Parallel pool, ModularContext mod, Advisor.Context ctx) {
        this.s = s;
        this.model = model;
        this.pool = pool;
        this.mod = mod;
        this.k = new Kernels(pool);
        this.gram = new NtkGram(pool);
        this.advisor = new Advisor(s.advisor(), ctx);
        // the forecaster was fitted on modular tasks with their Fourier measures: only there does it forecast
        this.forecaster = mod != null && ctx.forecaster() != null && ctx.budget() > 0 ? ctx.forecaster() : null;
        this.recorder = forecaster == null ? null : new org.grokscope.analysis.Signals.Recorder(mod.p());
        this.budget = ctx.budget();
        if (s.norms()) {
            columns.addAll(List.of("sum_sq", "rel_dist"));
            for (Param p : model.params().list())
                for (String q : List.of("l2", "linf", "rel_dist")) columns.add(p.name() + "." + q);
        }
        if (s.ntk()) columns.addAll(List.of("ntk_dist", "ntk_rel", "ntk_cka"));
        if (fourierOn()) {
            columns.addAll(List.of("embed_gini", "embed_keys", "wl_gini", "wl_keys", "key_freqs"));
            if (progressMeasuresOn()) columns.addAll(List.of("restricted_loss", "excluded_loss"));
            else if (mod.addition() && mod.allPairs() != null)
                notes.add(String.format(
                        java.util.Locale.ROOT,
                        "restricted and excluded loss not computed: the logits of all %d pairs (p^3 = %.3g values, %.1f GB with their two projections) "
                                + "would exceed a quarter of the %.1f GB heap",
                        mod.allPairs().size(),
                        Math.pow(mod.p(), 3),
                        progressMeasureBytes() / 1e9,
                        Runtime.getRuntime().maxMemory() / 1e9));
        }
        if (model instanceof Homogeneous) columns.add("margin");
        if (s.kernelBaseline()) columns.add("kernel_test_acc");
        if (forecaster != null) columns.addAll(List.of("p_generalize", "eta_step"));
    }

    // the logits of every pair (p³ floats) and the restricted and excluded copies (2·p³ doubles)
    private double progressMeasureBytes() {
        return Math.pow(mod.p(), 3) * (4 + 16);
    }

    /**
     * Nanda et al.'s restricted and excluded loss: x + y over the whole table, when its p³ logits fit in a quarter of
     * the heap.
     */
    private boolean progressMeasuresOn() {
        return mod.addition()
                && mod.allPairs() != null
                && progressMeasureBytes() <= Runtime.getRuntime().maxMemory() / 4.0
                && Math.pow(mod.p(), 3) < Integer.MAX_VALUE;
    }

    private boolean fourierOn() {
        Model net = model instanceof Centered c ? c.inner() : model;
        return s.fourier() && mod != null && model.classes() == mod.p() && net instanceof FourierReadable;
    }

    public List<String> columns() {
        return columns;
    }

    public Advisor advisor() {
        return advisor;
    }

    public int every() {
        return every;
    }

    public double seconds() {
        return seconds;
    }

    public KernelRegression.Result kernel() {
        return kernel;
    }

    public ProbeSuite sink(Sink sink) {
        sinks.add(sink);
        return this;
    }

    /**
     * Re-feeds the advisor and the forecast's history with a row a resumed run keeps: its evaluation and, if the row
     * was a probe row, its probe cells by column name (absent or NaN where not measured).
     */
    public void replay(Evaluation e, boolean probeRow, Map<String, Double> probeCells) {
        advisor.onEval(e);
        record(e);
        if (probeRow) {
            advisor.onProbe(
                    e.step(),
                    probeCells.getOrDefault("ntk_rel", Double.NaN),
                    probeCells.getOrDefault("embed_gini", Double.NaN));
            forecast(e, probeCells);
        }
        advisor.drainEvents();
    }

    // the evaluation into the forecast's history, as metrics.csv writes it
    private void record(Evaluation e) {
        if (recorder == null) return;
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("train_acc", org.grokscope.analysis.Signals.asWritten(e.trainAcc()));
        v.put("test_acc", org.grokscope.analysis.Signals.asWritten(e.testAcc()));
        v.put("train_loss", org.grokscope.analysis.Signals.asWritten(e.trainLoss()));
        v.put("test_loss", org.grokscope.analysis.Signals.asWritten(e.testLoss()));
        v.put("l2_norm", org.grokscope.analysis.Signals.asWritten(e.l2Norm()));
        v.put("dist_from_init", org.grokscope.analysis.Signals.asWritten(e.distFromInit()));
        recorder.evaluation(e.step(), v);
    }

    // the probe values into the history, then the forecast (its verdict goes to the advisor); returns it, or null
    private org.grokscope.analysis.Forecaster.Assessment forecast(Evaluation e, Map<String, Double> probe) {
        if (recorder == null) return null;
        Map<String, Double> v = new LinkedHashMap<>();
        for (String c : org.grokscope.analysis.Signals.PROBE_COLUMNS) {
            Double x = probe.get(c);
            if (x != null) v.put(c, org.grokscope.analysis.Signals.asWritten(x));
        }
        recorder.probes(v);
        boolean memorized = e.trainAcc() >= s.advisor().memorizationThreshold();
        org.grokscope.analysis.Forecaster.Assessment a =
                forecaster.assess(recorder.history(), recorder.size() - 1, budget, memorized, advisor.formingStep());
        advisor.onForecast(e.step(), a);
        return a;
    }

    @Override
    public void onStart(Trainer t) {
        long t0 = System.nanoTime();
        Dataset train = t.trainSet();
        if (s.ntk()) {
            m = Math.min(s.ntkSamples(), train.size());
            int[] perm = new int[train.size()];
            for (int i = 0; i < perm.length; i++) perm[i] = i;
            Rng.of(t.settings().seed(), "ntk-probe").shuffle(perm);
            int T = model.seqLen();
            probeTok = new int[m * T];
            probeOut = new int[m];
            probeLabels = new int[m];
            for (int i = 0; i < m; i++) {
                System.arraycopy(train.tokens(), perm[i] * T, probeTok, i * T, T);
                probeLabels[i] = train.labels()[perm[i]];
                probeOut[i] = s.ntkTrueClass() ? probeLabels[i] : 0;
            }
            atInit(t, () -> theta0 = gram.compute(model, probeTok, 0, m, probeOut));
            theta0Norm = frobenius(theta0, null);
            ntkFlops = gram.flops();
        }
        every = s.every() > 0 ? s.every() : autoEvery(t);
        seconds += (System.nanoTime() - t0) / 1e9;
    }

    // runs body with the parameters temporarily set to their initial values
    private void atInit(Trainer t, Runnable body) {
        float[] w = model.params().w, now = w.clone();
        System.arraycopy(t.initialParams(), 0, w, 0, w.length);
        try {
            body.run();
        } finally {
            System.arraycopy(now, 0, w, 0, w.length);
        }
    }

    private int autoEvery(Trainer t) {
        int ev = t.settings().evalEvery();
        double probe = ntkFlops + (s.norms() ? 10.0 * model.params().size() : 0);
        if (fourierOn() && progressMeasuresOn())
            probe += model.flops(mod.allPairs().size(), false);
        if (model instanceof Homogeneous) probe += model.flops(t.trainSet().size(), false);
        double perStep = Math.max(1, t.flopsPerStep() * s.budget());
        long mult = (long) Math.ceil(probe / perStep / ev);
        return (int) Math.min(Integer.MAX_VALUE / 2, Math.max(1, mult) * ev);
    }

    @Override
    public void onEval(Trainer t, Evaluation e) {
        advisor.onEval(e);
        record(e);
        if (e.step() % every != 0) return;
        long t0 = System.nanoTime();
        Map<String, Object> v = measure(t);
        advisor.onProbe(e.step(), (Double) v.getOrDefault("ntk_rel", Double.NaN), (Double)
                v.getOrDefault("embed_gini", Double.NaN));
        if (recorder != null) {
            Map<String, Double> numbers = new LinkedHashMap<>();
            v.forEach((key, val) -> {
                if (val instanceof Double d) numbers.put(key, d);
            });
            org.grokscope.analysis.Forecaster.Assessment a = forecast(e, numbers);
            if (s.stopWhenStalled() && advisor.state() == Advisor.State.STALLED)
                t.stopStalled(String.format(
                        java.util.Locale.ROOT,
                        "predicted not to generalize within %d steps (P %.3f at step %d)",
                        budget,
                        a.probability(),
                        e.step()));
            v.put("p_generalize", a.probability());
            v.put("eta_step", Double.isNaN(a.eta()) ? null : (double) Math.round(a.eta()));
        }
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) values[i] = v.get(columns.get(i));
        lastValues.clear();
        lastValues.putAll(v);
        seconds += (System.nanoTime() - t0) / 1e9;
        for (Sink sk : sinks) sk.onProbe(e.step(), values);
    }

    private Map<String, Object> measure(Trainer t) {
        Map<String, Object> v = new LinkedHashMap<>();
        Params ps = model.params();
        float[] w = ps.w, init = t.initialParams();
        long t0 = System.nanoTime();
        if (s.norms()) {
            double sq = k.sumSquares(w, null, 0, w.length), sq0 = k.sumSquares(init, null, 0, w.length);
            v.put("sum_sq", sq);
            v.put("rel_dist", Math.sqrt(k.sumSquares(w, init, 0, w.length) / sq0));
            for (Param p : ps.list()) {
                double l2 = Math.sqrt(k.sumSquares(w, null, p.offset(), p.size()));
                double d0 = Math.sqrt(k.sumSquares(init, null, p.offset(), p.size()));
                v.put(p.name() + ".l2", l2);
                v.put(p.name() + ".linf", k.maxAbs(w, p.offset(), p.size()));
                v.put(
                        p.name() + ".rel_dist",
                        d0 > 0 ? Math.sqrt(k.sumSquares(w, init, p.offset(), p.size())) / d0 : Double.NaN);
            }
        }
        clock("norms", t0);
        t0 = System.nanoTime();
        if (s.ntk()) {
            double[] th = gram.compute(model, probeTok, 0, m, probeOut);
            double dist = frobenius(th, theta0);
            v.put("ntk_dist", dist);
            v.put("ntk_rel", theta0Norm > 0 ? dist / theta0Norm : Double.NaN);
            v.put("ntk_cka", alignment(th, probeLabels, m));
        }
        clock("ntk", t0);
        t0 = System.nanoTime();
        if (fourierOn()) fourier(v);
        clock("fourier", t0);
        t0 = System.nanoTime();
        if (model instanceof Homogeneous h) v.put("margin", margin(t, h.degree()));
        clock("margin", t0);
        if (s.kernelBaseline() && !kernelDone) {
            t0 = System.nanoTime();
            kernelDone = true;
            kernel = kernelBaseline(t);
            if (kernel != null) v.put("kernel_test_acc", kernel.accuracy());
            clock("kernel_baseline", t0);
        }
        return v;
    }

    // ---- Fourier -------------------------------------------------------------------------------

    private void fourier(Map<String, Object> v) {
        int p = mod.p();
        if (fourierBasis == null) fourierBasis = new Fourier(p);
        Fourier f = fourierBasis;
        Params ps = model.params();
        FourierReadable net = (FourierReadable)
                (model instanceof Centered c ? c.inner() : model); // the weights, not the centred output
        int[] blocks = net.residueEmbeddingOffsets(p);
        double[] emb = f.norms(ps.w, blocks[0], p, net.residueWidth(), true);
        for (int k = 1; k < blocks.length; k++) { // x and y embedded separately: combine their norms
            double[] b = f.norms(ps.w, blocks[k], p, net.residueWidth(), true);
            for (int i = 0; i < emb.length; i++) emb[i] = Math.hypot(emb[i], b[i]);
        }
        float[] wl = net.neuronToLogits();
        int rows = net.neurons();
        double[] wlNorms = f.norms(wl, 0, rows, p, false);
        List<Integer> keys = Fourier.keyFrequencies(emb, s.keyThreshold());
        v.put("embed_gini", Fourier.gini(emb));
        v.put("embed_keys", (double) keys.size());
        v.put("wl_gini", Fourier.gini(wlNorms));
        v.put("wl_keys", (double)
                Fourier.keyFrequencies(wlNorms, s.keyThreshold()).size());
        v.put(
                "key_freqs",
                keys.size() <= 12
                        ? String.join(" ", keys.stream().map(String::valueOf).toList())
                        : keys.size() + " frequencies");
        if (progressMeasuresOn()) {
            Dataset all = mod.allPairs();
            int C = model.classes(), T = model.seqLen();
            float[] logits = new float[all.size() * C];
            for (int o = 0; o < all.size(); o += 4096) {
                int n = Math.min(4096, all.size() - o);
                float[] l = model.forward(all.tokens(), o * T, n);
                System.arraycopy(l, 0, logits, o * C, n * C);
            }
            double[][] re = f.restrictedAndExcluded(logits, keys);
            v.put("restricted_loss", Fourier.crossEntropy(re[0], C, mod.testRows(), labelsOf(all, mod.testRows())));
            v.put("excluded_loss", Fourier.crossEntropy(re[1], C, mod.trainRows(), labelsOf(all, mod.trainRows())));
        }
    }

    private static int[] labelsOf(Dataset d, int[] rows) {
        int[] y = new int[rows.length];
        for (int i = 0; i < rows.length; i++) y[i] = d.labels()[rows[i]];
        return y;
    }

    // ---- quadratic net: min over the training set of (f_y − max_{y'≠y} f_y') / ‖θ‖∞³ ----------

    private double margin(Trainer t, int degree) {
        Dataset train = t.trainSet();
        Model q = model;
        int C = q.classes(), T = q.seqLen();
        double min = Double.POSITIVE_INFINITY;
        for (int o = 0; o < train.size(); o += 4096) {
            int n = Math.min(4096, train.size() - o);
            float[] l = q.forward(train.tokens(), o * T, n);
            for (int i = 0; i < n; i++) {
                int y = train.labels()[o + i];
                double other = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < C; c++) if (c != y) other = Math.max(other, l[i * C + c]);
                min = Math.min(min, l[i * C + y] - other);
            }
        }
        float[] w = q.params().w;
        double linf = k.maxAbs(w, 0, w.length), scale = 1;
        for (int i = 0; i < degree; i++) scale *= linf; // ‖θ‖∞^degree, multiplied out (same bits as linf·linf·linf)
        return min / scale;
    }

    // ---- kernel baseline ------------------------------------------------------------------------

    private KernelRegression.Result kernelBaseline(Trainer t) {
        Dataset train = t.trainSet(), test = t.testSet();
        if (train.size() > s.kernelMaxTrain()) return null;
        int nTest = Math.min(s.kernelTestSamples(), test.size()), n = train.size(), mm = n + nTest, T = model.seqLen();
        int[] tok = new int[mm * T], y = new int[mm], out = new int[mm];
        System.arraycopy(train.tokens(), 0, tok, 0, n * T);
        System.arraycopy(train.labels(), 0, y, 0, n);
        int[] perm = new int[test.size()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        Rng.of(t.settings().seed(), "kernel-test").shuffle(perm);
        for (int i = 0; i < nTest; i++) {
            System.arraycopy(test.tokens(), perm[i] * T, tok, (n + i) * T, T);
            y[n + i] = test.labels()[perm[i]];
        }
        double[][] g = new double[1][];
        atInit(
                t,
                () -> g[0] = new NtkGram(pool)
                        .compute(model, tok, 0, mm, out)); // first-output kernel, shared by all classes
        return KernelRegression.fitAndTest(g[0], mm, n, y, model.classes(), s.kernelRidge());
    }

    // ---- helpers --------------------------------------------------------------------------------

    static double frobenius(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = b == null ? a[i] : a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** Centred kernel–target alignment ⟨HKH, HYH⟩/(‖HKH‖‖HYH‖), Y[i, j] = [y_i = y_j] (Cortes et al. 2012). */
    static double alignment(double[] K, int[] y, int m) {
        double[] kc = centre(K, m), yc = new double[m * m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) yc[i * m + j] = y[i] == y[j] ? 1 : 0;
        yc = centre(yc, m);
        double dot = 0, nk = 0, ny = 0;
        for (int i = 0; i < m * m; i++) {
            dot += kc[i] * yc[i];
            nk += kc[i] * kc[i];
            ny += yc[i] * yc[i];
        }
        return nk > 0 && ny > 0 ? dot / Math.sqrt(nk * ny) : Double.NaN;
    }

    private static double[] centre(double[] K, int m) {
        double[] row = new double[m];
        double all = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) row[i] += K[i * m + j];
            all += row[i];
            row[i] /= m;
        }
        all /= (double) m * m;
        double[] c = new double[m * m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) c[i * m + j] = K[i * m + j] - row[i] - row[j] + all;
        return c;
    }

    /** The run's probe record for summary.json: cadence, cost, kernel baseline and the advisor. */
    public Map<String, Object> summary(double trainSeconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("every", every);
        m.put("probe_seconds", Math.round(seconds * 1000) / 1000.0);
        m.put(
                "share_of_wall",
                trainSeconds + seconds > 0 ? Math.round(1000 * seconds / (trainSeconds + seconds)) / 1000.0 : 0);
        Map<String, Object> by = new LinkedHashMap<>();
        secondsBy.forEach((key, val) -> by.put(key, Math.round(val * 1000) / 1000.0));
        m.put("seconds_by_probe", by);
        if (!notes.isEmpty()) m.put("notes", List.copyOf(notes));
        if (kernel != null) {
            Map<String, Object> kb = new LinkedHashMap<>();
            kb.put("test_accuracy", kernel.accuracy());
            kb.put("train_accuracy", kernel.trainAccuracy());
            kb.put("ridge", kernel.ridgeUsed());
            kb.put("train", kernel.train());
            kb.put("test_sample", kernel.test());
            m.put("kernel_baseline", kb);
        }
        Map<String, Object> last = new LinkedHashMap<>();
        lastValues.forEach((key, val) -> {
            if (!key.contains(".")) last.put(key, val);
        }); // per-tensor norms stay in metrics.csv
        m.put("last", last);
        m.put("advisor", advisor.summary());
        return m;
    }
}
