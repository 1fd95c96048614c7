package org.grokscope.engine;

import java.util.Arrays;

/**
 * Chooses how a pool's threads take part in a training step (how many, and whether idle ones spin), from the steps' own
 * wall times.
 *
 * <p>Why: a step is driven by one thread (the caller) through some hundreds of dispatches. When other programs compete
 * for the cores, each of our threads gets a share of a core, and the step advances only while the caller runs: a worker
 * that gets the other share can help with the current dispatch but not start the next one. With one busy process per
 * core, two threads then run a step slower than one thread does (one thread competing with two busy processes gets two
 * thirds of a core or more, all of it for the step). On a quiet machine, or beside programs at a low priority, every
 * thread helps. Which case holds changes while a run trains, and cannot be read from the outside cheaply, so it is
 * measured: the governor runs a few steps in a neighbouring mode now and then, and keeps the faster.
 *
 * <p>How: the pool has modes from eager to polite ({@link #threadsAt}, {@link #spinsAt}); the governor starts in the
 * most eager and times the steps. After an interval it tries a neighbouring mode (or, right after a politer trial that
 * came within {@value #FURTHER_SLACK_PERCENT} % of the current mode, the one below that) for {@value #TRIAL_STEPS}
 * steps, then the current mode for as many again, and moves if the trial's median step beats the current mode's before
 * and after it: by {@value #POLITER_GAIN_PERCENT} % for a politer mode, within {@value #EAGER_SLACK_PERCENT} % for a
 * more eager one. An interval starts at {@value #BASE_INTERVAL} steps and doubles, up to {@value #MAX_INTERVAL}, each
 * time a trial loses outright (slower than the current mode before or after it), so a settled quiet run spends
 * {@value #TRIAL_STEPS} steps in ~260 on a trial; it starts again from {@value #BASE_INTERVAL} when the mode changes,
 * and a trial starts at once when the steps get {@value #DRIFT_PERCENT} % slower than when the mode was last confirmed
 * (the machine got busier) or, in a polite mode, that much faster (it got quieter). Results never depend on it:
 * chunking does not depend on the number of threads.
 *
 * <p>Not thread-safe: one training loop reports its steps and reads the count.
 */
final class ThreadGovernor {
    static final int TRIAL_STEPS = 7, RECENT = 5, BASE_INTERVAL = 8, MAX_INTERVAL = 256;
    /**
     * A politer mode must be this much faster to be taken; a more eager one is taken unless it is more than
     * {@value #EAGER_SLACK_PERCENT} % slower. The bias is for eagerness: on a quiet machine a politer mode costs ~10 %,
     * and step times there vary by a few per cent (a text batch's length, the host's other tenants), so a symmetric
     * rule drifted into parking; beside busy programs the politer modes win by 20-50 %.
     */
    static final int POLITER_GAIN_PERCENT = 10, EAGER_SLACK_PERCENT = 2, DRIFT_PERCENT = 30;
    /**
     * A politer trial that lost but came within this of the current mode is followed by a trial one level further down
     * (see {@link #decide}).
     */
    static final int FURTHER_SLACK_PERCENT = 5;

    private int allowed; // the pool's use() when the governor last looked
    private int level; // the mode the steps run in (see threadsAt, spinsAt)
    private int trial = -1; // the mode under trial, -1 when none
    private final double[] recent = new double[RECENT];
    private int recentCount; // steps in the current mode since the last decision, the last RECENT of them in recent (a
    // ring)
    private final double[] trialTimes = new double[TRIAL_STEPS], afterTimes = new double[TRIAL_STEPS];
    private int trialCount, afterCount; // steps of the trial so far, then of the current mode after it
    private double before; // the current mode's median step before the trial
    private double
            reference; // median step in the mode when it was last chosen or confirmed; 0 before the first decision
    private double drifted; // the last three steps' median when a change in step time started the trial, else 0
    private int interval = BASE_INTERVAL, since;
    private boolean downFirst = true; // between two neighbours, which to try next
    private int reach = 1; // how many levels down the next politer trial goes
    private long[] stepsAt = new long[0];
    private long eagerSteps;

    ThreadGovernor(int allowed) {
        this.allowed = Math.max(1, allowed);
    }

    /**
     * The modes, from the most eager to the most polite: 0 is every thread the pool may use, with idle workers spinning
     * for the next dispatch; 1 the same threads parking as soon as they are idle (a spinning worker spends the share of
     * a core the scheduler gives it, and on a busy machine that share is what its chunks then lack); each level after
     * halves the threads, down to 1.
     */
    static int threadsAt(int level, int allowed) {
        return level == 0 ? allowed : Math.max(1, allowed >> (level - 1));
    }

    static boolean spinsAt(int level) {
        return level == 0;
    }

    static int levels(int allowed) {
        int n = 1;
        while (threadsAt(n, allowed) > 1) n++;
        return allowed == 1 ? 1 : n + 1; // allowed = 2: {2 spinning, 2 parking, 1}
    }

    /** Threads the next step should use, given how many the pool may use now. */
    int threads(int allowedNow) {
        if (allowedNow != allowed) restart(allowedNow);
        return threadsAt(mode(), allowed);
    }

    /** Whether idle workers spin for the next dispatch before they park. */
    boolean spin() {
        return spinsAt(mode());
    }

    private int mode() {
        return trial >= 0 && trialCount < TRIAL_STEPS ? trial : level;
    }

    /** One training step took {@code nanos} of wall time in the current mode. */
    void stepTook(long nanos) {
        int used = threadsAt(mode(), allowed);
        if (stepsAt.length <= used) stepsAt = Arrays.copyOf(stepsAt, used + 1);
        stepsAt[used]++;
        if (spinsAt(mode())) eagerSteps++;
        if (allowed == 1) return;
        double t = nanos;
        if (trial >= 0) {
            if (trialCount < TRIAL_STEPS) trialTimes[trialCount++] = t; // the trial mode's steps
            else afterTimes[afterCount++] = t; // then the current mode's again
            if (afterCount == TRIAL_STEPS) decide();
            return;
        }
        recent[recentCount++ % RECENT] = t;
        since++;
        if (recentCount < 3) return;
        if (reference > 0 && since < interval) {
            double last = lastThreeMedian();
            if (last > (1 + DRIFT_PERCENT / 100.0) * reference) { // the machine got busier: look again now
                since = interval;
                drifted = last;
            } else if (level > 0
                    && last < (1 - DRIFT_PERCENT / 100.0) * reference) { // it got quieter: try the more eager mode now
                since = interval;
                drifted = last;
                downFirst = false;
            }
        }
        if (since >= interval) startTrial();
    }

    /** How many steps ran with each thread count (index = threads), for provenance and benchmarks. */
    long[] stepsByThreads() {
        return stepsAt.clone();
    }

    /** How many of them ran in the eager mode (every thread, idle workers spinning). */
    long eagerSteps() {
        return eagerSteps;
    }

    private void startTrial() {
        int bottom = levels(allowed) - 1;
        boolean canDown = level < bottom, canUp = level > 0;
        trial = canDown && (downFirst || !canUp) ? Math.min(bottom, level + reach) : canUp ? level - 1 : -1;
        if (canDown && canUp) downFirst = !downFirst;
        trialCount = afterCount = 0;
        // the current mode's steps before the trial: since the change that started it, if one did (older ones are
        // another machine)
        before = drifted > 0 ? drifted : median(recent, Math.min(recentCount, RECENT));
        drifted = 0;
        if (trial < 0) since = 0;
    }

    /**
     * The trial's median against the current mode's steps just before it and just after it (A, B, A): a machine whose
     * speed drifts during the trial (another tenant of the host coming or going) then cannot make the trial look better
     * than it is. A politer mode must beat both; a more eager one either.
     */
    private void decide() {
        double tried = median(trialTimes, TRIAL_STEPS), after = median(afterTimes, TRIAL_STEPS);
        boolean politer = trial > level;
        boolean move = politer
                ? tried < (1 - POLITER_GAIN_PERCENT / 100.0) * Math.min(before, after)
                : tried < (1 + EAGER_SLACK_PERCENT / 100.0) * Math.max(before, after);
        if (move) {
            level = trial;
            interval = BASE_INTERVAL;
            reference = tried;
            reach = 1;
        } else {
            // the interval grows only when the trial lost outright; a politer mode that was faster, but not by
            // the margin, is tried again as soon (beside busy programs steps vary by tens of per cent, and one
            // unlucky trial must not put off the next for hundreds of steps). A politer trial that lost is
            // followed, as soon, by one a level further down: with one busy program per core, two threads
            // parking are no faster than two spinning (the caller waits for its worker's share either way)
            // while one thread alone is a third faster, and a trial of neighbours only would never find it. Only
            // when the politer mode cost (almost) nothing: on a quiet machine each politer mode is slower, and
            // there the trials stay as rare as before
            boolean lost = !politer || tried >= Math.min(before, after);
            boolean further = politer
                    && trial < levels(allowed) - 1
                    && tried < (1 + FURTHER_SLACK_PERCENT / 100.0) * Math.min(before, after);
            if (politer) reach = further ? trial - level + 1 : 1;
            if (lost && !further) interval = Math.min(2 * interval, MAX_INTERVAL);
            reference = after;
        }
        trial = -1;
        recentCount = 0;
        since = 0;
    }

    private void restart(int allowedNow) {
        allowed = Math.max(1, allowedNow);
        reach = 1;
        level = recentCount = trialCount = afterCount = since = 0;
        trial = -1;
        reference = drifted = 0;
        interval = BASE_INTERVAL;
    }

    private double lastThreeMedian() { // of the last three steps at the current mode
        double a = recent[(recentCount - 1) % RECENT],
                b = recent[(recentCount - 2) % RECENT],
                c = recent[(recentCount - 3) % RECENT];
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static double median(double[] v, int n) {
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
