package org.grokscope.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.TaskContext;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.RunConfig;
import org.grokscope.run.DirectoryLock;
import org.grokscope.sweep.RunOutcome;
import org.grokscope.sweep.RunTask;
import org.grokscope.train.Evaluation;
import org.grokscope.train.TrainListener;
import org.grokscope.train.Trainer;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The body of one Spark task: one run, into its directory on shared storage, returned to the driver as its
 * {@link RunOutcome}. A retried task (its executor lost) finds the directory its last attempt checkpointed and resumes
 * there; the engine's results do not depend on the thread count, so neither on where it ran nor how often. A run that
 * diverges or that its config refuses is a failed run, returned like any other; only a directory held by another live
 * attempt fails the task, for Spark to retry.
 */
final class RunPartition extends AbstractFunction1<Iterator<TaskSpec>, RunOutcome> implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public RunOutcome apply(Iterator<TaskSpec> specs) {
        TaskSpec spec = specs.next();
        if (specs.hasNext()) throw new IllegalStateException("one run per partition, got more after " + spec.id());
        TaskContext ctx = TaskContext.get();
        try {
            return run(spec, SharedStorage.of(spec.shared()), ctx);
        } catch (DirectoryLock.Held e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param more listeners of the training loop besides Spark's kill check (a test stops a run part way) */
    static RunOutcome run(TaskSpec spec, SharedStorage storage, TaskContext ctx, TrainListener... more)
            throws IOException, DirectoryLock.Held {
        RunConfig config;
        try {
            config = ConfigLoader.load(
                    ConfigLoader.Source.text("run " + spec.id() + " of the sweep", spec.configJson()), List.of());
        } catch (
                ConfigException
                        e) { // the driver loaded this very text; an executor with another grokscope version may not
            return RunOutcome.failed(
                    spec.id(), "the executor's grokscope does not read this run's config: " + e.getMessage());
        }
        RunTask.Options o = new RunTask.Options()
                .threads(spec.threads())
                .flushEvery(spec.flushSeconds())
                .checkpointEvery(spec.checkpointSeconds())
                .command("grokscope sweep --executor spark"
                        + (ctx == null ? "" : " (task attempt " + ctx.attemptNumber() + ")"));
        if (ctx != null) o.listen(new StopWhenKilled(ctx));
        for (TrainListener l : more) o.listen(l);
        if (storage instanceof SharedStorage.Direct d) {
            if (spec.continues() != null) o.continuing(d.runDir(spec.continues()));
            return RunTask.run(spec.id(), config, d.runDir(spec.id()), o);
        }
        SharedStorage.Staged s = (SharedStorage.Staged) storage;
        Path scratch = Files.createTempDirectory("grokscope-run-" + spec.id() + "-");
        try {
            Path local = scratch.resolve(spec.id());
            s.pull(spec.id(), local);
            if (spec.continues() != null) {
                Path from = scratch.resolve("continues");
                s.pull(spec.continues(), from);
                o.continuing(from);
            }
            o.afterCheckpoint(step -> {
                try {
                    s.push(spec.id(), local);
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "copying run " + spec.id() + " to " + spec.shared() + " after its checkpoint at step "
                                    + step,
                            e);
                }
            });
            RunOutcome r = RunTask.run(spec.id(), config, local, o);
            s.push(spec.id(), local);
            return r;
        } finally {
            RunTask.deleteTree(scratch);
        }
    }

    /**
     * Spark asks a task to stop (its job cancelled, Ctrl-C on the driver): the run checkpoints and ends interrupted.
     */
    private record StopWhenKilled(TaskContext ctx) implements TrainListener {
        @Override
        public void onStep(Trainer t, int step, double trainLoss) {
            if (ctx.isInterrupted()) t.requestStop();
        }

        @Override
        public void onEval(Trainer t, Evaluation e) {}
    }
}
