package org.grokscope.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grokscope.engine.LossFunction;
import org.grokscope.engine.LossPrecision;
import org.grokscope.train.Evaluation;

/**
 * The transition advisor: from the evaluation and probe series it time-stamps (a) memorization (train accuracy ≥
 * threshold), (b) kernel departure (the relative eNTK distance ‖Θt − Θ0‖F/‖Θ0‖F reaching {@code departureThreshold}; it
 * may happen while the model is still fitting, which is itself evidence of feature learning rather than lazy training),
 * (c) the weight-norm decay phase (‖θ‖₂ down {@code normDrop} from its peak since memorization), (d) Fourier
 * sparsification (Gini of the embedding's frequency norms up {@code giniRise} from memorization) and (e) generalization
 * (test accuracy ≥ threshold). These are events, with evidence; the <b>state</b> comes from a forecaster fitted on a
 * labelled bank of runs ({@link org.grokscope.analysis.Forecaster}, judged by {@code grokscope forecast eval}):
 * memorizing (fitting, or fit with no predictive sign) → forming (the predictor says the run will generalize within its
 * budget; with an expected step and interval) → generalized, or stalled (fit, and the predictor is confident it will
 * not; with its evidence and what is known to shorten the wait, as a forecast, not advice: {@link #notAdvice}). Without
 * a forecaster (text tasks, or probes.forecast off) a run that has fit its training set and shows none of (b)–(d) for
 * {@code patience} steps gets the same as an observation, "no sign of transition". (f) Softmax collapse (Prieto et al.
 * 2025): before generalizing, the label's probability rounds to exactly 1 for at least {@code collapseShare} (default
 * one half) of the training examples; their loss is 0 and they no longer pull their correct logit up, so learning has
 * stopped on them. Flagged only once the training set is fit and while the share is not falling: a large initialization
 * (α ≫ 1) saturates the softmax from step 0, right on half the examples and confidently wrong on the rest, while the
 * wrong half still trains the model and weight decay shrinks the margins back under the rounding (IMDB with α 20: 50 %
 * at step 0, 0.1 % by step 3,000 as the run fits and then generalizes). Once flagged (with evidence and advice), the
 * state is "collapsed" while the share stays above the threshold; under Adam it often falls back after a loss spike (a
 * "slingshot") and climbs again.
 */
public final class Advisor {
    public record Settings(
            double memorizationThreshold,
            double generalizationThreshold,
            double departureThreshold,
            double normDrop,
            double giniRise,
            int patience,
            double collapseShare) {
        public Settings(
                double memorizationThreshold,
                double generalizationThreshold,
                double departureThreshold,
                double normDrop,
                double giniRise,
                int patience) {
            this(memorizationThreshold, generalizationThreshold, departureThreshold, normDrop, giniRise, patience, 0.5);
        }
    }

    /** What the advisor knows about the run's configuration, to word what would shorten the wait. */
    public record Context(
            double weightDecay,
            double alpha,
            int trainSize,
            int tableSize,
            LossFunction loss,
            LossPrecision precision,
            boolean orthogonal,
            org.grokscope.analysis.Forecaster forecaster,
            int budget) {
        public Context(double weightDecay, double alpha, int trainSize, int tableSize) {
            this(
                    weightDecay,
                    alpha,
                    trainSize,
                    tableSize,
                    LossFunction.CROSS_ENTROPY,
                    LossPrecision.FP64,
                    false,
                    null,
                    0);
        }

        public Context(
                double weightDecay,
                double alpha,
                int trainSize,
                int tableSize,
                LossFunction loss,
                LossPrecision precision,
                boolean orthogonal) {
            this(weightDecay, alpha, trainSize, tableSize, loss, precision, orthogonal, null, 0);
        }
    }

    public enum State {
        MEMORIZING,
        FORMING,
        STALLED,
        COLLAPSED,
        GENERALIZED
    }

    private final Settings s;
    private final Context ctx;
    private Integer memorized, departure, normDecay, sparsified, generalized, collapsed;
    private boolean collapseOngoing;
    private double lastCollapseShare = Double.NaN;
    private String collapseAdvice;
    private double ntkAtMem = Double.NaN,
            giniAtMem = Double.NaN,
            normPeak,
            lastNtk = Double.NaN,
            lastGini = Double.NaN,
            lastNorm;
    private boolean ntkSeen, giniSeen;
    private Integer noTransitionAt;
    private org.grokscope.analysis.Forecaster.Assessment forecast;
    private Integer formingStep, stalledStep;
    private final List<String> events = new ArrayList<>(), log = new ArrayList<>();

    public Advisor(Settings s, Context ctx) {
        this.s = s;
        this.ctx = ctx;
    }

    /** One evaluation, with the training set's collapse shares. */
    public void onEval(Evaluation e) {
        onEval(e.step(), e.trainAcc(), e.testAcc(), e.l2Norm());
        Evaluation.Collapse c = e.collapse();
        boolean over = c.softmaxOne() >= s.collapseShare(); // false for NaN (MSE, or not measured)
        boolean falling = c.softmaxOne() < lastCollapseShare; // margins shrinking back (weight decay): learning goes on
        lastCollapseShare = c.softmaxOne();
        if (over && !falling && memorized != null && generalized == null && collapsed == null) {
            collapsed = e.step();
            List<String> todo = new ArrayList<>();
            if (ctx.weightDecay() == 0)
                todo.add("add weight decay (it keeps the logits from growing until the softmax rounds)");
            if (ctx.loss() == LossFunction.CROSS_ENTROPY)
                todo.add(
                        "use StableMax (training.loss: stablemax_ce), whose probabilities do not round to 1 at these margins");
            if (!ctx.orthogonal())
                todo.add(
                        "use ⊥Grad (optimizer.orthogonal: true), which removes the weight-scaling direction the softmax rewards");
            if (ctx.precision() == LossPrecision.FP32)
                todo.add(
                        "compute the loss in fp64 (training.loss_precision: fp64), which collapses only ~20 nats later");
            todo.add("lower the learning rate");
            collapseAdvice = String.join("; or ", todo);
            event(
                    e.step(),
                    "softmax collapse: learning has stopped on %.1f%% of the training examples (%s). Evidence: their label's probability "
                            + "rounds to exactly 1, so their loss is 0 and they no longer pull the correct logit up (loss exactly 0 for %.1f%%, gradient exactly 0 "
                            + "for %.1f%%); train loss %.3g, test accuracy %.1f%%. Recommendation: %s",
                    100 * c.softmaxOne(),
                    ctx.precision().id(),
                    100 * c.zeroLoss(),
                    100 * c.zeroGrad(),
                    e.trainLoss(),
                    100 * e.testAcc(),
                    collapseAdvice);
        }
        collapseOngoing = collapsed != null && generalized == null && over;
    }

    /** One evaluation: step, accuracies and the global ℓ2 norm. */
    public void onEval(int step, double trainAcc, double testAcc, double l2) {
        lastNorm = l2;
        if (memorized == null && trainAcc >= s.memorizationThreshold()) {
            memorized = step;
            normPeak = l2;
            if (ntkSeen) ntkAtMem = lastNtk;
            if (giniSeen) giniAtMem = lastGini;
            log(step, "memorized (train accuracy %.1f%%)", 100 * trainAcc);
        }
        if (memorized != null && normDecay == null) {
            normPeak = Math.max(normPeak, l2);
            if (l2 <= (1 - s.normDrop()) * normPeak) {
                normDecay = step;
                event(
                        step,
                        "weight-norm decay: ‖θ‖₂ %.3g, down %.0f%% from its peak %.3g",
                        l2,
                        100 * (1 - l2 / normPeak),
                        normPeak);
            }
        }
        if (generalized == null && testAcc >= s.generalizationThreshold()) {
            generalized = step;
            log(step, "generalized (test accuracy %.1f%%)", 100 * testAcc);
        }
        noteNoTransition(step);
    }

    /** One probe: relative eNTK distance and embedding Gini (NaN where not measured). */
    public void onProbe(int step, double ntkRel, double gini) {
        if (!Double.isNaN(ntkRel)) {
            ntkSeen = true;
            lastNtk = ntkRel;
            if (memorized != null && Double.isNaN(ntkAtMem)) ntkAtMem = ntkRel;
            if (departure == null && ntkRel >= s.departureThreshold()) {
                departure = step;
                event(
                        step,
                        "kernel departure: ‖Θt−Θ0‖/‖Θ0‖ = %.3g%s",
                        ntkRel,
                        memorized == null ? " (before the training set is fit)" : "");
            }
        }
        if (!Double.isNaN(gini)) {
            giniSeen = true;
            lastGini = gini;
            if (memorized != null && Double.isNaN(giniAtMem)) giniAtMem = gini;
            if (memorized != null && sparsified == null && gini >= giniAtMem + s.giniRise()) {
                sparsified = step;
                event(step, "Fourier sparsification: embedding Gini %.3f (%.3f at memorization)", gini, giniAtMem);
            }
        }
    }

    private void noteNoTransition(int step) {
        if (ctx.forecaster() != null) return; // the forecast's stalled verdict says it instead
        if (noTransitionAt != null || memorized == null || generalized != null || transitioning()) return;
        if (step - memorized < s.patience()) return;
        List<String> ev = new ArrayList<>();
        ev.add(String.format(
                Locale.ROOT,
                "train set fit at step %d, %d steps ago, test accuracy still below %.0f%%",
                memorized,
                step - memorized,
                100 * s.generalizationThreshold()));
        if (ntkSeen)
            ev.add(String.format(
                    Locale.ROOT,
                    "eNTK relative distance %.3g (%.3g at memorization): still in the kernel regime",
                    lastNtk,
                    ntkAtMem));
        ev.add(String.format(Locale.ROOT, "‖θ‖₂ %.3g (peak %.3g since memorization)", lastNorm, normPeak));
        if (giniSeen)
            ev.add(String.format(
                    Locale.ROOT, "embedding Fourier Gini %.3f (%.3f at memorization)", lastGini, giniAtMem));
        noTransitionAt = step;
        event(step, "no sign of transition. Evidence: %s. %s", String.join("; ", ev), notAdvice());
    }

    // a sign of leaving the kernel regime seen after (or, for the kernel, up to) memorization
    private boolean transitioning() {
        return memorized != null && (departure != null || normDecay != null || sparsified != null);
    }

    public State state() {
        if (generalized != null) return State.GENERALIZED;
        if (collapseOngoing) return State.COLLAPSED;
        if (memorized == null || forecast == null) return State.MEMORIZING;
        return switch (forecast.verdict()) {
            case FORMING -> State.FORMING;
            case STALLED -> State.STALLED;
            case NONE -> State.MEMORIZING;
        };
    }

    /**
     * Short text for the progress line: the state, and with a forecast its probability and (forming) the expected step.
     */
    public String status() {
        State st = state();
        String name = st.name().toLowerCase(Locale.ROOT);
        if (forecast == null || st == State.GENERALIZED)
            return noTransitionAt != null && st == State.MEMORIZING ? name + " (no sign of transition)" : name;
        String p = String.format(Locale.ROOT, "P %.2f", forecast.probability());
        return switch (st) {
            case FORMING ->
                String.format(
                        Locale.ROOT,
                        "forming, %s, ETA step %,.0f (%,.0f-%,.0f)",
                        p,
                        forecast.eta(),
                        forecast.etaLow(),
                        forecast.etaHigh());
            case STALLED -> "stalled, " + p;
            default -> name + " (" + p + ")";
        };
    }

    /** The latest forecast, or null (none yet, or no forecaster). */
    public org.grokscope.analysis.Forecaster.Assessment forecast() {
        return forecast;
    }

    /** The step of the first forming verdict, or null. */
    public Integer formingStep() {
        return formingStep;
    }

    /**
     * A forecast at a probe: the state follows its verdict; the first forming and the first stalled verdict are events.
     */
    public void onForecast(int step, org.grokscope.analysis.Forecaster.Assessment a) {
        forecast = a;
        if (generalized != null || memorized == null) return;
        if (a.verdict() == org.grokscope.analysis.Forecaster.Verdict.FORMING && formingStep == null) {
            formingStep = step;
            event(
                    step,
                    "forming: P(generalize within the budget) %.2f; expected around step %,.0f (%,.0f to %,.0f). Evidence: %s",
                    a.probability(),
                    a.eta(),
                    a.etaLow(),
                    a.etaHigh(),
                    a.evidence());
        }
        if (a.verdict() == org.grokscope.analysis.Forecaster.Verdict.STALLED
                && stalledStep == null
                && formingStep == null) {
            stalledStep = step;
            event(
                    step,
                    "stalled: P(generalize within the budget) %.2f, fit at step %d and test accuracy still below %.0f%%. Evidence: %s. %s",
                    a.probability(),
                    memorized,
                    100 * s.generalizationThreshold(),
                    a.evidence(),
                    notAdvice());
        }
    }

    /**
     * How the stalled verdict and "no sign of transition" end their events. They are forecasts and observations, not
     * advice: judged on a bank of runs it never saw (forecast check, docs/forecast), the stalled verdict also fired on
     * runs that grokked late (5 of 17 that generalized, each after 62-96 % of its budget), far above the 5 % of
     * generalizing runs that a recommendation to change a run may reach; the observation without a forecaster was never
     * judged. So neither tells the user to change the run; each says what is known to shorten the wait.
     */
    String notAdvice() {
        List<String> faster = remedies();
        return "A forecast, not advice (runs that grok late look like this too); "
                + (faster.isEmpty()
                        ? "the configuration is in the range where grokking is known to happen, if later"
                        : "where a run does grok, what shortens the wait: " + String.join("; or ", faster));
    }

    /**
     * The step at which a run without a forecaster showed no sign of transition for {@code patience} steps, or null.
     */
    public Integer noTransitionStep() {
        return noTransitionAt;
    }

    /**
     * Transition signs and advice produced since the last call, for the progress output (memorization and
     * generalization are only logged).
     */
    public List<String> drainEvents() {
        List<String> out = new ArrayList<>(events);
        events.clear();
        return out;
    }

    // what is known to shorten the wait, worded for this run's configuration (empty: nothing outside the known range)
    private List<String> remedies() {
        List<String> todo = new ArrayList<>();
        if (ctx.weightDecay() == 0)
            todo.add(
                    "add weight decay (with none, the norm cannot shrink towards a generalizing solution; Nanda et al. saw no grokking at wd 0 and grokking at 0.3–3)");
        else if (ctx.weightDecay() < 0.3)
            todo.add(String.format(
                    Locale.ROOT,
                    "raise weight decay (now %.3g; the time to generalize scales roughly as 1/wd)",
                    ctx.weightDecay()));
        if (ctx.alpha() > 1)
            todo.add(String.format(
                    Locale.ROOT,
                    "lower the initialization scale α (now %.3g): a large α keeps the model lazy",
                    ctx.alpha()));
        if (ctx.tableSize() > 0 && (double) ctx.trainSize() / ctx.tableSize() < 0.3)
            todo.add(String.format(
                    Locale.ROOT,
                    "add data (%d of %d examples, %.0f%%): below the critical data size the model only memorizes",
                    ctx.trainSize(),
                    ctx.tableSize(),
                    100.0 * ctx.trainSize() / ctx.tableSize()));
        return todo;
    }

    private void event(int step, String fmt, Object... args) {
        events.add(log(step, fmt, args));
    }

    private String log(int step, String fmt, Object... args) {
        String msg = "step " + step + ": " + String.format(Locale.ROOT, fmt, args);
        log.add(msg);
        return msg;
    }

    /** The per-run record (advisor section of summary.json). */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state().name().toLowerCase(Locale.ROOT));
        m.put("memorization_step", memorized);
        m.put("kernel_departure_step", departure);
        m.put("ntk_rel_at_memorization", Double.isNaN(ntkAtMem) ? null : ntkAtMem);
        m.put("norm_decay_step", normDecay);
        m.put("fourier_sparsification_step", sparsified);
        m.put("generalization_step", generalized);
        m.put("no_transition_step", noTransitionAt);
        m.put("softmax_collapse_step", collapsed);
        m.put("softmax_collapse_advice", collapseAdvice);
        if (ctx.forecaster() != null) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("probability", forecast == null ? null : forecast.probability());
            f.put("verdict", forecast == null ? null : forecast.verdict().name().toLowerCase(Locale.ROOT));
            f.put("forming_step", formingStep);
            f.put("stalled_step", stalledStep);
            f.put("eta", forecast == null || Double.isNaN(forecast.eta()) ? null : Math.round(forecast.eta()));
            f.put(
                    "eta_low",
                    forecast == null || Double.isNaN(forecast.etaLow()) ? null : Math.round(forecast.etaLow()));
            f.put(
                    "eta_high",
                    forecast == null || Double.isNaN(forecast.etaHigh()) ? null : Math.round(forecast.etaHigh()));
            f.put("evidence", forecast == null ? null : forecast.evidence());
            m.put("forecast", f);
        }
        m.put("log", List.copyOf(log));
        return m;
    }
}
