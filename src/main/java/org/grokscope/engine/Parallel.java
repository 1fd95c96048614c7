package org.grokscope.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A small reusable thread pool for data-parallel loops: {@code run(chunks, task)} calls {@code task.run(c)} once for
 * every chunk index c, spread over the pool's threads (the caller is one of them). Chunks are claimed one at a time by
 * whichever thread gets there first, so callers must make every chunk's result independent of which thread runs it; all
 * kernels in this package do, which makes results bitwise identical for any thread count. Tasks are plain objects the
 * caller keeps, so a dispatch allocates nothing. In a process's first seconds, while the JIT compiler is busy,
 * dispatches run on the calling thread alone ({@link JitWarmup}).
 *
 * <p><b>On a busy machine.</b> A training step is some hundreds of dispatches of a few to a few hundred microseconds
 * each. When other programs compete for the cores, any of our threads may be descheduled for a scheduler slice
 * (milliseconds) at any moment. So nothing here waits for a thread, only for a chunk: a dispatch is one word, (dispatch
 * number, next chunk), and a thread takes a chunk by a compare-and-set that names the dispatch. A worker that wakes
 * late finds every chunk taken (or the word already on a later dispatch) and takes nothing; the caller runs whatever is
 * left itself and then waits only for chunks that were started. How eagerly the threads wait is a mode the pool's
 * {@link ThreadGovernor} picks from the training steps' own times: on a quiet machine idle workers spin between
 * dispatches and the caller spins on unfinished chunks (a parked thread's core may go idle, and waking it costs more
 * than most waits); on a busy one they park at once, or fewer threads take part.
 */
public final class Parallel implements AutoCloseable {

    /** One loop body; {@code chunk} is in [0, chunks). */
    public interface Task {
        void run(int chunk);
    }

    /**
     * A loop body that also learns which of the pool's threads runs it: {@code slot} is in [0, threads()), 0 for the
     * calling thread, and no two threads share a slot during one dispatch, so a task can keep one scratch buffer per
     * slot instead of one per chunk.
     */
    public interface SlotTask extends Task {
        void run(int chunk, int slot);

        @Override
        default void run(int chunk) {
            run(chunk, 0);
        }
    }

    /** How long an idle worker spins for the next dispatch before it parks, on a quiet machine. */
    private static final long IDLE_SPIN_NANOS = 200_000;
    /**
     * The caller's spin for started chunks to finish before it parks: in the eager mode (a quiet machine) up to
     * {@link #EAGER_WAIT_SPIN_NANOS}, since a parked caller's core may go idle and waking it costs more than most
     * waits; in the polite mode twice its own chunks' mean time, within these bounds.
     */
    private static final long EAGER_WAIT_SPIN_NANOS = 1_000_000,
            MIN_WAIT_SPIN_NANOS = 5_000,
            MAX_WAIT_SPIN_NANOS = 500_000;

    private static final int CLOSED = Integer.MAX_VALUE;

    private final int threads;
    private final Thread[] workers;
    // volatile slots: a parking thread's "I am parking" store and the other side's store to the word it
    // waits on form a Dekker handshake, which needs sequentially consistent accesses on both sides (a plain
    // store may become visible after the parking thread's volatile read: a lost wakeup, seen as a hang)
    private final AtomicReferenceArray<Thread> sleeping;
    /**
     * (dispatch number << 32) | next unclaimed chunk, or CLOSED once the dispatch is over: the only word a claim reads
     * and writes.
     */
    private final AtomicLong claim = new AtomicLong();
    /** Chunks of the current dispatch that have finished. */
    private final AtomicInteger done = new AtomicInteger();

    private volatile boolean spinIdle =
            true; // the eager mode: idle workers spin before parking, the caller spins longer (the governor's choice)
    private volatile Thread waiter; // the caller, while it is parked waiting for started chunks
    private volatile Task task; // the current dispatch's body, published before its claim word
    private volatile int chunks;
    private volatile int participants; // workers (ids 0..participants-1) that may join the current dispatch
    private volatile boolean skip; // a chunk failed: claim the rest without running them
    private volatile Throwable failure;
    private volatile boolean closed;
    private volatile int use; // threads taking part in the next dispatch, 1..threads
    private volatile int maxUsed; // the largest use(k) so far, 0 if never set
    private final ThreadGovernor governor;
    private long dispatch; // the caller's count of published dispatches
    private long calls; // run() calls of more than one chunk: hand-offs when threads take part
    private boolean inside;

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.use = threads;
        this.governor = new ThreadGovernor(threads);
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
     * How many of the pool's threads take part in dispatches from now on (1 to {@link #threads()}); the others park.
     * Safe from any thread at any time: a dispatch reads it once when it starts. Results do not depend on it (chunking
     * never does), so a sweep can hand a run the cores other runs free up.
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

    /**
     * Whether pools adapt their thread count to the machine's load ({@link ThreadGovernor});
     * {@code -Dgrokscope.adaptiveThreads=false} turns it off.
     */
    static final boolean ADAPTIVE = !"false".equals(System.getProperty("grokscope.adaptiveThreads"));

    /**
     * A training step took {@code nanos} of wall time: the pool times its steps to choose how many of its threads to
     * use on a busy machine ({@link ThreadGovernor}). Call it from the thread that dispatches.
     */
    public void stepTook(long nanos) {
        if (ADAPTIVE && !JitWarmup.holding()) governor.stepTook(nanos);
    }

    /** How many training steps ran with each thread count (index = threads) since the pool was made. */
    public long[] stepsByThreads() {
        return governor.stepsByThreads();
    }

    /**
     * How many loops of more than one chunk this pool has been given: a step's count is its number of hand-offs to the
     * workers when threads take part (a loop of one chunk runs on the caller). Read it from the thread that dispatches.
     */
    public long dispatches() {
        return calls;
    }

    /** How many of them ran in the eager mode: every thread the pool may use, idle workers spinning. */
    public long eagerSteps() {
        return governor.eagerSteps();
    }

    /** Runs task.run(c) for c in [0, n); returns when all have finished. Not re-entrant. */
    public void run(int n, Task t) {
        if (n <= 0) return;
        if (n > 1) calls++;
        int k = use;
        if (ADAPTIVE) {
            k = governor.threads(k);
            boolean sp = governor.spin();
            if (sp != spinIdle) spinIdle = sp;
        }
        if (k > 1 && JitWarmup.holding()) k = 1; // the JIT compiler is busy: leave it the other cores
        if (k == 1 || n == 1 || inside) {
            for (int c = 0; c < n; c++) t.run(c);
            return;
        }
        inside = true;
        try {
            failure = null;
            skip = false;
            task = t;
            chunks = n;
            participants = k - 1;
            done.set(0);
            long d = ++dispatch;
            claim.set(d << 32); // volatile write: publishes task, chunks, participants and done
            for (int i = 0; i < k - 1; i++) {
                Thread s = sleeping.get(i);
                if (s != null) LockSupport.unpark(s);
            }
            long t0 = System.nanoTime();
            int mine = work(d, t, n, 0);
            if (done.get() != n) awaitStarted(n, mine == 0 ? 0 : (System.nanoTime() - t0) / mine);
            // close d before the next dispatch's fields are written: a thread that read d's word, then a later
            // dispatch's chunk count, would otherwise claim "chunk n" of d (past d's end, inside the next count)
            claim.set(d << 32 | CLOSED);
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

    /**
     * Claims and runs chunks of dispatch d until none is left or the word has moved on to a later dispatch; returns how
     * many this thread ran. A successful claim proves dispatch d is still open: the caller marks d's word CLOSED when
     * every chunk of d has finished, and only then writes the next dispatch's task and count. So t and n, read after
     * the word showed d, belong to d whenever a claim succeeds (had either been the next dispatch's, the word would
     * have been CLOSED or later at the compare-and-set).
     */
    private int work(long d, Task t, int n, int slot) {
        SlotTask st = t instanceof SlotTask s ? s : null;
        int ran = 0;
        while (true) {
            long w = claim.get();
            int c = (int) w;
            if (w >>> 32 != d || c >= n) return ran;
            if (!claim.compareAndSet(w, w + 1)) continue;
            try {
                if (!skip) {
                    if (st != null) st.run(c, slot);
                    else t.run(c);
                }
            } catch (Throwable e) {
                failure = e;
                skip = true;
            } finally {
                if (done.incrementAndGet() == n) {
                    Thread wt = waiter;
                    if (wt != null) LockSupport.unpark(wt);
                }
                ran++;
            }
        }
    }

    /**
     * Every chunk is claimed and some are still running on other threads: spin about as long as a chunk takes (a
     * running thread finishes within that), then park until the last one to finish wakes us. A thread descheduled in
     * the middle of a chunk then gets this core instead of a spinning caller.
     */
    private void awaitStarted(int n, long chunkNanos) {
        long limit = spinIdle
                ? EAGER_WAIT_SPIN_NANOS
                : Math.max(MIN_WAIT_SPIN_NANOS, Math.min(MAX_WAIT_SPIN_NANOS, 2 * chunkNanos));
        long start = System.nanoTime();
        while (done.get() != n) {
            if (System.nanoTime() - start > limit) {
                waiter = Thread.currentThread();
                while (done.get() != n) LockSupport.parkNanos(this, 1_000_000L); // bounded: belt and braces
                waiter = null;
                return;
            }
            Thread.onSpinWait();
        }
    }

    private void workerLoop(int id) {
        long seen = 0;
        while (true) {
            long d = claim.get() >>> 32;
            if (d == seen) {
                if (spinIdle) {
                    long start = System.nanoTime();
                    while ((d = claim.get() >>> 32) == seen && !closed && System.nanoTime() - start < IDLE_SPIN_NANOS)
                        Thread.onSpinWait();
                }
                if (d == seen && !closed) {
                    sleeping.set(id, Thread.currentThread());
                    if (claim.get() >>> 32 == seen && !closed)
                        LockSupport.parkNanos(this, 1_000_000L); // bounded: belt and braces
                    sleeping.set(id, null);
                    continue;
                }
            }
            if (closed) return;
            seen = d;
            if (id >= participants) continue; // not in this dispatch (the pool is using fewer threads)
            work(d, task, chunks, id + 1);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
