package org.grokscope.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The governor fed step times from a model of the machine: which mode it settles in, and what its trials cost. */
class ThreadGovernorTest {
    /** Step time in ms for a mode: [threads 1, threads 2 parking, threads 2 spinning]. */
    private record Machine(double one, double twoParking, double twoSpinning) {
        double step(int threads, boolean spin) {
            return threads == 1 ? one : spin ? twoSpinning : twoParking;
        }
    }

    /** Runs {@code steps} steps; returns how many ran in each mode [1 thread, 2 parking, 2 spinning]. */
    private static long[] run(ThreadGovernor g, Machine m, int steps) {
        long[] modes = new long[3];
        for (int i = 0; i < steps; i++) {
            int k = g.threads(2);
            boolean spin = g.spin();
            modes[k == 1 ? 0 : spin ? 2 : 1]++;
            g.stepTook((long) (m.step(k, spin) * 1e6));
        }
        return modes;
    }

    @Test
    void theModesGoFromEagerToPolite() {
        assertThat(ThreadGovernor.levels(1)).isEqualTo(1);
        assertThat(ThreadGovernor.levels(2)).isEqualTo(3); // 2 spinning, 2 parking, 1
        assertThat(ThreadGovernor.levels(8)).isEqualTo(5); // 8 spinning, 8, 4, 2, 1
        assertThat(ThreadGovernor.threadsAt(0, 8)).isEqualTo(8);
        assertThat(ThreadGovernor.threadsAt(1, 8)).isEqualTo(8);
        assertThat(ThreadGovernor.threadsAt(4, 8)).isEqualTo(1);
        assertThat(ThreadGovernor.spinsAt(0)).isTrue();
        assertThat(ThreadGovernor.spinsAt(1)).isFalse();
    }

    @Test
    void onAQuietMachineItStaysEagerAndTrialsGetRare() {
        ThreadGovernor g = new ThreadGovernor(2);
        Machine quiet = new Machine(37, 24, 22);
        long[] first = run(g, quiet, 1000);
        assertThat(g.threads(2)).isEqualTo(2);
        assertThat(g.spin()).isTrue();
        // trials double their interval up to 256 steps: 8, 16, ..., 256 then every 256, TRIAL_STEPS each
        assertThat(first[2]).isGreaterThan(1000 - 8 * ThreadGovernor.TRIAL_STEPS);
        long[] later = run(g, quiet, 10_000);
        double cost = (later[0] * (37 - 22) + later[1] * (24 - 22)) / (10_000 * 22.0);
        assertThat(cost).as("time lost to trials on a quiet machine").isLessThan(0.01);
    }

    @Test
    void besideBusyProgramsItFindsTheFasterPoliteMode() {
        ThreadGovernor g = new ThreadGovernor(2);
        run(g, new Machine(53, 41, 62), 200);
        assertThat(g.threads(2)).isEqualTo(2);
        assertThat(g.spin()).isFalse();

        ThreadGovernor h = new ThreadGovernor(2);
        run(h, new Machine(40, 60, 80), 200);
        assertThat(h.threads(2)).isEqualTo(1);

        // one busy program per core: two threads take as long parking as spinning, one alone is a third faster (the
        // demo MLP's step measured 10 ms on one thread, 15 on two either way); the parking mode is no better than
        // the eager one, so only a trial past it finds one thread
        ThreadGovernor f = new ThreadGovernor(2);
        long[] modes = run(f, new Machine(10, 15, 15), 300);
        assertThat(f.threads(2)).isEqualTo(1);
        assertThat(modes[0]).as("steps on one thread of 300").isGreaterThan(200);
    }

    @Test
    void whenTheMachineGetsBusyItMovesSoonAndWhenItQuietsItComesBack() {
        ThreadGovernor g = new ThreadGovernor(2);
        run(g, new Machine(37, 24, 22), 3000); // settled, trials every 256 steps
        long[] busy = run(g, new Machine(40, 60, 80), 30); // steps 4x slower than when confirmed: look again at once
        assertThat(busy[2])
                .as("steps still spent eager after the change (3 to notice, as many as a trial to check it against)")
                .isLessThanOrEqualTo(3 + ThreadGovernor.TRIAL_STEPS);
        long[] settled = run(g, new Machine(40, 60, 80), 100);
        assertThat(settled[0])
                .as("steps on one thread once it settled (trials aside)")
                .isGreaterThanOrEqualTo(100 - 4 * ThreadGovernor.TRIAL_STEPS);
        // quieter again: one thread's steps hardly change, so it is the next trial (the interval has grown) that finds
        // the way back
        long[] back = run(g, new Machine(37, 24, 22), 200);
        assertThat(back[2]).as("eager steps of the 200 after it quieted").isGreaterThan(60);
        long[] after = run(g, new Machine(37, 24, 22), 400); // trials' interval doubling from 8
        assertThat(after[2]).isGreaterThan(400 - 7 * ThreadGovernor.TRIAL_STEPS);
    }

    @Test
    void noiseDoesNotMakeItWander() {
        ThreadGovernor g = new ThreadGovernor(2);
        Rng r = new Rng(7);
        long[] modes = new long[3];
        for (int i = 0; i < 5000; i++) {
            int k = g.threads(2);
            boolean spin = g.spin();
            modes[k == 1 ? 0 : spin ? 2 : 1]++;
            double base = k == 1 ? 37 : spin ? 22 : 24;
            g.stepTook((long) (base * (1 + 0.1 * Math.abs(r.nextGaussian())) * 1e6)); // up to ~20 % slower now and then
        }
        assertThat(modes[2]).isGreaterThan(4700);
    }

    @Test
    void aNewShareStartsOverWithEveryThreadAndOneThreadHasNothingToChoose() {
        ThreadGovernor g = new ThreadGovernor(2);
        run(g, new Machine(40, 60, 80), 200);
        assertThat(g.threads(2)).isEqualTo(1);
        assertThat(g.threads(4)).isEqualTo(4); // the sweep handed the run more cores
        assertThat(g.spin()).isTrue();
        ThreadGovernor one = new ThreadGovernor(1);
        for (int i = 0; i < 100; i++) {
            assertThat(one.threads(1)).isEqualTo(1);
            one.stepTook(1_000_000L * (1 + i % 7));
        }
        assertThat(one.stepsByThreads()[1]).isEqualTo(100);
    }
}
