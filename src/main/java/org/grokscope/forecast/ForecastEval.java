package org.grokscope.forecast;

import java.util.ArrayList;
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
 * within its budget", the way a user meets it: on operations it was not tuned on. Whole operations are left out in turn
 * (never random runs); what is fitted on the others (a signal's direction, the predictor's weights, the verdict's
 * threshold) is scored on the one left out, and the held-out scores are pooled.
 *
 * <ul>
 *   <li>AUC at 10, 25 and 50 % of the budget, over the runs not yet generalized at that point;
 *   <li>a verdict: it fires at a run's first evaluation after memorization whose score reaches a threshold, the lowest
 *       at which {@value #PRECISION} of the training folds' runs it fires on generalized (judged per run, as a user
 *       meets verdicts, not per evaluation row); its false-positive rate on random-label runs (any verdict at any step)
 *       and on weight-decay-0 runs that did not generalize, and the precision of the verdicts on the held-out runs;
 *   <li>lead time: for the runs that generalized, the steps from the first verdict (after memorization) to the
 *       generalization step, also as a share of the grokking gap (generalization − memorization).
 * </ul>
 */
public final class ForecastEval {
    public static final double[] POINTS = {0.1, 0.25, 0.5};
    public static final double PRECISION = 0.8, MEMORIZED = 0.99;
    /** The precision targets the combined predictor's verdict is also judged at, for the trade-off table. */
    public static final double[] TRADE_OFF = {0.95, 0.9, 0.8, 0.7, 0.6};
    /**
     * Ridge penalty of the combined predictor, and the rule for what it may use, decided inside the training folds: a
     * signal is eligible if it is measured in at least two thirds of the training groups that hold both labels and
     * separates them the same way (oriented AUC ≥ {@value #STABLE_AUC}) in at least two thirds of those; the
     * {@value #MAX_SIGNALS} eligible signals with the best worst-group AUC enter, and one whose fitted weight comes out
     * against its own direction (it stood in for a correlated signal) is dropped and the rest refitted. Fitted on all
     * 18 (now 19) signals, the predictor leaned on signals whose direction flips from one operation to the next and did
     * worse on held-out operations than its best single signal. The run's progress through its budget is not a signal:
     * as one, its weight shifted each fold's scores at a decision point by a different constant and mixed with test
     * accuracy's (held-out AUC 0.89 at a quarter of the budget and 0.85 at half, against 0.91 and 0.95 without); it
     * enters as the base rate ({@link #baseRate}).
     */
    static final double LAMBDA = 10, STABLE_AUC = 0.6;

    static final int MAX_SIGNALS = 3;
    /** Training rows: every few evaluations of each run before it generalized (enough, and fast). */
    static final int SAMPLE_EVERY = 3;

    public static final String COMBINED = "combined (logistic)";

    /** What is left out in turn: whole operations (the default), or whole primes. */
    public enum LeaveOut {
        OPERATION,
        PRIME;

        String of(Bank.Run r) {
            return switch (this) {
                case OPERATION -> r.op();
                case PRIME -> Integer.toString(r.p());
            };
        }
    }

    /** A run's signals at one evaluation, and its label. */
    record Sample(Bank.Run run, int k, int step, double[] x, boolean y) {}

    /**
     * A fitted candidate: its score of a signal row (for the combined predictor the calibrated probability), the
     * verdict's threshold on that score, and its ranking score for ROC AUC (for the combined predictor the log-odds
     * without the training runs' base rate, see {@link #fit}; for a single signal the score itself).
     */
    record Fitted(
            java.util.function.ToDoubleFunction<double[]> score,
            double threshold,
            Logistic.Model model,
            double[] baseRate,
            java.util.function.ToDoubleFunction<double[]> rank) {}

    /** One candidate's evaluation. */
    /**
     * @param foldAuc25 AUC at 25 % of the budget within each left-out group alone (NaN where it holds one label only)
     * @param brier mean squared error of the held-out scores as probabilities at the decision points (combined only)
     * @param reliability per fifth of the probability range: mean predicted, observed share, rows (combined only)
     * @param alarms the held-out score as an alarm: catch rate and lead at 5 % and 10 % false alarms ({@link Alarms})
     */
    public record Result(
            String name,
            double precisionTarget,
            double[] auc,
            double fpRandom,
            int randomRuns,
            double fpZeroWd,
            int zeroWdRuns,
            double heldOutPrecision,
            int verdicts,
            List<Integer> leadSteps,
            List<Double> leadFractions,
            List<double[]> roc25,
            Map<String, Double> foldAuc25,
            double brier,
            List<double[]> reliability,
            Alarms.Summary alarms) {
        public double medianLeadFraction() {
            return median(leadFractions);
        }

        /**
         * In how many of the left-out groups (with both outcomes) the score ranks the runs that go on to generalize
         * above the others at 25 % of the budget (AUC above 0.5), and in how many it could be judged: whether the
         * direction the score was fitted with holds across groups, or flips.
         */
        public int[] directionHolds() {
            int holds = 0, of = 0;
            for (double a : foldAuc25.values())
                if (!Double.isNaN(a)) {
                    of++;
                    if (a > 0.5) holds++;
                }
            return new int[] {holds, of};
        }

        public double medianLeadSteps() {
            return median(
                    new ArrayList<>(leadSteps.stream().map(Integer::doubleValue).toList()));
        }
    }

    /**
     * @param predictor the combined predictor fitted on the whole bank, with its verdict levels and ETA ratios
     * @param stalled the held-out "stalled" verdicts of the combined predictor: how many runs they fired on, how many
     *     of those generalized after all, and how many of the held-out random-label runs they fired on
     * @param etaCoverage share of the held-out forming verdicts on runs that generalized whose generalization step fell
     *     in the ETA interval
     * @param etaError the median error of their ETA (its middle), as a share of the steps that remained from the
     *     verdict to the generalization step
     */
    public record Report(
            int runs,
            int generalized,
            int randomRuns,
            LeaveOut leaveOut,
            double precision,
            List<String> folds,
            List<Result> results,
            List<Result> tradeOff,
            Forecaster predictor,
            int[] stalled,
            double etaCoverage,
            double etaError) {
        public Logistic.Model model() {
            return predictor.model();
        }

        public double threshold() {
            return predictor.forming();
        }
    }

    /**
     * A stalled verdict waits for this share of the budget: early on, too little has happened to call a run hopeless.
     */
    public static final double MIN_PROGRESS_STALLED = 0.25;
    /**
     * A stalled verdict needs a probability of at most this, and 97 % of the training runs it fires on must never
     * generalize.
     */
    public static final double MAX_STALLED = 0.1, STALLED_NPV = 0.97;

    private ForecastEval() {}

    public static Report evaluate(List<Bank.Run> runs) {
        return evaluate(runs, LeaveOut.OPERATION, PRECISION);
    }

    /**
     * {@code precision}: the share of the training runs a forming verdict fires on that must generalize (its level's
     * rule).
     */
    public static Report evaluate(List<Bank.Run> runs, LeaveOut by, double precision) {
        Map<Bank.Run, double[][]> feats = signals(runs);
        List<String> folds =
                new ArrayList<>(new TreeSet<>(runs.stream().map(by::of).toList()));
        List<Result> results = new ArrayList<>();
        for (int c = 0; c < Signals.NAMES.size(); c++)
            if (!Signals.NAMES.get(c).equals("progress")) results.add(judge(c, runs, feats, folds, by, precision));
        results.add(judge(-1, runs, feats, folds, by, precision));
        List<Result> tradeOff = new ArrayList<>();
        for (double t : TRADE_OFF)
            tradeOff.add(t == precision ? results.get(results.size() - 1) : judge(-1, runs, feats, folds, by, t));
        // the combined predictor's stalled verdicts and ETA intervals, held out the same way
        int[] v = new int[5];
        List<Double> etaErrors = new ArrayList<>();
        for (String g : folds)
            verdicts(
                    runs.stream().filter(r -> by.of(r).equals(g)).toList(),
                    predictor(runs, feats, g, by, precision),
                    v,
                    etaErrors);
        return new Report(
                runs.size(),
                (int) runs.stream().filter(Bank.Run::generalized).count(),
                (int) runs.stream().filter(Bank.Run::randomLabels).count(),
                by,
                precision,
                folds,
                results,
                tradeOff,
                predictor(runs, feats, null, by, precision),
                new int[] {v[0], v[1], v[2]},
                v[4] == 0 ? Double.NaN : (double) v[3] / v[4],
                median(etaErrors));
    }

    /**
     * Runs {@code f} on each run as a run meets it and adds to {@code v}: stalled verdicts fired, of those on runs that
     * generalized after all, on random-label runs; forming verdicts on runs that generalized whose generalization step
     * fell in the ETA interval, and forming verdicts on runs that generalized; and to {@code etaErrors} each of those
     * verdicts' ETA error as a share of the steps that remained (|ETA − generalization step| / (generalization step −
     * verdict step)).
     */
    static void verdicts(List<Bank.Run> runs, Forecaster f, int[] v, List<Double> etaErrors) {
        for (Bank.Run r : runs) {
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
                    if (r.generalized()) {
                        v[4]++;
                        if (r.generalization() >= a.etaLow() && r.generalization() <= a.etaHigh()) v[3]++;
                        if (r.generalization() > st[k])
                            etaErrors.add(Math.abs(a.eta() - r.generalization()) / (r.generalization() - st[k]));
                    }
                }
                if (a.verdict() == Forecaster.Verdict.STALLED && formingAt == null) {
                    stalled = true;
                    break;
                }
            }
            if (stalled) {
                v[0]++;
                if (r.generalized()) v[1]++;
                if (r.randomLabels()) v[2]++;
            }
        }
    }

    /**
     * A fixed predictor on a bank it was not fitted on, nothing refitted: its result (AUC on its log-odds, its own
     * forming level as the verdict, false positives, lead, calibration; AUC at 25 % per operation), its stalled
     * verdicts (fired, on runs that generalized after all, on random-label runs) and its ETA intervals' coverage.
     */
    public record Check(
            int runs,
            int generalized,
            int randomRuns,
            Result result,
            int[] stalled,
            double etaCoverage,
            double etaError,
            List<Advice> advice) {}

    /**
     * A kind of advice as the bank's runs recorded it while they trained: on how many runs it fired, on how many of the
     * runs that generalized (a recommendation to change a run that was going to generalize anyway is wrong advice: at
     * most 5 % of them is the bar), and on how many random-label runs.
     */
    public record Advice(String kind, int fired, int onGeneralized, int generalized, int onRandom, int random) {
        public double wrongShare() {
            return generalized == 0 ? Double.NaN : (double) onGeneralized / generalized;
        }
    }

    /** The advisor's two recommendations to change a run, judged on how the runs ended. */
    public static List<Advice> advice(List<Bank.Run> runs) {
        int g = (int) runs.stream().filter(Bank.Run::generalized).count(),
                rnd = (int) runs.stream().filter(Bank.Run::randomLabels).count();
        return List.of(
                advice("change the run (stalled, or no sign of transition)", runs, Bank.Run::advisedAt, g, rnd),
                advice("softmax collapse", runs, Bank.Run::collapseAdvisedAt, g, rnd));
    }

    private static Advice advice(
            String kind, List<Bank.Run> runs, java.util.function.Function<Bank.Run, Integer> firedAt, int g, int rnd) {
        int fired = 0, onG = 0, onR = 0;
        for (Bank.Run r : runs) {
            Integer at = firedAt.apply(r);
            if (at == null || (r.generalized() && at >= r.generalization()))
                continue; // advice after generalizing changes nothing
            fired++;
            if (r.generalized()) onG++;
            if (r.randomLabels()) onR++;
        }
        return new Advice(kind, fired, onG, g, onR, rnd);
    }

    public static Check check(List<Bank.Run> runs, Forecaster f) {
        Map<Bank.Run, double[][]> feats = signals(runs);
        List<String> ops =
                new ArrayList<>(new TreeSet<>(runs.stream().map(Bank.Run::op).toList()));
        Fitted fixed = new Fitted(f::probability, f.forming(), f.model(), f.baseRate(), f.model()::logOdds);
        Result res = judge("predictor", true, runs, feats, ops, LeaveOut.OPERATION, g -> fixed, Double.NaN);
        int[] v = new int[5];
        List<Double> etaErrors = new ArrayList<>();
        verdicts(runs, f, v, etaErrors);
        return new Check(
                runs.size(),
                (int) runs.stream().filter(Bank.Run::generalized).count(),
                (int) runs.stream().filter(Bank.Run::randomLabels).count(),
                res,
                new int[] {v[0], v[1], v[2]},
                v[4] == 0 ? Double.NaN : (double) v[3] / v[4],
                median(etaErrors),
                advice(runs));
    }

    // every run's signals at each of its evaluations
    static Map<Bank.Run, double[][]> signals(List<Bank.Run> runs) {
        Map<Bank.Run, double[][]> feats = new LinkedHashMap<>();
        for (Bank.Run r : runs) {
            int n = r.history().step().length;
            double[][] x = new double[n][];
            for (int k = 0; k < n; k++) x[k] = Signals.at(r.history(), k, r.budget());
            feats.put(r, x);
        }
        return feats;
    }

    /**
     * The combined predictor fitted on the runs outside {@code leftOut} (null: all), with its forming and stalled
     * levels and ETA ratios.
     */
    static Forecaster predictor(
            List<Bank.Run> runs, Map<Bank.Run, double[][]> feats, String leftOut, LeaveOut by, double precision) {
        Fitted f = fit(-1, runs, feats, leftOut, by, precision);
        List<Bank.Run> train = new ArrayList<>();
        List<double[]> scores = new ArrayList<>();
        List<Double> levels = new ArrayList<>();
        for (Bank.Run r : runs) {
            if (by.of(r).equals(leftOut)) continue;
            double[][] x = feats.get(r);
            double[] sc = new double[x.length];
            for (int k = 0; k < x.length; k++) sc[k] = f.score().applyAsDouble(x[k]);
            train.add(r);
            scores.add(sc);
            for (double v : sc) levels.add(v);
        }
        // stalled: the highest level, at most MAX_STALLED, at which STALLED_NPV of the training runs it fires on
        // (memorized, past MIN_PROGRESS_STALLED, not yet generalized) never generalize. Most bank runs never
        // generalize,
        // so a 90 % criterion alone would call nearly every run stalled.
        levels.removeIf(v -> !(v <= MAX_STALLED));
        levels.sort(null);
        double stalled = lastAccepted(
                levels, Double.NEGATIVE_INFINITY, train, scores, ForecastEval::firstBelow, false, STALLED_NPV);
        return new Forecaster(
                f.model(),
                f.baseRate(),
                f.threshold(),
                stalled,
                MIN_PROGRESS_STALLED,
                etaRatios(runs, feats, leftOut, by, precision, train, scores, f));
    }

    /**
     * The ETA's ratios (10th, 50th and 90th percentile of generalization step ÷ first forming verdict's step),
     * cross-fitted: each training run's first verdict comes from a predictor fitted without its own group, as a run the
     * predictor never saw meets it (from the predictor's own training runs the verdicts came out where it was fitted to
     * put them, and the interval was narrower than what held-out runs then showed). With fewer than two training
     * groups, from the training runs' own verdicts.
     */
    static double[] etaRatios(
            List<Bank.Run> runs,
            Map<Bank.Run, double[][]> feats,
            String leftOut,
            LeaveOut by,
            double precision,
            List<Bank.Run> train,
            List<double[]> scores,
            Fitted f) {
        List<String> groups =
                new ArrayList<>(new TreeSet<>(train.stream().map(by::of).toList()));
        List<Double> ratios = new ArrayList<>();
        if (groups.size() < 2) {
            for (int i = 0; i < train.size(); i++) ratio(train.get(i), scores.get(i), f.threshold(), ratios);
        } else {
            for (String h : groups) {
                List<Bank.Run> without =
                        runs.stream().filter(r -> !by.of(r).equals(h)).toList();
                Fitted g = fit(-1, without, feats, leftOut, by, precision);
                for (Bank.Run r : train) {
                    if (!by.of(r).equals(h)) continue;
                    double[][] x = feats.get(r);
                    double[] sc = new double[x.length];
                    for (int k = 0; k < x.length; k++) sc[k] = g.score().applyAsDouble(x[k]);
                    ratio(r, sc, g.threshold(), ratios);
                }
            }
        }
        ratios.sort(null);
        return ratios.isEmpty()
                ? new double[] {1, 1, 1}
                : new double[] {quantile(ratios, 0.1), quantile(ratios, 0.5), quantile(ratios, 0.9)};
    }

    // a run's ratio of its generalization step to its first verdict's step, if it generalized after a verdict
    private static void ratio(Bank.Run r, double[] score, double threshold, List<Double> ratios) {
        int k = firstVerdict(r, score, threshold);
        if (k >= 0 && r.generalized() && r.history().step()[k] > 0)
            ratios.add((double) r.generalization() / r.history().step()[k]);
    }

    // the first evaluation at which a stalled verdict of level t fires (memorized, past MIN_PROGRESS_STALLED, before
    // generalizing), or -1
    static int firstBelow(Bank.Run r, double[] score, double t) {
        int[] st = r.history().step();
        double[] trainAcc = r.history().columns().getOrDefault("train_acc", new double[0]);
        for (int k = 0; k < st.length; k++) {
            if (r.generalized() && st[k] >= r.generalization()) return -1;
            if (k < trainAcc.length
                    && trainAcc[k] >= MEMORIZED
                    && (double) st[k] / r.budget() >= MIN_PROGRESS_STALLED
                    && score[k] <= t) return k;
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

    static Fitted fit(
            int candidate,
            List<Bank.Run> runs,
            Map<Bank.Run, double[][]> feats,
            String leftOut,
            LeaveOut by,
            double precision) {
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
            return new Fitted(score, threshold(score, runs, feats, leftOut, by, precision), null, null, score);
        }
        int[] sign = stable(train, y, by);
        double[] w = balancedWeights(train);
        Logistic.Model balanced;
        while (true) {
            double[][] x = new double[train.size()][];
            for (int i = 0; i < x.length; i++) {
                x[i] = train.get(i).x().clone();
                for (int j = 0; j < sign.length; j++)
                    if (sign[j] == 0) x[i][j] = Double.NaN; // left out: imputed, weight 0
            }
            balanced = Logistic.fit(Signals.NAMES.toArray(new String[0]), x, y, w, LAMBDA);
            // a signal whose weight came out against its own direction stands in for another one it is correlated with:
            // drop it
            int worst = -1;
            double most = 0;
            for (int j = 0; j < sign.length; j++)
                if (sign[j] != 0 && sign[j] * balanced.weight()[j] < most) {
                    most = sign[j] * balanced.weight()[j];
                    worst = j;
                }
            if (worst < 0) break;
            sign[worst] = 0;
        }
        double[] rate = baseRate(runs, leftOut, by);
        Forecaster calibrated =
                new Forecaster(balanced, rate, Double.NaN, Double.NaN, MIN_PROGRESS_STALLED, new double[] {1, 1, 1});
        return new Fitted(
                calibrated::probability,
                threshold(calibrated::probability, runs, feats, leftOut, by, precision),
                balanced,
                rate,
                balanced::logOdds);
    }

    /**
     * Row weights of the combined fit: every run counts once however many rows it has (a run that generalizes early has
     * few rows before it does, one that never does has many), and generalizing and other runs weigh half each. Fitted
     * on the rows as they come, the intercept carried the training runs' share of generalizing runs, which changes with
     * the operation left out (leaving out x + y removes 15 of 37 generalizing runs, leaving out random labels 54 that
     * never do): pooled over held-out operations, those shifted intercepts ranked runs of one operation against
     * another's by the bank's composition, not by their signals (test accuracy alone, refitted so, fell from 0.96 to
     * 0.80 AUC). The balanced model's log-odds carry no base rate; the probability shown to users adds the training
     * runs' base rate back, as it stands at the run's progress through its budget ({@link #baseRate}).
     */
    static double[] balancedWeights(List<Sample> train) {
        Map<Bank.Run, Integer> rows = new java.util.HashMap<>();
        for (Sample s : train) rows.merge(s.run(), 1, Integer::sum);
        double pos = 0, neg = 0;
        for (Bank.Run r : rows.keySet())
            if (r.generalized()) pos++;
            else neg++;
        double[] w = new double[train.size()];
        for (int i = 0; i < w.length; i++) {
            Sample s = train.get(i);
            double classWeight = s.y() ? (pos + neg) / (2 * Math.max(pos, 1)) : (pos + neg) / (2 * Math.max(neg, 1));
            w[i] = classWeight / rows.get(s.run());
        }
        // scaled to sum to the number of rows, so the ridge penalty weighs against as much data as unweighted
        double sum = 0;
        for (double v : w) sum += v;
        for (int i = 0; i < w.length; i++) w[i] *= w.length / sum;
        return w;
    }

    /** Tenths of the budget the base rate is tabled by. */
    static final int RATE_BINS = 10;

    /**
     * The base rate by progress through the budget: for each tenth b, of the training runs not yet generalized at b
     * tenths of their budget, the share that generalize before it ends (with half a run of each outcome added, so no
     * rate is 0 or 1). It falls as the budget runs out: the signals rank runs, this says how much time is left.
     */
    static double[] baseRate(List<Bank.Run> runs, String leftOut, LeaveOut by) {
        double[] rate = new double[RATE_BINS];
        for (int b = 0; b < RATE_BINS; b++) {
            int open = 0, pos = 0;
            for (Bank.Run r : runs) {
                if (by.of(r).equals(leftOut)) continue;
                double t = (double) b / RATE_BINS * r.budget();
                if (r.generalized() && r.generalization() <= t) continue;
                open++;
                if (r.generalized()) pos++;
            }
            rate[b] = (pos + 0.5) / (open + 1.0);
        }
        return rate;
    }

    /**
     * Which signals separate generalizing from other runs the same way within most training groups (see
     * {@link #LAMBDA}), each with that direction (+1 or −1; 0: not used).
     */
    static int[] stable(List<Sample> train, boolean[] y, LeaveOut by) {
        int d = Signals.NAMES.size();
        int[] keep = new int[d], orient = new int[d];
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < train.size(); i++)
            groups.computeIfAbsent(by.of(train.get(i).run()), g -> new ArrayList<>())
                    .add(i);
        double[] worst = new double[d];
        java.util.Arrays.fill(worst, Double.NaN);
        int eligible = 0; // groups holding both labels
        for (List<Integer> g : groups.values()) {
            boolean pos = false, neg = false;
            for (int i : g) {
                pos |= y[i];
                neg |= !y[i];
            }
            if (pos && neg) eligible++;
        }
        for (int j = 0; j < d; j++) {
            if (Signals.NAMES.get(j).equals("progress")) continue; // the base rate's business, not a signal
            double[] all = new double[train.size()];
            for (int i = 0; i < all.length; i++) all[i] = train.get(i).x()[j];
            double pooled = Roc.auc(all, y);
            if (Double.isNaN(pooled) || Math.abs(pooled - 0.5) < 0.1) continue;
            int sign = pooled >= 0.5 ? 1 : -1, agree = 0, counted = 0;
            orient[j] = sign;
            double min = Double.POSITIVE_INFINITY;
            for (List<Integer> g : groups.values()) {
                double[] v = new double[g.size()];
                boolean[] gy = new boolean[g.size()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = train.get(g.get(k)).x()[j];
                    gy[k] = y[g.get(k)];
                }
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
        java.util.Arrays.sort(
                idx,
                (a, b) ->
                        Double.compare(Double.isNaN(worst[b]) ? -1 : worst[b], Double.isNaN(worst[a]) ? -1 : worst[a]));
        for (int r = 0, taken = 0; r < d && taken < MAX_SIGNALS; r++)
            if (!Double.isNaN(worst[idx[r]])) {
                keep[idx[r]] = orient[idx[r]];
                taken++;
            }
        return keep;
    }

    /**
     * The evaluation at which a verdict of threshold {@code t} first fires on a run (after memorization, before it
     * generalized), or -1.
     */
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
    static double threshold(
            java.util.function.ToDoubleFunction<double[]> f,
            List<Bank.Run> runs,
            Map<Bank.Run, double[][]> feats,
            String leftOut,
            LeaveOut by,
            double precision) {
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
                if (!Double.isNaN(sc[k])
                        && k < trainAcc.length
                        && trainAcc[k] >= MEMORIZED
                        && !(r.generalized() && st[k] >= r.generalization())) all.add(sc[k]);
        }
        // candidate thresholds from the top down: the lowest accepted
        return lastAccepted(
                new ArrayList<>(all.descendingSet()),
                Double.POSITIVE_INFINITY,
                train,
                scores,
                ForecastEval::firstVerdict,
                true,
                precision);
    }

    /** Where a verdict of level t first fires on a run (an evaluation index), or -1. */
    interface Fires {
        int at(Bank.Run r, double[] score, double t);
    }

    /**
     * Scans at most 400 of the candidate levels in their order and returns the last at which the verdict fires on at
     * least 3 training runs and at least {@code share} of them end as {@code generalized} says (else {@code none}).
     */
    static double lastAccepted(
            List<Double> cand,
            double none,
            List<Bank.Run> train,
            List<double[]> scores,
            Fires fires,
            boolean generalized,
            double share) {
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

    static Result judge(
            int candidate,
            List<Bank.Run> runs,
            Map<Bank.Run, double[][]> feats,
            List<String> folds,
            LeaveOut by,
            double precision) {
        return judge(
                candidate < 0 ? COMBINED : Signals.NAMES.get(candidate),
                candidate < 0,
                runs,
                feats,
                folds,
                by,
                g -> fit(candidate, runs, feats, g, by, precision),
                precision);
    }

    /**
     * Scores each group's runs with what {@code fitted} gives for that group (fitted without it, or a fixed predictor),
     * pooling the scores over groups; {@code probabilities}: the scores are probabilities (calibration is reported).
     */
    static Result judge(
            String name,
            boolean probabilities,
            List<Bank.Run> runs,
            Map<Bank.Run, double[][]> feats,
            List<String> folds,
            LeaveOut by,
            java.util.function.Function<String, Fitted> fitted,
            double precision) {
        List<List<Double>> scores = new ArrayList<>();
        List<List<Boolean>> labels = new ArrayList<>();
        for (int i = 0; i < POINTS.length; i++) {
            scores.add(new ArrayList<>());
            labels.add(new ArrayList<>());
        }
        int randomRuns = 0, randomFired = 0, zeroWd = 0, zeroWdFired = 0, verdicts = 0, rightVerdicts = 0;
        List<Integer> lead = new ArrayList<>();
        List<Double> leadFrac = new ArrayList<>();
        Map<String, Double> foldAuc = new LinkedHashMap<>();
        List<Double> probs = new ArrayList<>();
        List<Boolean> probLabels = new ArrayList<>();
        List<Alarms.Trace> traces = new ArrayList<>();
        for (String op : folds) {
            Fitted f = fitted.apply(op);
            List<Double> fs = new ArrayList<>();
            List<Boolean> fl = new ArrayList<>();
            for (Bank.Run r : runs) {
                if (!by.of(r).equals(op)) continue;
                double[][] x = feats.get(r);
                int[] st = r.history().step();
                for (int i = 0; i < POINTS.length; i++) {
                    int k = atOrAfter(st, (int) Math.round(POINTS[i] * r.budget()));
                    if (r.generalized() && r.generalization() <= st[k])
                        continue; // already generalized: nothing to forecast
                    double rank = f.rank().applyAsDouble(x[k]), p = f.score().applyAsDouble(x[k]);
                    scores.get(i).add(rank);
                    labels.get(i).add(r.generalized());
                    if (POINTS[i] == 0.25) {
                        fs.add(rank);
                        fl.add(r.generalized());
                    }
                    if (probabilities && !Double.isNaN(p)) {
                        probs.add(p);
                        probLabels.add(r.generalized());
                    }
                }
                // the first verdict after memorization, before the run generalized
                double[] sc = new double[x.length];
                for (int k = 0; k < x.length; k++) sc[k] = f.score().applyAsDouble(x[k]);
                traces.add(trace(r, sc));
                int kv = firstVerdict(r, sc, f.threshold());
                Integer fired = kv < 0 ? null : st[kv];
                if (r.randomLabels()) {
                    randomRuns++;
                    if (fired != null) randomFired++;
                }
                if (r.weightDecay() == 0 && !r.generalized()) {
                    zeroWd++;
                    if (fired != null) zeroWdFired++;
                }
                if (fired != null) {
                    verdicts++;
                    if (r.generalized()) rightVerdicts++;
                }
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
        if (probabilities && !probs.isEmpty()) {
            double se = 0;
            double[][] bins = new double[5][3];
            for (int j = 0; j < probs.size(); j++) {
                double p = probs.get(j), o = probLabels.get(j) ? 1 : 0;
                se += (p - o) * (p - o);
                int b = Math.min(4, (int) (p * 5));
                bins[b][0] += p;
                bins[b][1] += o;
                bins[b][2]++;
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
        return new Result(
                name,
                precision,
                auc,
                randomRuns == 0 ? Double.NaN : (double) randomFired / randomRuns,
                randomRuns,
                zeroWd == 0 ? Double.NaN : (double) zeroWdFired / zeroWd,
                zeroWd,
                verdicts == 0 ? Double.NaN : (double) rightVerdicts / verdicts,
                verdicts,
                lead,
                leadFrac,
                roc25,
                foldAuc,
                brier,
                reliability,
                Alarms.of(traces));
    }

    /**
     * A run's held-out scores as an alarm watches them: from memorization until it generalizes (NaN before
     * memorization).
     */
    static Alarms.Trace trace(Bank.Run r, double[] score) {
        int[] st = r.history().step();
        double[] trainAcc = r.history().columns().getOrDefault("train_acc", new double[0]);
        int n = 0;
        while (n < st.length && !(r.generalized() && st[n] >= r.generalization())) n++;
        double[] w = new double[n];
        for (int k = 0; k < n; k++) w[k] = k < trainAcc.length && trainAcc[k] >= MEMORIZED ? score[k] : Double.NaN;
        return new Alarms.Trace(w, java.util.Arrays.copyOf(st, n), r.memorization(), r.generalization());
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
