package org.grokscope.engine;

import java.util.Arrays;

/**
 * Chooses how many of a pool's threads a training step should use, from the steps' own wall times.
 *
 * <p>Why: a step is driven by one thread (the caller) through some hundreds of dispatches. When other
 * programs compete for the cores, each of our threads gets a share of a core, and the step advances only
 * while the caller runs: a worker that gets the other share can help with the current dispatch but not
 * start the next one. With one busy process per core, two threads then run a step slower than one thread
 * does (one thread competing with two busy processes gets two thirds of a core or more, all of it for the
 * step). On a quiet machine, or beside programs at a low priority, every thread helps. Which case holds
 * changes while a run trains, and cannot be read from the outside cheaply, so it is measured: the governor
 * runs a few steps with a neighbouring thread count now and then, and keeps the faster.
 *
 * <p>How: it stays at k threads (at first all the pool may use) and times the steps. After an interval it
 * tries the next count down (k / 2) or up (2k, at most what the pool may use) for {@value #TRIAL_STEPS}
 * steps, and moves there if their median step is at least {@value #GAIN_PERCENT} % faster than the median
 * of the last steps at k. An interval starts at {@value #BASE_INTERVAL} steps and doubles, up to
 * {@value #MAX_INTERVAL}, each time a trial confirms k, so a quiet machine pays for a trial step about
 * once in hundreds; it starts again from {@value #BASE_INTERVAL} when k changes or when the steps at k get
 * {@value #DRIFT_PERCENT} % slower than when k was last confirmed (the machine got busier). Results never
 * depend on it: chunking does not depend on the number of threads.
 *
 * <p>Not thread-safe: one training loop reports its steps and reads the count.
 */
final class ThreadGovernor {
    static final int TRIAL_STEPS = 3, RECENT = 5, BASE_INTERVAL = 8, MAX_INTERVAL = 256;
    static final int GAIN_PERCENT = 5, DRIFT_PERCENT = 30;

    private int allowed;          // the pool's use() when the governor last looked
    private int level;            // the mode the steps run in (see threadsAt, spinsAt)
    private int trial = -1;       // the mode under trial, -1 when none
    private final double[] recent = new double[RECENT];
    private int recentCount;      // steps at k since the last decision, the last RECENT of them in recent (a ring)
    private final double[] trialTimes = new double[TRIAL_STEPS];
    private int trialCount;
    private double reference;     // median step at k when k was last chosen or confirmed; 0 before the first decision
    private int interval = BASE_INTERVAL, since;
    private boolean downFirst = true; // between two neighbours, which to try next
    private long[] stepsAt = new long[0];

    ThreadGovernor(int allowed) {
        this.allowed = Math.max(1, allowed);
    }

    /**
     * The modes, from the most eager to the most polite: 0 is every thread the pool may use, with idle
     * workers spinning for the next dispatch; 1 the same threads parking as soon as they are idle (a
     * spinning worker spends the share of a core the scheduler gives it, and on a busy machine that share
     * is what its chunks then lack); each level after halves the threads, down to 1.
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
        return trial >= 0 ? trial : level;
    }

    /** One training step took {@code nanos} of wall time in the current mode. */
    void stepTook(long nanos) {
        int used = threadsAt(mode(), allowed);
        if (stepsAt.length <= used) stepsAt = Arrays.copyOf(stepsAt, used + 1);
        stepsAt[used]++;
        if (allowed == 1) return;
        double t = nanos;
        if (trial >= 0) {
            trialTimes[trialCount++] = t;
            if (trialCount == TRIAL_STEPS) decide();
            return;
        }
        recent[recentCount++ % RECENT] = t;
        since++;
        if (recentCount < 3) return;
        if (reference > 0 && since < interval && lastThreeMedian() > (1 + DRIFT_PERCENT / 100.0) * reference) since = interval;
        if (since >= interval) startTrial();
    }

    /** How many steps ran with each thread count (index = threads), for provenance and benchmarks. */
    long[] stepsByThreads() {
        return stepsAt.clone();
    }

    private void startTrial() {
        boolean canDown = level + 1 < levels(allowed), canUp = level > 0;
        trial = canDown && (downFirst || !canUp) ? level + 1 : canUp ? level - 1 : -1;
        if (canDown && canUp) downFirst = !downFirst;
        trialCount = 0;
        if (trial < 0) since = 0;
    }

    private void decide() {
        double tried = median(trialTimes, TRIAL_STEPS);
        double here = median(recent, Math.min(recentCount, RECENT));
        if (tried < (1 - GAIN_PERCENT / 100.0) * here) {
            level = trial;
            interval = BASE_INTERVAL;
            reference = tried;
        } else {
            interval = Math.min(2 * interval, MAX_INTERVAL);
            reference = here;
        }
        trial = -1;
        recentCount = 0;
        since = 0;
    }

    private void restart(int allowedNow) {
        allowed = Math.max(1, allowedNow);
        level = recentCount = trialCount = since = 0;
        trial = -1;
        reference = 0;
        interval = BASE_INTERVAL;
    }

    private double lastThreeMedian() {
        double a = recent[(recentCount - 1) % RECENT], b = recent[(recentCount - 2) % RECENT], c = recent[(recentCount - 3) % RECENT];
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static double median(double[] v, int n) {
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
