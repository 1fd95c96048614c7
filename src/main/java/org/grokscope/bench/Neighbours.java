package org.grokscope.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Busy processes beside a benchmark: what other people's jobs on a shared server, a second Spark task on a node or a
 * laptop's browser do to a training step. Each neighbour is a separate JVM (this class's {@link #main}) spinning on one
 * thread, started under {@code nice -n NICE}, so the kernel schedules it like any other program at that priority; a
 * separate process rather than a thread in ours, because a thread cannot be given its own priority from Java and would
 * share our JIT and GC. They are started before the timed work and killed by {@link #close()} (and by a shutdown hook
 * if the benchmark is interrupted).
 */
public final class Neighbours implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::destroyAll, "grokscope-neighbours-cleanup");
    private final int count, nice;

    /**
     * Starts {@code count} busy processes at priority {@code nice} (-20..19; below 0 needs root) and waits until each
     * spins.
     */
    public Neighbours(int count, int nice) throws IOException {
        if (count < 0) throw new IllegalArgumentException("neighbours: count must be >= 0, got " + count);
        if (nice < -20 || nice > 19)
            throw new IllegalArgumentException("neighbours: nice must be in -20..19, got " + nice);
        this.count = count;
        this.nice = nice;
        Runtime.getRuntime().addShutdownHook(hook);
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        try {
            for (int i = 0; i < count; i++) {
                Process p = new ProcessBuilder(
                                "nice",
                                "-n",
                                Integer.toString(nice),
                                java,
                                "-Xmx16m",
                                "-XX:TieredStopAtLevel=1",
                                "-cp",
                                cp,
                                Neighbours.class.getName())
                        .redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.PIPE)
                        .start();
                processes.add(p);
                BufferedReader r =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line = r.readLine();
                if (!"spinning".equals(line))
                    throw new IOException("neighbours: a busy process did not start (it said: " + line + ")");
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Words for a table: "2 busy processes at nice 0", or "quiet". */
    public String describe() {
        return count == 0 ? "quiet" : count + " busy process" + (count == 1 ? "" : "es") + " at nice " + nice;
    }

    @Override
    public void close() {
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private void destroyAll() {
        for (Process p : processes) p.destroyForcibly();
        for (Process p : processes) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        processes.clear();
    }

    /** The neighbour itself: says it is spinning, then spins until its standard input closes or it is killed. */
    public static void main(String[] args) throws Exception {
        System.out.println("spinning");
        System.out.flush();
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    /* the parent holds the pipe open while it wants us */
                }
            } catch (IOException ignored) {
                // parent gone
            }
            Runtime.getRuntime().halt(0);
        });
        watcher.setDaemon(true);
        watcher.start();
        long x = 0;
        while (true)
            x = x * 6364136223846793005L + 1442695040888963407L; // pure user time, no allocation, no system calls
    }
}
