package org.grokscope.engine;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * While the JVM's JIT compiler is busy (a process's first seconds), pools run their dispatches on the calling thread
 * alone, so the compiler threads get the other cores. On two cores a training step's first seconds otherwise run three
 * ways: the step's two threads and C2, which is compiling the very kernels the step waits on. Results never depend on
 * it (chunking does not depend on the number of threads). Measured in BENCHMARKS.md (nanda-p113 on 2 cores: full speed
 * after 1.6–1.9 s instead of 2.4–3.0 s, together with the GEMM's branch-covering warm-up and four compiler threads).
 *
 * <p>"Busy" is the compiler's share of wall time over the last window of at least 100 ms (the first window runs from
 * JVM start): above 25 %, dispatches stay on one thread. The first quiet window ends warm-up for the whole JVM, and so
 * does a limit of 5 s after the first check, whatever the compiler does. Off without compilation-time monitoring, and
 * with {@code -Dgrokscope.jitWarmup=false} (the test suite sets it, so tests of thread-count independence always run on
 * every thread).
 */
final class JitWarmup {
    static final double BUSY_SHARE = 0.25;
    static final long WINDOW_NANOS = 100_000_000L;
    static final long LIMIT_NANOS = 5_000_000_000L;

    private static final JitWarmup JVM = forThisJvm();

    private final LongSupplier compileMillis, nanoTime;
    private final long uptimeMillisAtStart;
    private volatile boolean over;
    private long firstCheck = -1, windowStart, compileAtStart; // guarded by this

    JitWarmup(LongSupplier compileMillis, LongSupplier nanoTime, long uptimeMillisAtStart) {
        this.compileMillis = compileMillis;
        this.nanoTime = nanoTime;
        this.uptimeMillisAtStart = uptimeMillisAtStart;
    }

    private static JitWarmup forThisJvm() {
        CompilationMXBean b = ManagementFactory.getCompilationMXBean();
        JitWarmup w = new JitWarmup(
                b == null ? () -> 0 : b::getTotalCompilationTime,
                System::nanoTime,
                ManagementFactory.getRuntimeMXBean().getUptime());
        if (b == null
                || !b.isCompilationTimeMonitoringSupported()
                || "false".equals(System.getProperty("grokscope.jitWarmup"))) w.over = true;
        return w;
    }

    /** Whether this JVM's dispatches should stay on the calling thread now: one volatile read once warm-up is over. */
    static boolean holding() {
        return !JVM.over && JVM.check();
    }

    synchronized boolean check() {
        if (over) return false;
        long now = nanoTime.getAsLong();
        boolean busy;
        if (firstCheck < 0) {
            firstCheck = windowStart = now;
            compileAtStart = compileMillis.getAsLong();
            busy = compileAtStart > BUSY_SHARE * Math.max(1, uptimeMillisAtStart); // since JVM start
        } else if (now - windowStart >= WINDOW_NANOS) {
            long c = compileMillis.getAsLong();
            busy = (c - compileAtStart) * 1_000_000.0 > BUSY_SHARE * (now - windowStart);
            windowStart = now;
            compileAtStart = c;
        } else {
            busy = true; // inside a window that started busy
        }
        if (!busy || now - firstCheck >= LIMIT_NANOS) over = true;
        return !over;
    }
}
