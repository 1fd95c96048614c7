package org.grokscope.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A small reusable thread pool for data-parallel loops: {@code run(chunks, task)} calls
 * {@code task.run(c)} once for every chunk index c, spread over the pool's threads (the caller is one
 * of them). Chunks are claimed dynamically, so callers must make every chunk's result independent of
 * which thread runs it; all kernels in this package do, which makes results bitwise identical for any
 * thread count. Workers spin briefly between dispatches (a training step dispatches hundreds of
 * short loops) and then park. Tasks are plain objects the caller keeps, so a dispatch allocates nothing.
 * In a process's first seconds, while the JIT compiler is busy, dispatches run on the calling thread
 * alone ({@link JitWarmup}).
 */
public final class Parallel implements AutoCloseable {

    /** One loop body; {@code chunk} is in [0, chunks). */
    public interface Task {
        void run(int chunk);
    }

    /**
     * A loop body that also learns which of the pool's threads runs it: {@code slot} is in [0, threads()),
     * 0 for the calling thread, and no two threads share a slot during one dispatch, so a task can keep
     * one scratch buffer per slot instead of one per chunk.
     */
    public interface SlotTask extends Task {
        void run(int chunk, int slot);

        @Override
        default void run(int chunk) {
            run(chunk, 0);
        }
    }

    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Thread[] workers;
    // volatile slots: the worker's "I am parking" store and the dispatcher's generation bump form a
    // Dekker handshake, which needs sequentially consistent accesses on both sides (a plain store here
    // may become visible after the worker's volatile read of generation: a lost wakeup, seen as a hang)
    private final AtomicReferenceArray<Thread> sleeping;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private volatile Task task;
    private volatile int chunks;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile int use;          // threads taking part in the next dispatch, 1..threads
    private volatile int maxUsed;      // the largest use(k) so far, 0 if never set
    private volatile int participants; // workers (ids 0..participants-1) taking part in the current dispatch
    private boolean inside;

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.use = threads;
        this.workers = new Thread[threads - 1];
        this.sleeping = new AtomicReferenceArray<>(threads - 1);
        for (int i = 0; i < workers.length; i++) {
            int id = i;
            workers[i] = new Thread(() -> workerLoop(id), "grokscope-worker-" + (i + 1));
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    /** Number of cores the JVM may use. */
    public static int availableCores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The pool's capacity: scratch buffers per thread are sized by it. */
    public int threads() {
        return threads;
    }

    /**
     * How many of the pool's threads take part in dispatches from now on (1 to {@link #threads()}); the
     * others park. Safe from any thread at any time: a dispatch reads it once when it starts. Results do
     * not depend on it (chunking never does), so a sweep can hand a run the cores other runs free up.
     */
    public void use(int k) {
        use = Math.max(1, Math.min(threads, k));
        maxUsed = Math.max(maxUsed, use);
    }

    /** The most threads this pool has been asked to use (provenance for a run whose share grew). */
    public int maxInUse() {
        return maxUsed == 0 ? threads : maxUsed;
    }

    public int inUse() {
        return use;
    }

    /** Runs task.run(c) for c in [0, n); returns when all have finished. Not re-entrant. */
    public void run(int n, Task t) {
        if (n <= 0) return;
        int k = use;
        if (k > 1 && JitWarmup.holding()) k = 1; // the JIT compiler is busy: leave it the other cores
        if (k == 1 || n == 1 || inside) {
            for (int c = 0; c < n; c++) t.run(c);
            return;
        }
        inside = true;
        try {
            failure = null;
            task = t;
            chunks = n;
            next.set(0);
            participants = k - 1;
            active.set(k - 1);
            generation++; // volatile write publishes task/chunks/participants
            for (int i = 0; i < k - 1; i++) {
                Thread s = sleeping.get(i);
                if (s != null) LockSupport.unpark(s);
            }
            work(t, n, 0);
            while (active.get() != 0) Thread.onSpinWait();
            task = null;
            Throwable f = failure;
            if (f != null) {
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error e) throw e;
                throw new RuntimeException(f);
            }
        } finally {
            inside = false;
        }
    }

    private void work(Task t, int n, int slot) {
        int c;
        if (t instanceof SlotTask st) while ((c = next.getAndIncrement()) < n) st.run(c, slot);
        else while ((c = next.getAndIncrement()) < n) t.run(c);
    }

    private void workerLoop(int id) {
        long seen = 0;
        while (true) {
            long g = generation;
            if (g == seen) {
                long start = System.nanoTime();
                while ((g = generation) == seen && !closed && System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                if (g == seen && !closed) {
                    sleeping.set(id, Thread.currentThread());
                    if (generation == seen && !closed) LockSupport.parkNanos(this, 1_000_000L); // bounded: belt and braces
                    sleeping.set(id, null);
                    continue;
                }
            }
            if (closed) return;
            seen = g;
            // not in this dispatch (the pool is using fewer threads): skip it. The dispatcher does not wait
            // for such a worker, so it may already have started a newer dispatch: read participants, then
            // confirm the generation is still the one it belongs to, else look again
            int parts = participants;
            if (generation != g || id >= parts) continue;
            try {
                Task t = task;
                if (t != null) work(t, chunks, id + 1);
            } catch (Throwable e) {
                failure = e;
                next.set(Integer.MAX_VALUE / 2);
            } finally {
                active.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
