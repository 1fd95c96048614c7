package org.grokscope.analysis;

/**
 * The early verdict on a running run, from a predictor fitted on a labelled bank: the probability that the run
 * generalizes within its step budget, and a verdict. <b>forming</b> once the probability reaches {@code forming} (the
 * level at which 90 % of the bank's runs it fired on generalized), with an expected generalization step: the step of
 * the first forming verdict times the bank's ratios of generalization step to that step (10th, 50th and 90th
 * percentiles); <b>stalled</b> once, past {@code minProgress} of the budget, it falls to {@code stalled} or below (the
 * level at which 90 % of the bank's runs it fired on did not generalize). Only a run that has memorized gets a verdict.
 * Plain numbers: it serializes as JSON and runs anywhere.
 */
public record Forecaster(
        Logistic.Model model,
        double[] baseRate,
        double forming,
        double stalled,
        double minProgress,
        double[] etaRatio) {
    public enum Verdict {
        NONE,
        FORMING,
        STALLED
    }

    private static final int PROGRESS = Signals.NAMES.indexOf("progress");

    /**
     * P(the run generalizes within its budget) for one row of signals: the model's log-odds, fitted with generalizing
     * and other runs weighing half each (so they carry no base rate), plus the log-odds of the bank's base rate at the
     * row's progress through the budget ({@code baseRate[b]}: the share of the bank's runs not yet generalized at b
     * tenths of the budget that generalize before it ends). The signals rank runs; the base rate says how much budget
     * is left.
     */
    public double probability(double[] x) {
        double t = x[PROGRESS];
        int b = Double.isNaN(t) ? 0 : Math.min(baseRate.length - 1, Math.max(0, (int) Math.floor(t * baseRate.length)));
        double rate = baseRate[b];
        return 1 / (1 + Math.exp(-(model.logOdds(x) + Math.log(rate / (1 - rate)))));
    }

    /**
     * The probability, the verdict, for a forming run the expected generalization step with its interval (else NaN),
     * and the evidence: the three signals that pushed the probability furthest, with their values.
     */
    public record Assessment(
            double probability, Verdict verdict, double eta, double etaLow, double etaHigh, String evidence) {}

    /**
     * The assessment at evaluation {@code k}; {@code formingSince} is the step of the run's first forming verdict, if
     * any (the ETA is counted from it).
     */
    public Assessment assess(Signals.History h, int k, int budget, boolean memorized, Integer formingSince) {
        double[] x = Signals.at(h, k, budget);
        double p = probability(x);
        String evidence = evidence(x);
        int step = h.step()[k];
        Verdict v = Verdict.NONE;
        if (memorized && p >= forming) v = Verdict.FORMING;
        else if (memorized && p <= stalled && (double) step / budget >= minProgress) v = Verdict.STALLED;
        if (v == Verdict.FORMING || formingSince != null) {
            double from = formingSince != null ? formingSince : step;
            double lo = Math.max(step, from * etaRatio[0]),
                    mid = Math.max(step, from * etaRatio[1]),
                    hi = Math.max(step, from * etaRatio[2]);
            return new Assessment(p, v, mid, lo, hi, evidence);
        }
        return new Assessment(p, v, Double.NaN, Double.NaN, Double.NaN, evidence);
    }

    // "embed_gini 0.412 (+1.9), test_loss_vs_peak -1.3 (+0.8), ...": the largest contributions to the log-odds
    private String evidence(double[] x) {
        Integer[] idx = new Integer[x.length];
        double[] c = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            idx[j] = j;
            c[j] = Double.isNaN(x[j]) ? 0 : model.weight()[j] * (x[j] - model.mean()[j]) / model.scale()[j];
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(Math.abs(c[b]), Math.abs(c[a])));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(3, idx.length); i++) {
            int j = idx[i];
            if (c[j] == 0) break;
            b.append(b.length() == 0 ? "" : ", ")
                    .append(String.format(java.util.Locale.ROOT, "%s %.3g (%+.2f)", model.features()[j], x[j], c[j]));
        }
        return b.toString();
    }
}
