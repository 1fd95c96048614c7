package org.grokscope.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.grokscope.data.Dataset;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.LossFunction;
import org.grokscope.engine.LossPrecision;
import org.grokscope.engine.Rng;
import org.grokscope.nn.Model;
import org.grokscope.nn.Params;

/**
 * The training loop. Per step: forward, loss (fp64), backward, regularizer, then (every evalEvery steps, before the
 * update) an evaluation, then the optimizer update. Emits events to listeners, which do everything else (progress line,
 * files, probes). Minibatches are a fresh seeded permutation per epoch, derived from the step number, so a resumed run
 * draws the same batches.
 */
public final class Trainer {
    /**
     * How a run ended. STOPPED_EARLY: test accuracy reached stop_at_test_acc; STOPPED_STALLED: a listener (the early
     * verdict) judged it would not generalize within its budget and ended it, with its reason.
     */
    public enum Status {
        COMPLETED,
        STOPPED_EARLY,
        STOPPED_STALLED,
        INTERRUPTED,
        DIVERGED;

        /** How summary.json writes it: {@code stopped_early}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The status a summary's text names, or null for text that names none (absent, or from another tool). */
        public static Status ofKey(String key) {
            for (Status s : values()) if (s.key().equals(key)) return s;
            return null;
        }
    }

    /**
     * How the loop trains; made with {@link #settings(int)}'s builder rather than twelve positional values.
     * {@code batchSize} 0 = full batch; {@code stopAtTestAcc} and {@code fixedNorm} may be null (off).
     * {@code keepLastBatch}: an epoch ends with the remainder as a smaller batch, a step of its own (PyTorch's
     * DataLoader and torch.split), instead of leaving those examples out until the next shuffle.
     */
    public record Settings(
            int steps,
            int batchSize,
            int evalEvery,
            int evalBatch,
            double lr,
            int warmupSteps,
            LossFunction loss,
            LossPrecision lossPrecision,
            Double stopAtTestAcc,
            int stopPatience,
            long seed,
            Double fixedNorm,
            boolean keepLastBatch) {}

    /**
     * {@code steps} full-batch steps of fp64 softmax cross-entropy at lr 1e-3, evaluated every 100, seed 0, until
     * changed.
     */
    public static SettingsBuilder settings(int steps) {
        return new SettingsBuilder(steps);
    }

    public static final class SettingsBuilder {
        private final int steps;
        private int batchSize, evalEvery = 100, evalBatch = 8192, warmupSteps, stopPatience = 1;
        private double lr = 1e-3;
        private LossFunction loss = LossFunction.CROSS_ENTROPY;
        private LossPrecision precision = LossPrecision.FP64;
        private Double stopAtTestAcc, fixedNorm;
        private long seed;
        private boolean keepLastBatch;

        private SettingsBuilder(int steps) {
            this.steps = steps;
        }

        public SettingsBuilder batch(int batchSize, int evalBatch) {
            this.batchSize = batchSize;
            this.evalBatch = evalBatch;
            return this;
        }

        public SettingsBuilder evaluation(int evalEvery, Double stopAtTestAcc, int stopPatience) {
            this.evalEvery = evalEvery;
            this.stopAtTestAcc = stopAtTestAcc;
            this.stopPatience = stopPatience;
            return this;
        }

        public SettingsBuilder schedule(double lr, int warmupSteps) {
            this.lr = lr;
            this.warmupSteps = warmupSteps;
            return this;
        }

        public SettingsBuilder loss(LossFunction loss, LossPrecision precision) {
            this.loss = loss;
            this.precision = precision;
            return this;
        }

        public SettingsBuilder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Omnigrok's constrained training: ‖θ‖₂ kept at {@code radius} (null = off). */
        public SettingsBuilder fixedNorm(Double radius) {
            this.fixedNorm = radius;
            return this;
        }

        /** Whether an epoch's remainder (N mod batch examples) is a step of its own. */
        public SettingsBuilder keepLastBatch(boolean keep) {
            this.keepLastBatch = keep;
            return this;
        }

        public Settings build() {
            return new Settings(
                    steps,
                    batchSize,
                    evalEvery,
                    evalBatch,
                    lr,
                    warmupSteps,
                    loss,
                    precision,
                    stopAtTestAcc,
                    stopPatience,
                    seed,
                    fixedNorm,
                    keepLastBatch);
        }
    }

    public record Outcome(Status status, int steps, String reason, double wallSeconds) {}

    private final Model model;
    private final Optimizer opt;
    private final Regularizer reg;
    private final Dataset train, test;
    private final Settings s;
    private final Kernels k;
    private final List<TrainListener> listeners = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final float[] init;
    private float[] dlogits = new float[0];
    private int[] batchTok = new int[0], batchY = new int[0], perm = new int[0];
    private float[] batchT = new float[0];
    /** Regression: the training targets' mean per output, and each set's sum of squares about it (R²'s denominator). */
    private final double[] targetMean;

    private final double trainSst, testSst;
    private int permEpoch = -1;
    private int step, stopStreak;
    private double lastPenalty;
    private long startNanos;
    private double trainSeconds;
    private Evaluation lastEval;

    public Trainer(Model model, Optimizer opt, Regularizer reg, Dataset train, Dataset test, Settings s, Kernels k) {
        this.model = model;
        this.opt = opt;
        this.reg = reg;
        this.train = train;
        this.test = test;
        this.s = s;
        this.k = k;
        if (train.regression()) {
            int C = train.classes();
            targetMean = new double[C];
            for (int i = 0; i < train.targets().length; i++) targetMean[i % C] += train.targets()[i];
            for (int j = 0; j < C; j++) targetMean[j] /= train.size();
            trainSst = sumOfSquares(train);
            testSst = test.regression() ? sumOfSquares(test) : Double.NaN;
        } else {
            targetMean = null;
            trainSst = testSst = Double.NaN;
        }
        this.init = model.params().w.clone();
    }

    public Trainer listen(TrainListener l) {
        listeners.add(l);
        return this;
    }

    /** Asks the loop to stop after the current step (safe from any thread, e.g. a shutdown hook). */
    public void requestStop() {
        stop.set(true);
    }

    private volatile String stallReason;

    /** Ends the run before the next step as STOPPED_STALLED, a finished run (not interrupted), with this reason. */
    public void stopStalled(String reason) {
        stallReason = reason;
    }

    public Model model() {
        return model;
    }

    public Optimizer optimizer() {
        return opt;
    }

    public Settings settings() {
        return s;
    }

    public int step() {
        return step;
    }

    public Evaluation lastEval() {
        return lastEval;
    }

    public float[] initialParams() {
        return init;
    }

    public Dataset trainSet() {
        return train;
    }

    public Dataset testSet() {
        return test;
    }

    /** Seconds spent in training steps (excluding evaluations) since start or resume. */
    public double trainSeconds() {
        return trainSeconds;
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    public int batchSize() {
        return s.batchSize() <= 0 || s.batchSize() >= train.size() ? train.size() : s.batchSize();
    }

    /** FLOPs of one training step (forward + backward over one batch). */
    public double flopsPerStep() {
        return model.flops(batchSize(), true);
    }

    public double lr(int t) {
        return s.warmupSteps() > 0 ? s.lr() * Math.min(1.0, (double) t / s.warmupSteps()) : s.lr();
    }

    /**
     * Continue from a checkpointed step (parameters and optimizer state already restored), given the evaluations made
     * before it: they carry the early-stopping streak, so a resumed run stops where the uninterrupted one would have.
     */
    public void resumeAt(int step, List<Evaluation> before) {
        this.step = step;
        stopStreak = 0;
        for (Evaluation e : before) {
            if (e.step() >= step) break;
            stopStreak = s.stopAtTestAcc() != null && e.testAcc() >= s.stopAtTestAcc() ? stopStreak + 1 : 0;
            lastEval = e;
        }
    }

    public Outcome run() {
        startNanos = System.nanoTime();
        for (TrainListener l : listeners) l.onStart(this);
        int batch = batchSize();
        boolean full = batch == train.size();
        Status status = Status.COMPLETED;
        String reason = null;
        while (step < s.steps()) {
            if (stop.get()) {
                status = Status.INTERRUPTED;
                reason = "interrupted";
                break;
            }
            if (stallReason != null) {
                status = Status.STOPPED_STALLED;
                reason = stallReason;
                break;
            }
            long t0 = System.nanoTime();
            Kernels.LossResult lr = gradients(full, full ? batch : stepBatch(step, batch));
            long gradNanos = System.nanoTime() - t0;
            trainSeconds += gradNanos / 1e9;
            if (!Double.isFinite(lr.loss())) {
                status = Status.DIVERGED;
                reason = "training loss became " + lr.loss() + " at step " + step;
                break;
            }
            if (step % s.evalEvery() == 0) {
                Evaluation e = evaluate(full ? lr : null, lastPenalty);
                if (s.stopAtTestAcc() != null && e.testAcc() >= s.stopAtTestAcc()) stopStreak++;
                else stopStreak = 0;
                if (s.stopAtTestAcc() != null && stopStreak >= s.stopPatience()) {
                    status = Status.STOPPED_EARLY;
                    reason = "test accuracy >= " + s.stopAtTestAcc() + " for " + s.stopPatience() + " evaluations";
                    break;
                }
            }
            long t1 = System.nanoTime();
            update();
            long updateNanos = System.nanoTime() - t1;
            trainSeconds += updateNanos / 1e9;
            k.pool()
                    .stepTook(
                            gradNanos + updateNanos); // the step without its evaluation: how the pool picks its threads
            for (TrainListener l : listeners) l.onStep(this, step, lr.loss());
        }
        if (status == Status.COMPLETED && (lastEval == null || lastEval.step() != step)) {
            Evaluation e = evaluate(null, reg.active() ? penaltyOnly() : 0);
            if (!Double.isFinite(e.trainLoss())) {
                status = Status.DIVERGED;
                reason = "training loss became " + e.trainLoss() + " at step " + step;
            }
        }
        Outcome out = new Outcome(status, step, reason, elapsedSeconds());
        for (TrainListener l : listeners) l.onEnd(this, out);
        return out;
    }

    /** Forward, loss and backward on the step's batch; gradients land in params().g. */
    private Kernels.LossResult forwardBackward(boolean full, int n) {
        int[] tok = train.tokens(), y = train.labels();
        float[] t = train.targets();
        if (!full) {
            fillBatch(step, n);
            tok = batchTok;
            y = batchY;
            t = train.regression() ? batchT : null;
        }
        k.zero(model.params().g, 0, model.params().size());
        float[] logits = model.forward(tok, 0, n);
        if (dlogits.length < n * model.classes()) dlogits = new float[n * model.classes()];
        Kernels.LossResult r = loss(logits, n, y, 0, dlogits, t);
        model.backward(dlogits);
        return r;
    }

    /**
     * One training step without evaluation or events: the same two halves {@link #run()} takes (benchmarks time exactly
     * what training does); returns the batch loss.
     */
    public double trainStep() {
        int n = batchSize();
        long t0 = System.nanoTime();
        Kernels.LossResult r = gradients(n == train.size(), n);
        update();
        k.pool().stepTook(System.nanoTime() - t0);
        return r.loss();
    }

    // first half of a step: the batch's loss and every gradient (data and penalties) in params().g; the penalty's
    // value is left in lastPenalty (a field, not a returned pair, so the step allocates nothing)
    private Kernels.LossResult gradients(boolean full, int n) {
        Kernels.LossResult r = forwardBackward(full, n);
        lastPenalty = reg.active() ? reg.apply(model.params()) : 0;
        return r;
    }

    // second half: the optimizer's update (with its wrappers), the fixed-norm projection, the step count
    private void update() {
        opt.step(model.params(), lr(step));
        if (s.fixedNorm() != null) projectToSphere(model.params().w, s.fixedNorm());
        step++;
    }

    /** Omnigrok's constrained training: θ ← θ · (radius / ‖θ‖₂), all parameters together. */
    public static void projectToSphere(float[] w, double radius) {
        double sq = 0;
        for (float v : w) sq += (double) v * v;
        if (sq == 0) return;
        float f = (float) (radius / Math.sqrt(sq));
        for (int i = 0; i < w.length; i++) w[i] *= f;
    }

    private double penaltyOnly() {
        Params ps = model.params();
        float[] saved = ps.g.clone();
        double v = reg.apply(ps);
        System.arraycopy(saved, 0, ps.g, 0, saved.length);
        return v;
    }

    private Kernels.LossResult loss(float[] logits, int n, int[] y, int yOff, float[] d, float[] targets) {
        return k.loss(
                s.loss(),
                s.lossPrecision(),
                logits,
                n,
                model.classes(),
                y,
                yOff,
                d,
                s.loss().gradScale(n, model.classes()),
                targets);
    }

    private double sumOfSquares(Dataset d) {
        int C = d.classes();
        double sst = 0;
        for (int i = 0; i < d.targets().length; i++) {
            double e = d.targets()[i] - targetMean[i % C];
            sst += e * e;
        }
        return sst;
    }

    /**
     * The accuracy an evaluation reports: the share of examples classified right, or for regression R² = 1 − SSE/SST,
     * the share of the targets' variance about the training mean that the outputs explain (1 at a perfect fit, 0 for
     * predicting the mean, below 0 for worse), so memorization and generalization thresholds read the same way.
     */
    private double accuracy(Kernels.LossResult r, Dataset d, double sst) {
        if (!d.regression()) return r.accuracy();
        double sse = r.loss() * r.count() * d.classes(); // the MSE is the mean over rows and outputs
        return sst > 0 ? 1 - sse / sst : Double.NaN;
    }

    /** Loss and accuracy of the current parameters on a dataset, in chunks of evalBatch. */
    public Kernels.LossResult measure(Dataset d) {
        int T = model.seqLen(), chunk = Math.max(1, s.evalBatch());
        double lossSum = 0;
        int correct = 0, zeroLoss = 0, zeroGrad = 0, one = 0;
        for (int o = 0; o < d.size(); o += chunk) {
            int m = Math.min(chunk, d.size() - o);
            float[] logits = model.forward(d.tokens(), o * T, m);
            Kernels.LossResult r = loss(logits, m, d.labels(), o, null, d.targets());
            lossSum += r.loss() * m;
            correct += r.correct();
            zeroLoss += r.zeroLoss();
            zeroGrad += r.zeroGrad();
            one += r.softmaxOne();
        }
        return new Kernels.LossResult(lossSum / d.size(), correct, d.size(), zeroLoss, zeroGrad, one);
    }

    private Evaluation evaluate(Kernels.LossResult trainResult, double regValue) {
        Kernels.LossResult tr = trainResult != null ? trainResult : measure(train);
        Kernels.LossResult te = test.size() > 0 ? measure(test) : new Kernels.LossResult(Double.NaN, 0, 0);
        float[] w = model.params().w;
        double l2 = Math.sqrt(k.sumSquares(w, null, 0, w.length));
        double linf = k.maxAbs(w, 0, w.length);
        double dist = Math.sqrt(k.sumSquares(w, init, 0, w.length));
        Evaluation e = new Evaluation(
                step,
                lr(step),
                tr.loss(),
                accuracy(tr, train, trainSst),
                te.loss(),
                test.size() > 0 ? accuracy(te, test, testSst) : te.accuracy(),
                regValue,
                l2,
                linf,
                dist,
                collapse(tr));
        lastEval = e;
        for (TrainListener l : listeners) l.onEval(this, e);
        return e;
    }

    private Evaluation.Collapse collapse(Kernels.LossResult r) {
        if (r.count() == 0) return Evaluation.Collapse.UNKNOWN;
        double n = r.count();
        return new Evaluation.Collapse(
                r.zeroLoss() / n, r.zeroGrad() / n, s.loss().probabilistic() ? r.softmaxOne() / n : Double.NaN);
    }

    // steps in an epoch of minibatches of n: the whole batches, and the remainder's when it is kept
    private int stepsPerEpoch(int n) {
        int N = train.size();
        return s.keepLastBatch() ? (N + n - 1) / n : N / n;
    }

    /** The examples in step {@code step}'s minibatch: the batch size, or an epoch's kept remainder. */
    int stepBatch(int step, int n) {
        if (!s.keepLastBatch()) return n;
        int per = stepsPerEpoch(n);
        return step % per == per - 1 ? train.size() - (per - 1) * n : n;
    }

    /** Which training examples step {@code step} trains on (tests check that an epoch covers each once). */
    int[] batchExamples(int step) {
        int n = stepBatch(step, batchSize());
        fillBatch(step, n);
        int size = batchSize(), pos = step % stepsPerEpoch(size);
        return java.util.Arrays.copyOfRange(perm, pos * size, pos * size + n);
    }

    private void fillBatch(int step, int n) {
        int N = train.size(), T = model.seqLen();
        int size = batchSize(); // n is this step's count: the batch size, or the remainder
        int perEpoch = stepsPerEpoch(size);
        int epoch = step / perEpoch, pos = step % perEpoch;
        if (perm.length != N) perm = new int[N];
        if (epoch != permEpoch) {
            for (int i = 0; i < N; i++) perm[i] = i;
            Rng.of(s.seed() + epoch * 0x9E3779B97F4A7C15L, "batches").shuffle(perm);
            permEpoch = epoch;
        }
        int C = train.classes();
        if (batchTok.length < n * T) {
            batchTok = new int[n * T];
            batchY = new int[n];
        }
        if (train.regression() && batchT.length < n * C) batchT = new float[n * C];
        for (int r = 0; r < n; r++) {
            int src = perm[pos * size + r];
            System.arraycopy(train.tokens(), src * T, batchTok, r * T, T);
            batchY[r] = train.labels()[src];
            if (train.regression()) System.arraycopy(train.targets(), src * C, batchT, r * C, C);
        }
    }
}
