package org.grokscope.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grokscope.config.ConfigException;
import org.grokscope.config.Json;
import org.grokscope.config.RunConfig;
import org.grokscope.train.TrainListener;
import org.grokscope.train.Trainer;

/**
 * Runs one training job into a run directory: fresh, or resumed from the directory's checkpoint. Ctrl-C
 * (SIGINT/SIGTERM) stops the loop at the next step; the listeners then write a consistent directory (metrics,
 * checkpoint, summary with status "interrupted") before the JVM exits.
 */
public final class Runner {
    /**
     * How a run ended, its summary, and what it recorded: every evaluation and every non-empty cell of the columns
     * after the base ones (collapse shares, probes), including those kept from before a resume. A sweep's store is
     * filled from these, as the run produced them, not by reading metrics.csv back.
     */
    public record Result(
            Trainer.Outcome outcome,
            RunSummary summary,
            Path dir,
            List<org.grokscope.train.Evaluation> evaluations,
            List<RunDirectory.Cell> cells) {}

    private Runner() {}

    /**
     * A run that ended (completed, stopped early or diverged) has nothing to resume: refuse before touching its files.
     */
    static void refuseFinished(Path dir, RunConfig cfg) throws ConfigException {
        Path s = dir.resolve(RunDirectory.SUMMARY);
        if (!Files.exists(s)) return;
        String status;
        try {
            status = Json.MAPPER.readTree(s.toFile()).path("status").asText("");
        } catch (IOException e) {
            return; // an unreadable summary is rewritten by the resumed run
        }
        Trainer.Status st = Trainer.Status.ofKey(status);
        if (st != Trainer.Status.INTERRUPTED)
            throw new ConfigException(
                    dir + ": the run already " + (st == Trainer.Status.DIVERGED ? "diverged" : "completed")
                            + " (status " + status + " in " + RunDirectory.SUMMARY
                            + "); nothing to resume. To train longer, copy its config.json, raise training.steps and start a new run");
    }

    /** data.json (what the data is: file, tokenizer, sizes) and, for text, the vocabulary the ids index. */
    static void writeData(Path dir, Experiment ex) throws IOException {
        AtomicFiles.writeString(dir.resolve("data.json"), Json.MAPPER.writeValueAsString(ex.dataInfo) + "\n");
        if (ex.text != null)
            AtomicFiles.writeString(dir.resolve("vocab.txt"), String.join("\n", ex.text.vocabulary()) + "\n");
    }

    /**
     * A run of {@code cfg} into {@code dir}: set what differs from the defaults (1 thread, fresh, silent), then
     * {@link Job#run()}.
     */
    public static Job job(RunConfig cfg, Path dir) {
        return new Job(cfg, dir);
    }

    /** What a run needs besides its config and directory, named instead of positional booleans and nulls. */
    public static final class Job {
        private final RunConfig cfg;
        private final Path dir;
        private int threads = 1, capacity;
        private java.util.function.Consumer<org.grokscope.engine.Parallel> onPool;
        private boolean resume, tty;
        private PrintStream out;
        private String command = "grokscope";
        private double flushSeconds = 5, checkpointSeconds = 60;
        private java.util.function.IntConsumer afterCheckpoint;
        private final List<TrainListener> listeners = new java.util.ArrayList<>();

        private Job(RunConfig cfg, Path dir) {
            this.cfg = cfg;
            this.dir = dir;
        }

        /** Engine threads (results do not depend on them). */
        public Job threads(int n) {
            threads = n;
            return this;
        }

        /**
         * The pool may grow to {@code capacity} threads; {@code onPool} hears it before training (a sweep hands it idle
         * cores).
         */
        public Job growTo(int capacity, java.util.function.Consumer<org.grokscope.engine.Parallel> onPool) {
            this.capacity = capacity;
            this.onPool = onPool;
            return this;
        }

        /** Continue the directory's run from its checkpoint instead of starting one. */
        public Job resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Print progress to {@code out} (a rewriting line when {@code tty}). */
        public Job progress(PrintStream out, boolean tty) {
            this.out = out;
            this.tty = tty;
            return this;
        }

        /** The command line recorded in provenance.json. */
        public Job command(String command) {
            this.command = command;
            return this;
        }

        /**
         * Append new rows to metrics.csv and rewrite progress.json at most every {@code seconds} (default 5); a watched
         * run (the dashboard next to it) uses 1, so new points show within a second or two.
         */
        public Job flushEvery(double seconds) {
            this.flushSeconds = seconds;
            return this;
        }

        /** Write checkpoint.safetensors at most every {@code seconds} of training (default 60) and at the end. */
        public Job checkpointEvery(double seconds) {
            this.checkpointSeconds = seconds;
            return this;
        }

        /**
         * Called with the step after each checkpoint is written (its metrics.csv with it): a run on a cluster copies
         * its directory to shared storage then, so a retry on another machine resumes from there.
         */
        public Job afterCheckpoint(java.util.function.IntConsumer hook) {
            this.afterCheckpoint = hook;
            return this;
        }

        /** More listeners of the training loop (after the run directory and the progress line). */
        public Job listen(List<TrainListener> more) {
            listeners.addAll(more);
            return this;
        }

        public Result run() throws IOException, ConfigException {
            try {
                return runChecked(this);
            } catch (Experiment.TooLarge e) {
                throw new ConfigException(e.getMessage());
            } catch (OutOfMemoryError e) {
                // a model or table inside the validated ranges can still exceed the heap: say so, with the numbers
                throw new ConfigException(
                        "out of memory: this run needs more than the "
                                + (Runtime.getRuntime().maxMemory() >> 20)
                                + " MiB of heap this JVM has (a smaller model or table, or a larger heap: GROKSCOPE_JAVA_OPTS=-Xmx...)");
            }
        }
    }

    private static Result runChecked(Job job) throws IOException, ConfigException {
        RunConfig cfg = job.cfg;
        Path dir = job.dir;
        int threads = job.threads, capacity = Math.max(job.threads, job.capacity);
        boolean resume = job.resume;
        PrintStream out = job.out;
        if (!resume && Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                if (s.anyMatch(f -> !f.getFileName().toString().equals(DirectoryLock.FILE)))
                    throw new ConfigException(dir + ": directory exists and is not empty; choose another --out"
                            + (Files.exists(dir.resolve("sweep.db"))
                                    ? " (it is a sweep directory: continue it with the sweep command that made it)"
                                    : Files.exists(dir.resolve(RunDirectory.CONFIG))
                                            ? ", or continue it with 'grokscope train --resume " + dir + "'"
                                            : ""));
            }
        }
        Map<String, Object> prov = Provenance.collect(threads, job.command);
        if (resume) {
            refuseFinished(dir, cfg);
            prov = Provenance.withEarlierSessions(dir, prov);
            // stopped before its first checkpoint (killed in its first minute): nothing to keep, so it starts over in
            // place
            if (!Files.exists(dir.resolve(RunDirectory.CHECKPOINT))
                    && !Files.exists(dir.resolve(RunDirectory.LEGACY_CHECKPOINT))) {
                resume = false;
                if (out != null)
                    out.println(dir + ": stopped before its first checkpoint; starting it over from step 0");
            }
        }
        try (Experiment ex = new Experiment(cfg, threads, capacity, out);
                DirectoryLock lock = DirectoryLock.acquire(dir, "run directory")) {
            if (job.onPool != null) job.onPool.accept(ex.pool);
            RunDirectory rd = new RunDirectory(dir, cfg, prov, job.flushSeconds, job.checkpointSeconds)
                    .withPool(ex.pool)
                    .afterCheckpoint(job.afterCheckpoint);
            writeData(dir, ex);
            if (ex.probes != null) rd.withProbes(ex.probes);
            if (resume) {
                Path ck = dir.resolve(RunDirectory.CHECKPOINT), legacy = dir.resolve(RunDirectory.LEGACY_CHECKPOINT);
                int step;
                if (Files.exists(ck)) step = Checkpoint.load(ck, ex.model.params(), ex.trainer.optimizer());
                else if (Files.exists(legacy))
                    step = Checkpoint.loadLegacy(legacy, ex.model.params().w, ex.trainer.optimizer());
                else throw new ConfigException(dir + ": no " + RunDirectory.CHECKPOINT + " to resume from");
                if (step > cfg.training().steps())
                    throw new ConfigException(
                            dir + ": the checkpoint is at step " + step + ", past this config's training.steps "
                                    + cfg.training().steps() + "; nothing to resume");
                if (step > 0 && !Files.exists(dir.resolve(RunDirectory.METRICS)))
                    throw new ConfigException(
                            dir + ": " + RunDirectory.METRICS + " is missing, so the evaluations before step " + step
                                    + " are gone; resuming would report wrong milestones. Start the run again in a new directory");
                prov.put("resumed_at_step", step);
                rd.restore(step);
                ex.trainer.resumeAt(step, rd.evaluations());
                if (out != null) out.println("resuming " + dir + " at step " + step);
            }
            if (ex.probes != null) ex.trainer.listen(ex.probes); // before the run directory, which writes its cells
            ex.trainer.listen(rd);
            if (out != null)
                ex.trainer.listen(new ProgressPrinter(
                        out,
                        job.tty,
                        cfg.analysis().memorizationThreshold(),
                        cfg.analysis().generalizationThreshold(),
                        ex.probes == null ? null : ex.probes.advisor()));
            for (TrainListener l : job.listeners) ex.trainer.listen(l);
            Trainer.Outcome o;
            try (StopOnSignal signal = new StopOnSignal("grokscope-interrupt", ex.trainer::requestStop, 60)) {
                o = ex.trainer.run();
            }
            return new Result(o, rd.summary(), dir, List.copyOf(rd.evaluations()), List.copyOf(rd.cells()));
        }
    }
}
