package org.grokscope.run;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * While open, SIGINT/SIGTERM (the JVM's shutdown) calls {@code stop} and then holds the JVM until {@link #close()} (or
 * a timeout), so the interrupted work can leave its files consistent.
 */
public final class StopOnSignal implements AutoCloseable {
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    public StopOnSignal(String name, Runnable stop, int timeoutSeconds) {
        hook = new Thread(
                () -> {
                    stop.run();
                    try {
                        done.await(timeoutSeconds, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and has just been released
        }
    }
}
