package org.grokscope.forecast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.grokscope.analysis.Forecaster;
import org.grokscope.analysis.Logistic;
import org.grokscope.analysis.Roc;
import org.grokscope.analysis.Signals;

/**
 * Judges each candidate signal, and a logistic predictor combining them, as a forecast of "this run will generalize
 * within its budget", the way a user meets it: on operations it was not tuned on. Whole operations are left out in
 * turn (never random runs); what is fitted on the others (a signal's direction, the predictor's weights, the
 * verdict's threshold) is scored on the one left out, and the held-out scores are pooled.
 *
 * <ul>
 *   <li>AUC at 10, 25 and 50 % of the budget, over the runs not yet generalized at that point;</li>
 *   <li>a verdict: it fires at a run's first evaluation after memorization whose score reaches a threshold, the
 *       lowest at which {@value #PRECISION} of the training folds' runs it fires on generalized (judged per run, as a
 *       user meets verdicts, not per evaluation row); its false-positive rate on random-label runs (any verdict at any step) and on weight-decay-0 runs that did
 *       not generalize, and the precision of the verdicts on the held-out runs;</li>
 *   <li>lead time: for the runs that generalized, the steps from the first verdict (after memorization) to the
 *       generalization step, also as a share of the grokking gap (generalization − memorization).</li>
 * </ul>
 */
public final class ForecastEval {
    public static final double[] POINTS = {0.1, 0.25, 0.5};
    public static final double PRECISION = 0.9, MEMORIZED = 0.99;
    /**
     * Ridge penalty of the combined predictor, and the rule for what it may use, decided inside the training folds: a
     * signal is eligible if it is measured in at least two thirds of the training groups that hold both labels and
     * separates them the same way (oriented AUC ≥ {@value #STABLE_AUC}) in at least two thirds of those; the
     * {@value #MAX_SIGNALS} eligible signals with the best worst-group AUC enter, with the run's progress through its
     * budget. Fitted on all 18 signals, the predictor leaned on signals whose direction flips from one operation to
     * the next and did worse on held-out operations than its best single signal.
     */
    static final double LAMBDA = 10, STABLE_AUC = 0.6;
    static final int MAX_SIGNALS = 3;
    /** Training rows: every few evaluations of each run before it generalized (enough, and fast). */
    static final int SAMPLE_EVERY = 3;
    public static final String COMBINED = "combined (logistic)";

    /** What is left out in turn: whole operations (the default), or whole primes. */
    public enum LeaveOut {
        OPERATION, PRIME;

        String of(Bank.Run r) {
            return switch (this) {
                case OPERATION -> r.op();
                case PRIME -> Integer.toString(r.p());
            };
        }
    }

    /** A run's signals at one evaluation, and its label. */
    record Sample(Bank.Run run, int k, int step, double[] x, boolean y) {}

    /** A fitted candidate: its score of a signal row and the verdict's threshold. */
    record Fitted(java.util.function.ToDoubleFunction<double[]> score, double threshold, Logistic.Model model, int sign) {}

    /** One candidate's evaluation. */
    /**
     * @param foldAuc25 AUC at 25 % of the budget within each left-out group alone (NaN where it holds one label only)
     * @param brier mean squared error of the held-out scores as probabilities at the decision points (combined only)
     * @param reliability per fifth of the probability range: mean predicted, observed share, rows (combined only)
     */
    public record Result(String name, double[] auc, double fpRandom, int randomRuns, double fpZeroWd, int zeroWdRuns, double heldOutPrecision,
                         int verdicts, List<Integer> leadSteps, List<Double> leadFractions, List<double[]> roc25, Map<String, Double> foldAuc25,
                         double brier, List<double[]> reliability) {
        public double medianLeadFraction() { return median(leadFractions); }
        public double medianLeadSteps() { return median(new ArrayList<>(leadSteps.stream().map(Integer::doubleValue).toList())); }
    }

    /**
     * @param predictor the combined predictor fitted on the whole bank, with its verdict levels and ETA ratios
     * @param stalled the held-out "stalled" verdicts of the combined predictor: how many runs they fired on, how many
     *                of those generalized after all, and how many of the held-out random-label runs they fired on
     * @param etaCoverage share of the held-out forming verdicts on runs that generalized whose generalization step fell
     *                    in the ETA interval
     */
    public record Report(int runs, int generalized, int randomRuns, LeaveOut leaveOut, List<String> folds, List<Result> results,
                         Forecaster predictor, int[] stalled, double etaCoverage) {
        public Logistic.Model model() { return predictor.model(); }
        public double threshold() { return predictor.forming(); }
    }

    /** A stalled verdict waits for this share of the budget: early on, too little has happened to call a run hopeless. */
    public static final double MIN_PROGRESS_STALLED = 0.25;
    /** A stalled verdict needs a probability of at most this, and 97 % of the training runs it fires on must never generalize. */
    public static final double MAX_STALLED = 0.1, STALLED_NPV = 0.97;

    private ForecastEval() {}

    public static Report evaluate(List<Bank.Run> runs) {
        return evaluate(runs, LeaveOut.OPERATION);
    }

    public static Report evaluate(List<Bank.Run> runs, LeaveOut by) {
        Map<Bank.Run, double[][]> feats = new LinkedHashMap<>();
        for (Bank.Run r : runs) {
            int n = r.history().step().length;
            double[][] f = new double[n][];
            for (int k = 0; k < n; k++) f[k] = Signals.at(r.history(), k, r.budget());
            feats.put(r, f);
        }
        List<String> folds = new ArrayList<>(new TreeSet<>(runs.stream().map(by::of).toList()));
        List<Result> results = new ArrayList<>();
        for (int c = 0; c < Signals.NAMES.size(); c++) if (!Signals.NAMES.get(c).equals("progress")) results.add(judge(c, runs, feats, folds, by));
        results.add(judge(-1, runs, feats, folds, by));
        // the combined predictor's stalled verdicts and ETA intervals, held out the same way
        int stalledFired = 0, stalledWrong = 0, stalledRandom = 0, covered = 0, etaRuns = 0;
        for (String g : folds) {
            Forecaster f = predictor(runs, feats, g, by);
            for (Bank.Run r : runs) {
                if (!by.of(r).equals(g)) continue;
                Integer formingAt = null;
                boolean stalled = false;
                double[] trainAcc = r.history().columns().getOrDefault("train_acc", new double[0]);
                int[] st = r.history().step();
                for (int k = 0; k < st.length; k++) {
                    if (r.generalized() && st[k] >= r.generalization()) break;
                    boolean mem = k < trainAcc.length && trainAcc[k] >= MEMORIZED;
                    Forecaster.Assessment a = f.assess(r.history(), k, r.budget(), mem, formingAt);
                    if (a.verdict() == Forecaster.Verdict.FORMING && formingAt == null) {
                        formingAt = st[k];
                        if (r.generalized()) { etaRuns++; if (r.generalization() >= a.etaLow() && r.generalization() <= a.etaHigh()) covered++; }
                    }
                    if (a.verdict() == Forecaster.Verdict.STALLED && formingAt == null) { stalled = true; break; }
                }
                if (stalled) { stalledFired++; if (r.generalized()) stalledWrong++; if (r.randomLabels()) stalledRandom++; }
            }
        }
        return new Report(runs.size(), (int) runs.stream().filter(Bank.Run::generalized).count(), (int) runs.stream().filter(Bank.Run::randomLabels).count(),
                by, folds, results, predictor(runs, feats, null, by), new int[] {stalledFired, stalledWrong, stalledRandom},
                etaRuns == 0 ? Double.NaN : (double) covered / etaRuns);
    }

    /** The combined predictor fitted on the runs outside {@code leftOut} (null: all), with its forming and stalled levels and ETA ratios. */
    static Forecaster predictor(List<Bank.Run> runs, Map<Bank.Run, double[][]> feats, String leftOut, LeaveOut by) {
        Fitted f = fit(-1, runs, feats, leftOut, by);
        List<Bank.Run> train = new ArrayList<>();
        List<double[]> scores = new ArrayList<>();
        List<Double> levels = new ArrayList<>();
        for (Bank.Run r : runs) {
            if (by.of(r).equals(leftOut)) continue;
            double[][] x = feats.get(r);
            double[] sc = new double[x.length];
            for (int k = 0; k < x.length; k++) sc[k] = f.model().probability(x[k]);
            train.add(r);
            scores.add(sc);
            for (double v : sc) levels.add(v);
        }
        // stalled: the highest level, at most MAX_STALLED, at which STALLED_NPV of the training runs it fires on (memorized, past
        // MIN_PROGRESS_STALLED, not yet generalized) never generalize. Most bank runs never generalize, so a 90 % criterion
        // alone would call nearly every run stalled. ETA: ratios of the generalization step to the first forming verdict's step
        levels.removeIf(v -> !(v <= MAX_STALLED));
        levels.sort(null);
        double stalled = lastAccepted(levels, Double.NEGATIVE_INFINITY, train, scores, ForecastEval::firstBelow, false, STALLED_NPV);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            Bank.Run r = train.get(i);
            int k = firstVerdict(r, scores.get(i), f.threshold());
            if (k >= 0 && r.generalized() && r.history().step()[k] > 0) ratios.add((double) r.generalization() / r.history().step()[k]);
        }
        ratios.sort(null);
        double[] eta = ratios.isEmpty() ? new double[] {1, 1, 1}
                : new double[] {quantile(ratios, 0.1), quantile(ratios, 0.5), quantile(ratios, 0.9)};
        return new Forecaster(f.model(), f.threshold(), stalled, MIN_PROGRESS_STALLED, eta);
    }

    // the first evaluation at which a stalled verdict of level t fires (memorized, past MIN_PROGRESS_STALLED, before generalizing), or -1
    static int firstBelow(Bank.Run r, double[] score, double t) {
        int[] st = r.history().step();
        double[] trainAcc = r.history().columns().getOrDefault("train_acc", new double[0]);
        for (int k = 0; k < st.length; k++) {
            if (r.generalized() && st[k] >= r.generalization()) return -1;
            if (k < trainAcc.length && trainAcc[k] >= MEMORIZED && (double) st[k] / r.budget() >= MIN_PROGRESS_STALLED && score[k] <= t) return k;
        }
        return -1;
    }

    static double quantile(List<Double> sorted, double q) {
        double pos = q * (sorted.size() - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted.get(lo) + (pos - lo) * (sorted.get(hi) - sorted.get(lo));
    }

    // training rows of the runs whose operation is not `leftOut` (null: all)
    static List<Sample> samples(List<Bank.Run> runs, Map<Bank.Run, double[][]> feats, String leftOut, LeaveOut by) {
        List<Sample> out = new ArrayList<>();
        for (Bank.Run r : runs) {
            if (by.of(r).equals(leftOut)) continue;
            int[] st = r.history().step();
            for (int k = 0; k < st.length; k += SAMPLE_EVERY) {
                if (r.generalized() && st[k] >= r.generalization()) break;
                out.add(new Sample(r, k, st[k], feats.get(r)[k], r.generalized()));
            }
        }
        return out;
    }

    static Fitted fit(int candidate, List<Bank.Run> runs, Map<Bank.Run, double[][]> feats, String leftOut, LeaveOut by) {
        List<Sample> train = samples(runs, feats, leftOut, by);
        boolean[] y = new boolean[train.size()];
        for (int i = 0; i < y.length; i++) y[i] = train.get(i).y();
        if (candidate >= 0) {
            double[] v = new double[train.size()];
            for (int i = 0; i < v.length; i++) v[i] = train.get(i).x()[candidate];
            double auc = Roc.auc(v, y);
            int sign = Double.isNaN(auc) || auc >= 0.5 ? 1 : -1;
            for (int i = 0; i < v.length; i++) v[i] *= sign;
            java.util.function.ToDoubleFunction<double[]> score = x -> sign * x[candidate];
            return new Fitted(score, threshold(score, runs, feats, leftOut, by), null, sign);
        }
        boolean[] keep = stable(train, y, by);
        double[][] x = new double[train.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = train.get(i).x().clone();
            for (int j = 0; j < keep.length; j++) if (!keep[j]) x[i][j] = Double.NaN; // left out: imputed, weight 0
        }
        Logistic.Model m = Logistic.fit(Signals.NAMES.toArray(new String[0]), x, y, null, LAMBDA);
        return new Fitted(m::probability, threshold(m::probability, runs, feats, leftOut, by), m, 1);
    }

    /** Which signals separate generalizing from other runs the same way within most training groups (see {@link #LAMBDA}); progress always. */
    static boolean[] stable(List<Sample> train, boolean[] y, LeaveOut by) {
        int d = Signals.NAMES.size();
        boolean[] keep = new boolean[d];
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < train.size(); i++) groups.computeIfAbsent(by.of(train.get(i).run()), g -> new ArrayList<>()).add(i);
        double[] worst = new double[d];
        java.util.Arrays.fill(worst, Double.NaN);
        int eligible = 0; // groups holding both labels
        for (List<Integer> g : groups.values()) {
            boolean pos = false, neg = false;
            for (int i : g) { pos |= y[i]; neg |= !y[i]; }
            if (pos && neg) eligible++;
        }
        for (int j = 0; j < d; j++) {
            if (Signals.NAMES.get(j).equals("progress")) { keep[j] = true; continue; }
            double[] all = new double[train.size()];
            for (int i = 0; i < all.length; i++) all[i] = train.get(i).x()[j];
            double pooled = Roc.auc(all, y);
            if (Double.isNaN(pooled) || Math.abs(pooled - 0.5) < 0.1) continue;
            int sign = pooled >= 0.5 ? 1 : -1, agree = 0, counted = 0;
            double min = Double.POSITIVE_INFINITY;
            for (List<Integer> g : groups.values()) {
                double[] v = new double[g.size()];
                boolean[] gy = new boolean[g.size()];
                for (int k = 0; k < v.length; k++) { v[k] = train.get(g.get(k)).x()[j]; gy[k] = y[g.get(k)]; }
                double a = Roc.auc(v, gy);
                if (Double.isNaN(a)) continue;
                counted++;
                double oriented = 0.5 + sign * (a - 0.5);
                min = Math.min(min, oriented);
                if (oriented >= STABLE_AUC) agree++;
            }
            // measured in most groups (restricted loss exists for x + y only), and the same way in most of those
            if (counted > 0 && 3 * counted >= 2 * eligible && 3 * agree >= 2 * counted) worst[j] = min;
        }
        // the most reliable few: ranked by their worst group
        Integer[] idx = new Integer[d];
        for (int j = 0; j < d; j++) idx[j] = j;
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(Double.isNaN(worst[b]) ? -1 : worst[b], Double.isNaN(worst[a]) ? -1 : worst[a]));
        for (int r = 0, taken = 0; r < d && taken < MAX_SIGNALS; r++) if (!Double.isNaN(worst[idx[r]])) { keep[idx[r]] = true; taken++; }
        return keep;
    }

    /** The evaluation at which a verdict of threshold {@code t} first fires on a run (after memorization, before it generalized), or -1. */
    static int firstVerdict(Bank.Run r, double[] score, double t) {
        int[] st = r.history().step();
        double[] trainAcc = r.history().columns().getOrDefault("train_acc", new double[0]);
        for (int k = 0; k < st.length; k++) {
            if (r.generalized() && st[k] >= r.generalization()) return -1;
            if (k < trainAcc.length && trainAcc[k] >= MEMORIZED && !Double.isNaN(score[k]) && score[k] >= t) return k;
        }
        return -1;
    }

    /**
     * The lowest threshold at which at least {@link #PRECISION} of the training runs a verdict fires on go on to
     * generalize (and it fires on at least 3); +inf if none. Judged per run: an evaluation-level precision would let a
     * band of early, uninformative rows ride on the many late, confident ones.
     */
    static double threshold(java.util.function.ToDoubleFunction<double[]> f, List<Bank.Run> runs, Map<Bank.Run, double[][]> feats, String leftOut, LeaveOut by) {
        List<Bank.Run> train = new ArrayList<>();
        List<double[]> scores = new ArrayList<>();
        TreeSet<Double> all = new TreeSet<>();
        for (Bank.Run r : runs) {
            if (by.of(r).equals(leftOut)) continue;
            double[][] x = feats.get(r);
            double[] sc = new double[x.length];
            for (int k = 0; k < x.length; k++) sc[k] = f.applyAsDouble(x[k]);
            train.add(r);
            scores.add(sc);
            // only the scores a verdict could fire at: memorized, not yet generalized
            double[] trainAcc = r.history().columns().getOrDefault("train_acc", new double[0]);
            int[] st = r.history().step();
            for (int k = 0; k < sc.length; k++)
                if (!Double.isNaN(sc[k]) && k < trainAcc.length && trainAcc[k] >= MEMORIZED && !(r.generalized() && st[k] >= r.generalization())) all.add(sc[k]);
        }
        // candidate thresholds from the top down: the lowest accepted
        return lastAccepted(new ArrayList<>(all.descendingSet()), Double.POSITIVE_INFINITY, train, scores, ForecastEval::firstVerdict, true, PRECISION);
    }

    /** Where a verdict of level t first fires on a run (an evaluation index), or -1. */
    interface Fires {
        int at(Bank.Run r, double[] score, double t);
    }

    /**
     * Scans at most 400 of the candidate levels in their order and returns the last at which the verdict fires on at
     * least 3 training runs and at least {@code share} of them end as {@code generalized} says (else {@code none}).
     */
    static double lastAccepted(List<Double> cand, double none, List<Bank.Run> train, List<double[]> scores, Fires fires, boolean generalized, double share) {
        int stride = Math.max(1, cand.size() / 400);
        double best = none;
        for (int c = 0; c < cand.size(); c += stride) {
            double t = cand.get(c);
            int fired = 0, right = 0;
            for (int i = 0; i < train.size(); i++) {
                if (fires.at(train.get(i), scores.get(i), t) < 0) continue;
                fired++;
                if (train.get(i).generalized() == generalized) right++;
            }
            if (fired >= 3 && right >= share * fired) best = t;
        }
        return best;
    }

    static Result judge(int candidate, List<Bank.Run> runs, Map<Bank.Run, double[][]> feats, List<String> folds, LeaveOut by) {
        List<List<Double>> scores = new ArrayList<>();
        List<List<Boolean>> labels = new ArrayList<>();
        for (int i = 0; i < POINTS.length; i++) { scores.add(new ArrayList<>()); labels.add(new ArrayList<>()); }
        int randomRuns = 0, randomFired = 0, zeroWd = 0, zeroWdFired = 0, verdicts = 0, rightVerdicts = 0;
        List<Integer> lead = new ArrayList<>();
        List<Double> leadFrac = new ArrayList<>();
        Map<String, Double> foldAuc = new LinkedHashMap<>();
        List<Double> probs = new ArrayList<>();
        List<Boolean> probLabels = new ArrayList<>();
        for (String op : folds) {
            Fitted f = fit(candidate, runs, feats, op, by);
            List<Double> fs = new ArrayList<>();
            List<Boolean> fl = new ArrayList<>();
            for (Bank.Run r : runs) {
                if (!by.of(r).equals(op)) continue;
                double[][] x = feats.get(r);
                int[] st = r.history().step();
                for (int i = 0; i < POINTS.length; i++) {
                    int k = atOrAfter(st, (int) Math.round(POINTS[i] * r.budget()));
                    if (r.generalized() && r.generalization() <= st[k]) continue; // already generalized: nothing to forecast
                    double sc0 = f.score().applyAsDouble(x[k]);
                    scores.get(i).add(sc0);
                    labels.get(i).add(r.generalized());
                    if (POINTS[i] == 0.25) { fs.add(sc0); fl.add(r.generalized()); }
                    if (candidate < 0 && !Double.isNaN(sc0)) { probs.add(sc0); probLabels.add(r.generalized()); }
                }
                // the first verdict after memorization, before the run generalized
                double[] sc = new double[x.length];
                for (int k = 0; k < x.length; k++) sc[k] = f.score().applyAsDouble(x[k]);
                int kv = firstVerdict(r, sc, f.threshold());
                Integer fired = kv < 0 ? null : st[kv];
                if (r.randomLabels()) { randomRuns++; if (fired != null) randomFired++; }
                if (r.weightDecay() == 0 && !r.generalized()) { zeroWd++; if (fired != null) zeroWdFired++; }
                if (fired != null) { verdicts++; if (r.generalized()) rightVerdicts++; }
                if (fired != null && r.generalized()) {
                    lead.add(r.generalization() - fired);
                    if (r.memorization() != null && r.generalization() > r.memorization())
                        leadFrac.add((double) (r.generalization() - fired) / (r.generalization() - r.memorization()));
                }
            }
            boolean[] fy = new boolean[fl.size()];
            for (int j = 0; j < fy.length; j++) fy[j] = fl.get(j);
            foldAuc.put(op, Roc.auc(fs.stream().mapToDouble(Double::doubleValue).toArray(), fy));
        }
        double brier = Double.NaN;
        List<double[]> reliability = new ArrayList<>();
        if (candidate < 0 && !probs.isEmpty()) {
            double se = 0;
            double[][] bins = new double[5][3];
            for (int j = 0; j < probs.size(); j++) {
                double p = probs.get(j), o = probLabels.get(j) ? 1 : 0;
                se += (p - o) * (p - o);
                int b = Math.min(4, (int) (p * 5));
                bins[b][0] += p; bins[b][1] += o; bins[b][2]++;
            }
            brier = se / probs.size();
            for (double[] b : bins) if (b[2] > 0) reliability.add(new double[] {b[0] / b[2], b[1] / b[2], b[2]});
        }
        double[] auc = new double[POINTS.length];
        List<double[]> roc25 = List.of();
        for (int i = 0; i < POINTS.length; i++) {
            double[] s = scores.get(i).stream().mapToDouble(Double::doubleValue).toArray();
            boolean[] y = new boolean[s.length];
            for (int j = 0; j < y.length; j++) y[j] = labels.get(i).get(j);
            auc[i] = Roc.auc(s, y);
            if (POINTS[i] == 0.25) roc25 = Roc.curve(s, y);
        }
        String name = candidate < 0 ? COMBINED : Signals.NAMES.get(candidate);
        return new Result(name, auc, randomRuns == 0 ? Double.NaN : (double) randomFired / randomRuns, randomRuns,
                zeroWd == 0 ? Double.NaN : (double) zeroWdFired / zeroWd, zeroWd, verdicts == 0 ? Double.NaN : (double) rightVerdicts / verdicts, verdicts,
                lead, leadFrac, roc25, foldAuc, brier, reliability);
    }

    // the first evaluation at or after step t (the last one if none)
    static int atOrAfter(int[] step, int t) {
        for (int k = 0; k < step.length; k++) if (step[k] >= t) return k;
        return step.length - 1;
    }

    static double median(List<Double> xs) {
        if (xs.isEmpty()) return Double.NaN;
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : 0.5 * (s.get(n / 2 - 1) + s.get(n / 2));
    }
}
