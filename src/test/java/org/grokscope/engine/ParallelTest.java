package org.grokscope.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ParallelTest {
    /**
     * Thousands of dispatches with pauses long enough for the workers to park: every one completes (the lost-wakeup
     * race fixed in Parallel has a window too narrow to reproduce on demand; this guards the path).
     */
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
                        if (round % 3 == 0)
                            LockSupport.parkNanos(250_000 + (round % 5) * 100_000L); // past the spin window
                    }
                    assertThat(sum.get()).isEqualTo(expected);
                }
            }
        });
    }

    /**
     * Back-to-back dispatches whose chunk counts alternate small and large, with more threads than cores so that
     * threads are preempted between reading a dispatch and claiming from it: every chunk of every dispatch runs exactly
     * once and no dispatch waits forever. (A thread that read dispatch d's word and then the next dispatch's larger
     * count once claimed a chunk past d's end; the caller then waited for a count it could never reach.)
     */
    @Test
    void aLateThreadNeverClaimsFromAFinishedDispatch() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            try (Parallel pool = new Parallel(4)) {
                int[] runs = new int[64];
                for (int round = 0; round < 200_000; round++) {
                    int n = round % 2 == 0 ? 2 : 2 + round % 61;
                    java.util.Arrays.fill(runs, 0, n + 1, 0);
                    pool.run(n, c -> runs[c]++); // each chunk writes only its own cell
                    for (int c = 0; c <= n; c++)
                        if (runs[c] != (c < n ? 1 : 0))
                            throw new AssertionError(
                                    "round " + round + ": chunk " + c + " of " + n + " ran " + runs[c] + " times");
                }
            }
        });
    }

    @Test
    void failuresInTasksReachTheCaller() {
        try (Parallel pool = new Parallel(2)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.run(8, c -> {
                        if (c == 5) throw new IllegalStateException("boom");
                    }))
                    .hasMessage("boom");
            AtomicLong n = new AtomicLong();
            pool.run(4, c -> n.incrementAndGet()); // still usable afterwards
            assertThat(n.get()).isEqualTo(4);
        }
    }

    /**
     * The number of threads in use changes from another thread while dispatches run (what a sweep does when a run
     * finishes and frees a core): every dispatch completes exactly once, only allowed slots run, and a slot never runs
     * two chunks at once.
     */
    @Test
    void threadsInUseCanChangeBetweenDispatches() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            try (Parallel pool = new Parallel(3)) {
                AtomicLong sum = new AtomicLong();
                java.util.concurrent.atomic.AtomicIntegerArray busy =
                        new java.util.concurrent.atomic.AtomicIntegerArray(3);
                java.util.concurrent.atomic.AtomicBoolean bad = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
                Thread changer = new Thread(() -> {
                    int k = 0;
                    while (!done.get()) {
                        pool.use(1 + k++ % 3);
                        LockSupport.parkNanos(50_000 + (k % 7) * 40_000L);
                    }
                });
                changer.start();
                long expected = 0;
                int[] seenSlots = new int[3];
                for (int round = 0; round < 20000; round++) {
                    int n = 1 + round % 9;
                    pool.run(n, (Parallel.SlotTask) (c, slot) -> {
                        if (busy.getAndIncrement(slot) != 0) bad.set(true);
                        seenSlots[slot] = 1;
                        sum.addAndGet(c + 1);
                        busy.decrementAndGet(slot);
                    });
                    expected += (long) n * (n + 1) / 2;
                    if (round % 500 == 0) LockSupport.parkNanos(300_000); // let workers park now and then
                }
                done.set(true);
                changer.join();
                assertThat(sum.get()).isEqualTo(expected);
                assertThat(bad.get()).as("a slot ran two chunks at once").isFalse();
                assertThat(seenSlots).containsOnly(1); // every slot took part at some point
                pool.use(1);
                Thread caller = Thread.currentThread();
                pool.run(6, c -> {
                    if (Thread.currentThread() != caller) bad.set(true);
                });
                assertThat(bad.get())
                        .as("with use(1) only the caller runs chunks")
                        .isFalse();
            }
        });
    }
}
