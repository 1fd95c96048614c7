package org.grokscope.forecast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A score judged as an alarm, the way the early-warning literature judges one: an alarm at threshold t fires on a run
 * at its first watched evaluation whose score is at least t. A run is watched from the evaluation at which it has
 * memorized its training set until it generalizes (or its budget ends). On a run that goes on to generalize the alarm
 * is a catch, with a lead (generalization step − firing step, also as a share of the grokking gap); on any other run
 * (random labels included) it is a false alarm. So a threshold fires on a run exactly when the run's highest watched
 * score reaches it, and the catch rate at a false-alarm rate is read off the runs' highest scores.
 *
 * <p>Reported per false-alarm target α (5 % and 10 %): the lowest threshold whose false-alarm rate is at most α (the
 * most catches α allows), the rate it really has, its catch rate and the median lead of its catches; and the lowest
 * false-alarm rate any threshold that catches at least one run reaches (the threshold at the best-scoring generalizing
 * run's highest score).
 */
public final class Alarms {
    /** The false-alarm targets reported. */
    public static final double[] TARGETS = {0.05, 0.10};

    private Alarms() {}

    /**
     * One run as an alarm sees it: its score at each watched evaluation (NaN: not measured), the steps of those
     * evaluations, and how the run ended ({@code generalization} null: it did not generalize within its budget;
     * {@code memorization} null: unknown).
     */
    public record Trace(double[] score, int[] step, Integer memorization, Integer generalization) {
        public Trace {
            if (score.length != step.length)
                throw new IllegalArgumentException(
                        "a score per step: " + score.length + " scores, " + step.length + " steps");
        }

        boolean generalized() {
            return generalization != null;
        }

        /** The highest watched score, −∞ if none was measured. */
        double max() {
            double m = Double.NEGATIVE_INFINITY;
            for (double s : score) if (!Double.isNaN(s) && s > m) m = s;
            return m;
        }

        /** The index of the first watched evaluation whose score is at least t, or -1. */
        int firstAtLeast(double t) {
            for (int k = 0; k < score.length; k++) if (!Double.isNaN(score[k]) && score[k] >= t) return k;
            return -1;
        }
    }

    /**
     * @param target the false-alarm rate allowed
     * @param threshold the lowest threshold within it (+∞ when only "never fire" is)
     * @param falseAlarm the share of runs that did not generalize on which it fires
     * @param catchRate the share of runs that generalized on which it fires before they do
     * @param leadSteps the median lead of its catches, in steps (NaN without catches)
     * @param leadFraction the median lead of its catches as a share of their grokking gap (NaN without catches)
     */
    public record Point(
            double target,
            double threshold,
            double falseAlarm,
            double catchRate,
            int caught,
            double leadSteps,
            double leadFraction) {}

    /**
     * @param lowestFalseAlarm the lowest false-alarm rate of a threshold that catches at least one run (NaN without
     *     runs of both kinds)
     */
    public record Summary(List<Point> points, double lowestFalseAlarm, int generalized, int others) {
        public Point at(double target) {
            for (Point p : points) if (p.target() == target) return p;
            throw new IllegalArgumentException("no operating point at " + target);
        }
    }

    public static Summary of(List<Trace> runs) {
        List<Trace> pos = runs.stream().filter(Trace::generalized).toList(),
                neg = runs.stream().filter(t -> !t.generalized()).toList();
        double[] negMax = neg.stream().mapToDouble(Trace::max).sorted().toArray();
        List<Point> points = new ArrayList<>();
        for (double target : TARGETS) points.add(point(target, pos, negMax));
        double lowest = Double.NaN;
        if (!pos.isEmpty() && negMax.length > 0) {
            double best = pos.stream().mapToDouble(Trace::max).max().orElse(Double.NEGATIVE_INFINITY);
            lowest = best == Double.NEGATIVE_INFINITY ? Double.NaN : (double) atLeast(negMax, best) / negMax.length;
        }
        return new Summary(points, lowest, pos.size(), neg.size());
    }

    private static Point point(double target, List<Trace> pos, double[] negMax) {
        // a threshold t fires on the runs whose highest score is >= t: the lowest t allowed is just above the
        // (allowed + 1)-th highest of the others' (ties fire together, so a tie at the boundary moves t above it)
        int allowed = (int) Math.floor(target * negMax.length + 1e-9);
        double t;
        if (negMax.length == 0 || allowed >= negMax.length) t = Double.NEGATIVE_INFINITY;
        else {
            double boundary = negMax[negMax.length - 1 - allowed];
            t = boundary == Double.POSITIVE_INFINITY ? Double.POSITIVE_INFINITY : Math.nextUp(boundary);
        }
        List<Double> lead = new ArrayList<>(), frac = new ArrayList<>();
        int caught = 0;
        for (Trace r : pos) {
            int k = r.firstAtLeast(t);
            if (k < 0) continue;
            caught++;
            int g = r.generalization();
            lead.add((double) (g - r.step()[k]));
            if (r.memorization() != null && g > r.memorization())
                frac.add((double) (g - r.step()[k]) / (g - r.memorization()));
        }
        double fa = negMax.length == 0 ? Double.NaN : (double) atLeast(negMax, t) / negMax.length;
        return new Point(
                target,
                t,
                fa,
                pos.isEmpty() ? Double.NaN : (double) caught / pos.size(),
                caught,
                median(lead),
                median(frac));
    }

    // how many of the sorted values are >= t
    private static int atLeast(double[] sorted, double t) {
        int i = Arrays.binarySearch(sorted, t);
        if (i < 0) i = -i - 1;
        else while (i > 0 && sorted[i - 1] == t) i--;
        return sorted.length - i;
    }

    static double median(List<Double> xs) {
        return ForecastEval.median(xs);
    }
}
