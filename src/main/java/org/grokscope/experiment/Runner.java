package org.grokscope.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grokscope.train.TrainListener;
import org.grokscope.train.Trainer;

/**
 * Runs one training job into a run directory: fresh, or resumed from the directory's checkpoint.
 * Ctrl-C (SIGINT/SIGTERM) stops the loop at the next step; the listeners then write a consistent
 * directory (metrics, checkpoint, summary with status "interrupted") before the JVM exits.
 */
public final class Runner {
    public record Result(Trainer.Outcome outcome, RunSummary summary, Path dir) {}

    private Runner() {}

    /** data.json (what the data is: file, tokenizer, sizes) and, for text, the vocabulary the ids index. */
    static void writeData(Path dir, Experiment ex) throws IOException {
        AtomicFiles.writeString(dir.resolve("data.json"), ConfigLoader.JSON.writeValueAsString(ex.dataInfo) + "\n");
        if (ex.text != null) AtomicFiles.writeString(dir.resolve("vocab.txt"), String.join("\n", ex.text.vocabulary()) + "\n");
    }

    public static Result run(RunConfig cfg, Path dir, int threads, boolean resume, PrintStream out, boolean tty,
                             String command, List<TrainListener> extra) throws IOException, ConfigException {
        return run(cfg, dir, threads, threads, null, resume, out, tty, command, extra);
    }

    /**
     * @param capacity engine threads the run may grow to ({@code threads} at first)
     * @param onPool   hears the run's engine pool before training starts (may be null), so a sweep can
     *                 give it idle cores
     */
    public static Result run(RunConfig cfg, Path dir, int threads, int capacity, java.util.function.Consumer<org.grokscope.engine.Parallel> onPool,
                             boolean resume, PrintStream out, boolean tty, String command, List<TrainListener> extra) throws IOException, ConfigException {
        if (!resume && Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isPresent())
                    throw new ConfigException(dir + ": directory exists and is not empty; choose another --out, or continue it with 'grokscope train --resume " + dir + "'");
            }
        }
        Map<String, Object> prov = Provenance.collect(threads, command);
        try (Experiment ex = new Experiment(cfg, threads, capacity, out)) {
            if (onPool != null) onPool.accept(ex.pool);
            RunDirectory rd = new RunDirectory(dir, cfg, prov).withPool(ex.pool);
            writeData(dir, ex);
            if (ex.probes != null) rd.withProbes(ex.probes);
            if (resume) {
                Path ck = dir.resolve(RunDirectory.CHECKPOINT), legacy = dir.resolve(RunDirectory.LEGACY_CHECKPOINT);
                int step;
                if (Files.exists(ck)) step = Checkpoint.load(ck, ex.model.params(), ex.trainer.optimizer());
                else if (Files.exists(legacy)) step = Checkpoint.loadLegacy(legacy, ex.model.params().w, ex.trainer.optimizer());
                else throw new ConfigException(dir + ": no " + RunDirectory.CHECKPOINT + " to resume from");
                rd.restore(step);
                ex.trainer.resumeAt(step, rd.evaluations());
                if (out != null) out.println("resuming " + dir + " at step " + step);
            }
            if (ex.probes != null) ex.trainer.listen(ex.probes); // before the run directory, which writes its cells
            ex.trainer.listen(rd);
            if (out != null) ex.trainer.listen(new ProgressPrinter(out, tty, cfg.analysis().memorizationThreshold(), cfg.analysis().generalizationThreshold(),
                    ex.probes == null ? null : ex.probes.advisor()));
            for (TrainListener l : extra) ex.trainer.listen(l);
            Trainer.Outcome o;
            try (StopOnSignal signal = new StopOnSignal("grokscope-interrupt", ex.trainer::requestStop, 60)) {
                o = ex.trainer.run();
            }
            return new Result(o, rd.summary(), dir);
        }
    }
}
