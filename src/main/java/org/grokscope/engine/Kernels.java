package org.grokscope.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The non-GEMM kernels of a training step: fused bias + activation, activation backward, bias gradients (column sums),
 * softmax cross-entropy and MSE with fp64 accumulation, embedding-table gather-sum and index-driven scatter-add, and
 * parameter-vector reductions. Each parallel kernel is a preallocated task object; row and element chunks have fixed
 * sizes and partial sums are combined in chunk order, so results do not depend on the thread count. Not thread-safe
 * (one per model).
 */
public final class Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int ROWS = 64; // rows per chunk for row-wise kernels
    // GELU(x) = x·Φ(x) with erf from Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), vectorized
    private static final float AS_P = 0.3275911f,
            AS_A1 = 0.254829592f,
            AS_A2 = -0.284496736f,
            AS_A3 = 1.421413741f,
            AS_A4 = -1.453152027f,
            AS_A5 = 1.061405429f,
            INV_SQRT2 = 0.70710678118f,
            INV_SQRT_2PI = 0.39894228040f;

    /**
     * GELU over len elements, vectorized: out[oo+i] = gelu(x[xo+i]), or with {@code derivative} out[oo+i] *=
     * gelu'(x[xo+i]). Arrays in, arrays out: a helper taking FloatVector arguments that C2 does not inline boxes every
     * vector. e^{-z²} (z = |x|/√2, shared by erf and the Gaussian density) comes from IEEE add/mul only (Cody-Waite
     * reduction, Cephes expf polynomial, 2^k from exponent bits, 0 below -87): VectorOperators.EXP is an SVML call when
     * compiled but a per-lane Math.exp when interpreted, and the two differ in the last bit, which made results depend
     * on JIT timing.
     */
    static void gelu(float[] x, int xo, float[] out, int oo, int len, boolean derivative) {
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xo + i);
            FloatVector z = xv.mul(INV_SQRT2).abs();
            FloatVector t = FloatVector.broadcast(S, 1f).div(z.mul(AS_P).add(1f));
            FloatVector poly = t.mul(AS_A5).add(AS_A4); // Horner: ((((a5 t + a4) t + a3) t + a2) t + a1) t
            poly = poly.mul(t).add(AS_A3);
            poly = poly.mul(t).add(AS_A2);
            poly = poly.mul(t).add(AS_A1);
            poly = poly.mul(t);
            FloatVector q = z.mul(z).neg(); // -z² ≤ 0
            FloatVector qc = q.max(-87f);
            jdk.incubator.vector.IntVector k = (jdk.incubator.vector.IntVector)
                    qc.mul(1.44269504f).sub(0.5f).convert(VectorOperators.F2I, 0);
            FloatVector kf = (FloatVector) k.convert(VectorOperators.I2F, 0);
            FloatVector r = qc.sub(kf.mul(0.693359375f)).sub(kf.mul(-2.12194440e-4f));
            FloatVector pe = r.mul(1.9875691500e-4f).add(1.3981999507e-3f); // Horner, as poly
            pe = pe.mul(r).add(8.3334519073e-3f);
            pe = pe.mul(r).add(4.1665795894e-2f);
            pe = pe.mul(r).add(1.6666665459e-1f);
            pe = pe.mul(r).add(5.0000001201e-1f);
            FloatVector e = pe.mul(r.mul(r))
                    .add(r)
                    .add(1f)
                    .mul(k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .blend(0f, q.compare(VectorOperators.LT, -87f));
            FloatVector erfAbs = poly.mul(e).neg().add(1f);
            FloatVector erf = erfAbs.blend(erfAbs.neg(), xv.compare(VectorOperators.LT, 0f));
            if (derivative) {
                FloatVector dg = erf.add(1f).mul(0.5f).add(xv.mul(e).mul(INV_SQRT_2PI));
                FloatVector.fromArray(S, out, oo + i).mul(dg).intoArray(out, oo + i);
            } else {
                xv.mul(0.5f).mul(erf.add(1f)).intoArray(out, oo + i);
            }
        }
        if (i < len) { // the last len % L elements through the same vector arithmetic (a scalar formula differs in
            // the last bit),
            // so an element's result does not depend on where it sits in the array (packed rows move it)
            int rest = len - i;
            float[] t = GELU_TAIL.get(); // [x | out], this thread's: no allocation per call
            java.util.Arrays.fill(t, 0f);
            System.arraycopy(x, xo + i, t, 0, rest);
            System.arraycopy(out, oo + i, t, L, rest);
            gelu(t, 0, t, L, L, derivative);
            System.arraycopy(t, L, out, oo + i, rest);
        }
    }

    private static final ThreadLocal<float[]> GELU_TAIL = ThreadLocal.withInitial(() -> new float[2 * L]);
    static final int ELEMS = 1 << 14; // elements per chunk for flat reductions

    private final Parallel pool;
    private double[] partA = new double[64], partB = new double[64];

    public Kernels(Parallel pool) {
        this.pool = pool;
    }

    public Parallel pool() {
        return pool;
    }

    private static int chunks(long total, int per) {
        return (int) ((total + per - 1) / per);
    }

    private void ensureParts(int n) {
        if (partA.length < n) {
            partA = new double[Math.max(n, 2 * partA.length)];
            partB = new double[partA.length];
            collapseParts = new int[3 * partA.length];
        }
    }

    // ---------------------------------------------------------------- bias + activation (forward)
    // y[n, w] = act(y + b); pre (optional) receives y + b before the activation.
    private final BiasAct biasAct = new BiasAct();

    public void biasAct(float[] y, int yOff, float[] b, int bOff, float[] pre, int n, int w, Act act) {
        BiasAct t = biasAct;
        t.y = y;
        t.yOff = yOff;
        t.b = b;
        t.bOff = bOff;
        t.pre = pre;
        t.n = n;
        t.w = w;
        t.act = act;
        pool.run(chunks(n, ROWS), t);
        t.y = t.b = t.pre = null;
    }

    private static final class BiasAct implements Parallel.Task {
        float[] y, b, pre;
        int yOff, bOff, n, w;
        Act act;

        @Override
        public void run(int c) {
            int r1 = Math.min(n, (c + 1) * ROWS);
            for (int r = c * ROWS; r < r1; r++) {
                int o = yOff + r * w;
                if (b != null) {
                    int j = 0;
                    for (; j + L <= w; j += L)
                        FloatVector.fromArray(S, y, o + j)
                                .add(FloatVector.fromArray(S, b, bOff + j))
                                .intoArray(y, o + j);
                    for (; j < w; j++) y[o + j] += b[bOff + j];
                }
                if (pre != null) System.arraycopy(y, o, pre, r * w, w);
                switch (act) {
                    case IDENTITY -> {}
                    case RELU -> {
                        int j = 0;
                        for (; j + L <= w; j += L)
                            FloatVector.fromArray(S, y, o + j).max(0f).intoArray(y, o + j);
                        for (; j < w; j++) if (!(y[o + j] > 0)) y[o + j] = 0f;
                    }
                    case GELU -> gelu(y, o, y, o, w, false);
                    default -> {
                        for (int j = 0; j < w; j++) y[o + j] = act.apply(y[o + j]);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- row sums (residual connections)
    // dst[dOff + r*dStride + j] = x[xOff + r*xStride + j] + y[r*w + j] for r < n, j < w (x may be dst)
    private final RowAdd rowAdd = new RowAdd();

    public void addRows(float[] dst, int dOff, int dStride, float[] x, int xOff, int xStride, float[] y, int n, int w) {
        RowAdd t = rowAdd;
        t.dst = dst;
        t.dOff = dOff;
        t.dStride = dStride;
        t.x = x;
        t.xOff = xOff;
        t.xStride = xStride;
        t.y = y;
        t.n = n;
        t.w = w;
        pool.run(chunks(n, ROWS), t);
        t.dst = t.x = t.y = null;
    }

    private static final class RowAdd implements Parallel.Task {
        float[] dst, x, y;
        int dOff, dStride, xOff, xStride, n, w;

        @Override
        public void run(int c) {
            int r1 = Math.min(n, (c + 1) * ROWS);
            for (int r = c * ROWS; r < r1; r++) {
                int o = dOff + r * dStride, xo = xOff + r * xStride, yo = r * w, j = 0;
                for (; j + L <= w; j += L)
                    FloatVector.fromArray(S, x, xo + j)
                            .add(FloatVector.fromArray(S, y, yo + j))
                            .intoArray(dst, o + j);
                for (; j < w; j++) dst[o + j] = x[xo + j] + y[yo + j];
            }
        }
    }

    // ---------------------------------------------------------------- zero fill
    // a[off, off+len) = 0 in chunks on every thread: the gradient buffer is zeroed every step, and for a model
    // with a vocabulary table (imdb-paper: 4.2M parameters, 17 MB) a serial fill left the other core idle ~1.7 ms
    private final Zero zero = new Zero();

    public void zero(float[] a, int off, int len) {
        Zero z = zero;
        z.a = a;
        z.off = off;
        z.len = len;
        pool.run(chunks(len, 16 * ELEMS), z);
        z.a = null;
    }

    private static final class Zero implements Parallel.Task {
        float[] a;
        int off, len;

        @Override
        public void run(int c) {
            int i0 = off + c * 16 * ELEMS;
            java.util.Arrays.fill(a, i0, Math.min(off + len, i0 + 16 * ELEMS), 0f);
        }
    }

    // ---------------------------------------------------------------- activation backward
    // d[i] *= act'(x[i]) over n*w elements; x is the pre-activation (or the output for RELU/IDENTITY).
    private final ActBack actBack = new ActBack();

    public void actBackward(float[] d, float[] x, int count, Act act) {
        if (act == Act.IDENTITY) return;
        ActBack t = actBack;
        t.d = d;
        t.x = x;
        t.count = count;
        t.act = act;
        pool.run(chunks(count, ELEMS), t);
        t.d = t.x = null;
    }

    private static final class ActBack implements Parallel.Task {
        float[] d, x;
        int count;
        Act act;

        @Override
        public void run(int c) {
            int i0 = c * ELEMS, i1 = Math.min(count, i0 + ELEMS);
            int i = i0;
            if (act == Act.RELU) { // a blend, not a branch: the sign of a pre-activation is a coin flip to the
                // predictor
                FloatVector zero = FloatVector.zero(S);
                for (; i + L <= i1; i += L)
                    zero.blend(
                                    FloatVector.fromArray(S, d, i),
                                    FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f))
                            .intoArray(d, i);
                for (; i < i1; i++) if (!(x[i] > 0)) d[i] = 0f;
            } else if (act == Act.SQUARE) {
                for (; i + L <= i1; i += L)
                    FloatVector.fromArray(S, d, i)
                            .mul(FloatVector.fromArray(S, x, i).mul(2f))
                            .intoArray(d, i);
                for (; i < i1; i++) d[i] *= 2 * x[i];
            } else if (act == Act.GELU) {
                gelu(x, i0, d, i0, i1 - i0, true);
            } else {
                for (; i < i1; i++) d[i] *= act.derivative(x[i]);
            }
        }
    }

    // ---------------------------------------------------------------- column sums (bias gradients)
    // db[j] += sum_r dy[r, j]; each column is summed over rows in order.
    private final ColSum colSum = new ColSum();

    public void colSumAdd(float[] dy, int dyOff, int n, int w, float[] db, int dbOff) {
        colSumAdd(dy, dyOff, n, w, w, db, dbOff);
    }

    /** As above with row stride ld (rows r at dy[dyOff + r*ld]). */
    public void colSumAdd(float[] dy, int dyOff, int n, int w, int ld, float[] db, int dbOff) {
        ColSum t = colSum;
        t.dy = dy;
        t.dyOff = dyOff;
        t.n = n;
        t.w = w;
        t.ld = ld;
        t.db = db;
        t.dbOff = dbOff;
        pool.run(chunks(w, 4 * L), t);
        t.dy = t.db = null;
    }

    private static final class ColSum implements Parallel.Task {
        float[] dy, db;
        int dyOff, n, w, ld, dbOff;

        @Override
        public void run(int c) {
            int j0 = c * 4 * L, j1 = Math.min(w, j0 + 4 * L);
            int j = j0;
            if (j + 4 * L
                    <= j1) { // four columns of vectors side by side, each summed down the rows in order (same bits)
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (int r = 0, o = dyOff + j; r < n; r++, o += ld) {
                    a0 = a0.add(FloatVector.fromArray(S, dy, o));
                    a1 = a1.add(FloatVector.fromArray(S, dy, o + L));
                    a2 = a2.add(FloatVector.fromArray(S, dy, o + 2 * L));
                    a3 = a3.add(FloatVector.fromArray(S, dy, o + 3 * L));
                }
                a0.add(FloatVector.fromArray(S, db, dbOff + j)).intoArray(db, dbOff + j);
                a1.add(FloatVector.fromArray(S, db, dbOff + j + L)).intoArray(db, dbOff + j + L);
                a2.add(FloatVector.fromArray(S, db, dbOff + j + 2 * L)).intoArray(db, dbOff + j + 2 * L);
                a3.add(FloatVector.fromArray(S, db, dbOff + j + 3 * L)).intoArray(db, dbOff + j + 3 * L);
                j += 4 * L;
            }
            for (; j + L <= j1; j += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int r = 0; r < n; r++) acc = acc.add(FloatVector.fromArray(S, dy, dyOff + r * ld + j));
                acc.add(FloatVector.fromArray(S, db, dbOff + j)).intoArray(db, dbOff + j);
            }
            for (; j < j1; j++) {
                float s = 0f;
                for (int r = 0; r < n; r++) s += dy[dyOff + r * ld + j];
                db[dbOff + j] += s;
            }
        }
    }

    // ---------------------------------------------------------------- losses
    /**
     * Result of a loss evaluation: mean loss (fp64 sum over rows) and the number of argmax-correct rows, and how many
     * rows have collapsed (Prieto et al.): {@code zeroLoss} rows whose loss is exactly 0 in the loss precision,
     * {@code zeroGrad} rows whose own gradient (probabilities − one-hot, rounded to the fp32 the backward pass reads,
     * before the 1/n of the mean) is exactly 0 everywhere, {@code softmaxOne} rows whose probability of the label
     * rounds to exactly 1 (MSE: never counted).
     */
    public record LossResult(double loss, int correct, int count, int zeroLoss, int zeroGrad, int softmaxOne) {
        public LossResult(double loss, int correct, int count) {
            this(loss, correct, count, 0, 0, 0);
        }

        public double accuracy() {
            return count == 0 ? Double.NaN : (double) correct / count;
        }
    }

    private final Loss lossTask = new Loss();

    /**
     * Softmax cross-entropy over rows of logits[n, classes] with labels[lOff + r], in fp64. If dlogits is non-null it
     * receives (softmax - onehot) * gradScale.
     */
    public LossResult crossEntropy(
            float[] logits, int n, int classes, int[] labels, int lOff, float[] dlogits, double gradScale) {
        return loss(
                LossFunction.CROSS_ENTROPY, LossPrecision.FP64, logits, n, classes, labels, lOff, dlogits, gradScale);
    }

    /**
     * Squared error against one-hot targets, mean over all n*classes elements (PyTorch's mse_loss default). If dlogits
     * is non-null it receives d(sum of squared errors)/dz * gradScale, i.e. 2(z - y) * gradScale.
     */
    public LossResult mseOneHot(
            float[] logits, int n, int classes, int[] labels, int lOff, float[] dlogits, double gradScale) {
        return loss(LossFunction.MSE, LossPrecision.FP64, logits, n, classes, labels, lOff, dlogits, gradScale);
    }

    /**
     * {@code fn} over rows of logits[n, classes] with labels[lOff + r], computed in {@code precision} (see
     * {@link LossFunction}, {@link LossPrecision}). If dlogits is non-null it receives dℓ_r/dz · gradScale per row,
     * where ℓ_r is the row's loss (for MSE the row's sum of squared errors). The returned loss is the mean of ℓ_r over
     * rows (MSE: over rows and classes).
     */
    public LossResult loss(
            LossFunction fn,
            LossPrecision precision,
            float[] logits,
            int n,
            int classes,
            int[] labels,
            int lOff,
            float[] dlogits,
            double gradScale) {
        return loss(fn, precision, logits, n, classes, labels, lOff, dlogits, gradScale, null);
    }

    /**
     * As above; with {@code targets} (MSE only, [.., classes] from row lOff) each row is fitted to its target values
     * instead of the one-hot of its label (regression), and {@code correct} counts nothing meaningful.
     */
    public LossResult loss(
            LossFunction fn,
            LossPrecision precision,
            float[] logits,
            int n,
            int classes,
            int[] labels,
            int lOff,
            float[] dlogits,
            double gradScale,
            float[] targets) {
        if (targets != null && fn != LossFunction.MSE)
            throw new IllegalArgumentException("regression targets need the MSE loss, not " + fn.id());
        int ch = chunks(n, ROWS);
        ensureParts(ch);
        Loss t = lossTask;
        t.fn = fn;
        t.fp32 = precision == LossPrecision.FP32;
        t.z = logits;
        t.n = n;
        t.cls = classes;
        t.y = labels;
        t.yOff = lOff;
        t.dz = dlogits;
        t.tgt = targets;
        t.scale = gradScale;
        t.loss = partA;
        t.correct = partB;
        t.collapse = collapseParts;
        if (expBuf.length < ch * classes) expBuf = new double[ch * classes];
        t.ex = expBuf;
        pool.run(ch, t);
        double loss = 0, correct = 0;
        int zeroLoss = 0, zeroGrad = 0, one = 0;
        for (int c = 0; c < ch; c++) {
            loss += partA[c];
            correct += partB[c];
            zeroLoss += collapseParts[3 * c];
            zeroGrad += collapseParts[3 * c + 1];
            one += collapseParts[3 * c + 2];
        }
        t.z = t.dz = t.tgt = null;
        t.y = null;
        double mean = n == 0 ? Double.NaN : loss / n;
        if (fn == LossFunction.MSE) mean = mean * n / ((double) n * classes);
        return new LossResult(mean, (int) correct, n, zeroLoss, zeroGrad, one);
    }

    private double[] expBuf = new double[0]; // per chunk: one row's e^(z - max) (or s(z)), so each is computed once
    private int[] collapseParts = new int[3 * 64];

    private static final class Loss implements Parallel.Task {
        LossFunction fn;
        boolean fp32;
        float[] z, dz, tgt;
        int n, cls, yOff;
        int[] y;
        double scale;
        double[] loss, correct, ex;
        int[] collapse; // per chunk c: rows with zero loss, zero gradient, label probability one at 3c, 3c+1, 3c+2

        @Override
        public void run(int c) {
            int r1 = Math.min(n, (c + 1) * ROWS);
            double ls = 0;
            int ok = 0;
            collapse[3 * c] = collapse[3 * c + 1] = collapse[3 * c + 2] = 0;
            for (int r = c * ROWS; r < r1; r++) {
                int o = r * cls, label = y[yOff + r];
                float max = z[o];
                int arg = 0;
                for (int j = 1; j < cls; j++)
                    if (z[o + j] > max) {
                        max = z[o + j];
                        arg = j;
                    }
                if (arg == label) ok++;
                ls += switch (fn) {
                    case MSE -> fp32 ? mse32(c, o, label, r) : mse64(c, o, label, r);
                    case CROSS_ENTROPY -> fp32 ? softmax32(c, o, label, max) : softmax64(c, o, label, max);
                    case STABLEMAX_CE -> fp32 ? stablemax32(c, o, label) : stablemax64(c, o, label);
                };
            }
            loss[c] = ls;
            correct[c] = ok;
        }

        // the row's target: the one-hot of its label, or (regression) its target values
        private double mse64(int c, int o, int label, int r) {
            double s = 0;
            boolean allZero = true;
            int to = (yOff + r) * cls;
            for (int j = 0; j < cls; j++) {
                double e = z[o + j] - (tgt != null ? tgt[to + j] : j == label ? 1.0 : 0.0);
                s += e * e;
                allZero &= (float) e == 0f;
                if (dz != null) dz[o + j] = (float) (2 * e * scale);
            }
            count(c, s == 0, allZero, false);
            return s;
        }

        private double mse32(int c, int o, int label, int r) {
            float s = 0f;
            boolean allZero = true;
            int to = (yOff + r) * cls;
            for (int j = 0; j < cls; j++) {
                float e = z[o + j] - (tgt != null ? tgt[to + j] : j == label ? 1f : 0f);
                s += e * e;
                allZero &= e == 0f;
                if (dz != null) dz[o + j] = (float) (2 * e * scale);
            }
            count(c, s == 0f, allZero, false);
            return s;
        }

        // fp64 softmax: sum of e^(z - max) in row order, loss max + log(sum) - z_y, gradient e^(z - max)/sum - onehot
        private double softmax64(int c, int o, int label, float max) {
            double sum = 0;
            int eo = c * cls;
            for (int j = 0; j < cls; j++) {
                double e = Math.exp((double) z[o + j] - max);
                ex[eo + j] = e;
                sum += e;
            }
            double lse = max + Math.log(sum);
            double rowLoss = lse - z[o + label];
            double inv = 1 / sum;
            boolean allZero = true;
            for (int j = 0; j < cls; j++) {
                double p = ex[eo + j] * inv;
                float g = (float) (j == label ? p - 1 : p);
                allZero &= g == 0f;
                if (dz != null) dz[o + j] = (float) ((j == label ? p - 1 : p) * scale);
            }
            count(c, rowLoss == 0, allZero, ex[eo + label] * inv == 1.0);
            return rowLoss;
        }

        // fp32 softmax as PyTorch's CPU kernels: log-softmax (z - max) - log(sum), gradient exp(log-softmax) - onehot
        private double softmax32(int c, int o, int label, float max) {
            float sum = 0f;
            for (int j = 0; j < cls; j++) sum += (float) Math.exp(z[o + j] - max);
            float logSum = (float) Math.log(sum);
            float rowLoss = -((z[o + label] - max) - logSum);
            boolean allZero = true;
            float pLabel = 0f;
            for (int j = 0; j < cls; j++) {
                float p = (float) Math.exp((z[o + j] - max) - logSum);
                if (j == label) pLabel = p;
                float g = j == label ? p - 1f : p;
                allZero &= g == 0f;
                if (dz != null) dz[o + j] = (float) (g * scale);
            }
            count(c, rowLoss == 0f, allZero, pLabel == 1f);
            return rowLoss;
        }

        // StableMax in fp64 (Prieto et al.'s reference: s(x) = 1/(1 - x + 1e-30) for x < 0, x + 1 otherwise;
        // loss -log(s_y / S)); gradient dℓ/dz_j = s'(z_j)/S - [j = y]·s'(z_y)/s(z_y), s'(x) = 1 or 1/(1 - x)²
        private double stablemax64(int c, int o, int label) {
            double sum = 0;
            int eo = c * cls;
            for (int j = 0; j < cls; j++) {
                double x = z[o + j];
                double s = x < 0 ? 1 / (1 - x + 1e-30) : x + 1;
                ex[eo + j] = s;
                sum += s;
            }
            double sy = ex[eo + label], p = sy / sum;
            double rowLoss = -Math.log(p);
            boolean allZero = true;
            for (int j = 0; j < cls; j++) {
                double x = z[o + j], ds = x < 0 ? 1 / ((1 - x) * (1 - x)) : 1;
                double gj = ds / sum - (j == label ? ds / sy : 0);
                allZero &= (float) gj == 0f;
                if (dz != null) dz[o + j] = (float) (gj * scale);
            }
            count(c, rowLoss == 0, allZero, p == 1.0);
            return rowLoss;
        }

        // StableMax with float arithmetic throughout (for studying precision; the paper computes it in fp64)
        private double stablemax32(int c, int o, int label) {
            float sum = 0f;
            for (int j = 0; j < cls; j++) {
                float x = z[o + j];
                sum += x < 0 ? 1f / (1f - x) : x + 1f;
            }
            float xl = z[o + label], sy = xl < 0 ? 1f / (1f - xl) : xl + 1f, p = sy / sum;
            float rowLoss = -(float) Math.log(p);
            boolean allZero = true;
            for (int j = 0; j < cls; j++) {
                float x = z[o + j], ds = x < 0 ? 1f / ((1f - x) * (1f - x)) : 1f;
                float gj = ds / sum - (j == label ? ds / sy : 0f);
                allZero &= gj == 0f;
                if (dz != null) dz[o + j] = (float) (gj * scale);
            }
            count(c, rowLoss == 0f, allZero, p == 1f);
            return rowLoss;
        }

        private void count(int c, boolean zeroLoss, boolean zeroGrad, boolean one) {
            if (zeroLoss) collapse[3 * c]++;
            if (zeroGrad) collapse[3 * c + 1]++;
            if (one) collapse[3 * c + 2]++;
        }
    }

    // ---------------------------------------------------------------- embedding-table gather-sum
    // out[r, :] (+)= sum_t table[tOff[t] + tok[r*T + t] * w, :]  (+ bias)
    private final Gather gather = new Gather();

    public void gatherSum(
            float[] table,
            int[] tOff,
            int[] tok,
            int tokOff,
            int T,
            int n,
            int w,
            float[] bias,
            int bOff,
            float[] out,
            int outOff) {
        Gather g = gather;
        g.table = table;
        g.tOff = tOff;
        g.tok = tok;
        g.tokOff = tokOff;
        g.T = T;
        g.n = n;
        g.w = w;
        g.bias = bias;
        g.bOff = bOff;
        g.out = out;
        g.outOff = outOff;
        pool.run(chunks(n, ROWS), g);
        g.table = g.bias = g.out = null;
        g.tok = null;
    }

    private static final class Gather implements Parallel.Task {
        float[] table, bias, out;
        int[] tOff, tok;
        int tokOff, T, n, w, bOff, outOff;

        @Override
        public void run(int c) {
            int r1 = Math.min(n, (c + 1) * ROWS);
            for (int r = c * ROWS; r < r1; r++) {
                int o = outOff + r * w;
                int j = 0;
                for (; j + L <= w; j += L) {
                    FloatVector acc = bias != null ? FloatVector.fromArray(S, bias, bOff + j) : FloatVector.zero(S);
                    for (int t = 0; t < T; t++)
                        acc = acc.add(FloatVector.fromArray(S, table, tOff[t] + tok[tokOff + r * T + t] * w + j));
                    acc.intoArray(out, o + j);
                }
                for (; j < w; j++) {
                    float s = bias != null ? bias[bOff + j] : 0f;
                    for (int t = 0; t < T; t++) s += table[tOff[t] + tok[tokOff + r * T + t] * w + j];
                    out[o + j] = s;
                }
            }
        }
    }

    // ---------------------------------------------------------------- token-position table gather
    // for positions t in [t0, T): out[(r*(T-t0) + t-t0), :] = table[(t*V + tok[r*T + t]), :]
    private final GatherRows gatherRows = new GatherRows();

    public void gatherRows(float[] table, int V, int[] tok, int tokOff, int T, int t0, int n, int w, float[] out) {
        GatherRows g = gatherRows;
        g.table = table;
        g.V = V;
        g.tok = tok;
        g.tokOff = tokOff;
        g.T = T;
        g.t0 = t0;
        g.n = n;
        g.w = w;
        g.out = out;
        pool.run(chunks(n, ROWS), g);
        g.table = g.out = null;
        g.tok = null;
    }

    private static final class GatherRows implements Parallel.Task {
        float[] table, out;
        int[] tok;
        int V, tokOff, T, t0, n, w;

        @Override
        public void run(int c) {
            int r1 = Math.min(n, (c + 1) * ROWS), tq = T - t0;
            for (int r = c * ROWS; r < r1; r++)
                for (int t = t0; t < T; t++)
                    System.arraycopy(table, (t * V + tok[tokOff + r * T + t]) * w, out, (r * tq + t - t0) * w, w);
        }
    }

    // ---------------------------------------------------------------- index-driven scatter-add
    // dtable[dOff + v*w, :] += sum over r in index.rows(v) of d[dSrcOff + r*dStride, :w]
    private final Scatter scatter = new Scatter();

    public void scatterAdd(TokenIndex index, float[] d, int dSrcOff, int dStride, int w, float[] dtable, int dOff) {
        scatter(index, d, dSrcOff, dStride, w, dtable, dOff, false);
    }

    /**
     * As {@link #scatterAdd}, but each table row's rows are summed first (from zero, in row order) and the sum is added
     * to the table once: the bits of {@link #colSumAdd} over each value's rows.
     */
    public void scatterSumAdd(TokenIndex index, float[] d, int dSrcOff, int dStride, int w, float[] dtable, int dOff) {
        scatter(index, d, dSrcOff, dStride, w, dtable, dOff, true);
    }

    private void scatter(
            TokenIndex index, float[] d, int dSrcOff, int dStride, int w, float[] dtable, int dOff, boolean sumFirst) {
        Scatter s = scatter;
        s.idx = index;
        s.d = d;
        s.dSrcOff = dSrcOff;
        s.dStride = dStride;
        s.w = w;
        s.dt = dtable;
        s.dOff = dOff;
        s.sumFirst = sumFirst;
        pool.run(chunks(index.vocab(), 8), s);
        s.idx = null;
        s.d = s.dt = null;
    }

    private static final class Scatter implements Parallel.Task {
        TokenIndex idx;
        float[] d, dt;
        int dSrcOff, dStride, w, dOff;
        boolean sumFirst;

        @Override
        public void run(int c) {
            int v1 = Math.min(idx.vocab(), (c + 1) * 8);
            int[] start = idx.start(), rows = idx.rows();
            for (int v = c * 8; v < v1; v++) {
                int o = dOff + v * w;
                if (sumFirst) {
                    if (start[v] == start[v + 1]) continue;
                    int j = 0;
                    for (; j + L <= w; j += L) {
                        FloatVector acc = FloatVector.zero(S);
                        for (int q = start[v]; q < start[v + 1]; q++)
                            acc = acc.add(FloatVector.fromArray(S, d, dSrcOff + rows[q] * dStride + j));
                        acc.add(FloatVector.fromArray(S, dt, o + j)).intoArray(dt, o + j);
                    }
                    for (; j < w; j++) {
                        float a = 0f;
                        for (int q = start[v]; q < start[v + 1]; q++) a += d[dSrcOff + rows[q] * dStride + j];
                        dt[o + j] += a;
                    }
                    continue;
                }
                for (int q = start[v]; q < start[v + 1]; q++) {
                    int src = dSrcOff + rows[q] * dStride;
                    int j = 0;
                    for (; j + L <= w; j += L)
                        FloatVector.fromArray(S, dt, o + j)
                                .add(FloatVector.fromArray(S, d, src + j))
                                .intoArray(dt, o + j);
                    for (; j < w; j++) dt[o + j] += d[src + j];
                }
            }
        }
    }

    // ---------------------------------------------------------------- flat reductions
    private final Reduce reduce = new Reduce();

    /** Sum of squares of a[off, off+len) in fp64 (and of (a - b) if b is non-null). */
    public double sumSquares(float[] a, float[] b, int off, int len) {
        return runReduce(0, a, b, off, len);
    }

    /** max |a[i]| over [off, off+len). */
    public double maxAbs(float[] a, int off, int len) {
        return runReduce(1, a, null, off, len);
    }

    private double runReduce(int kind, float[] a, float[] b, int off, int len) {
        int ch = chunks(len, ELEMS);
        ensureParts(ch);
        Reduce t = reduce;
        t.kind = kind;
        t.a = a;
        t.b = b;
        t.off = off;
        t.len = len;
        t.out = partA;
        pool.run(ch, t);
        double r = 0;
        for (int c = 0; c < ch; c++) r = kind == 0 ? r + partA[c] : Math.max(r, partA[c]);
        t.a = t.b = null;
        return r;
    }

    private static final class Reduce implements Parallel.Task {
        int kind, off, len;
        float[] a, b;
        double[] out;

        @Override
        public void run(int c) {
            int i0 = off + c * ELEMS, i1 = off + Math.min(len, (c + 1) * ELEMS);
            if (kind == 1) {
                FloatVector m = FloatVector.zero(S);
                int i = i0;
                for (; i + L <= i1; i += L)
                    m = m.max(FloatVector.fromArray(S, a, i).abs());
                float mx = m.reduceLanes(VectorOperators.MAX);
                for (; i < i1; i++) mx = Math.max(mx, Math.abs(a[i]));
                out[c] = mx;
                return;
            }
            double s = 0;
            if (b == null) for (int i = i0; i < i1; i++) s += (double) a[i] * a[i];
            else
                for (int i = i0; i < i1; i++) {
                    double e = (double) a[i] - b[i];
                    s += e * e;
                }
            out[c] = s;
        }
    }
}
