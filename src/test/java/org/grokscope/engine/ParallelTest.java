package org.grokscope.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ParallelTest {
    /** Thousands of dispatches with pauses long enough for the workers to park: every one completes (the
     * lost-wakeup race fixed in Parallel has a window too narrow to reproduce on demand; this guards the path). */
    @Test
    void noLostWakeupsAcrossParkAndDispatch() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int threads : new int[] {2, 3}) {
                try (Parallel pool = new Parallel(threads)) {
                    AtomicLong sum = new AtomicLong();
                    long expected = 0;
                    for (int round = 0; round < 3000; round++) {
                        int n = 1 + round % 7;
                        pool.run(n, c -> sum.addAndGet(c + 1));
                        expected += (long) n * (n + 1) / 2;
                        if (round % 3 == 0) LockSupport.parkNanos(250_000 + (round % 5) * 100_000L); // past the spin window
                    }
                    assertThat(sum.get()).isEqualTo(expected);
                }
            }
        });
    }

    @Test
    void failuresInTasksReachTheCaller() {
        try (Parallel pool = new Parallel(2)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.run(8, c -> { if (c == 5) throw new IllegalStateException("boom"); }))
                    .hasMessage("boom");
            AtomicLong n = new AtomicLong();
            pool.run(4, c -> n.incrementAndGet()); // still usable afterwards
            assertThat(n.get()).isEqualTo(4);
        }
    }
}
