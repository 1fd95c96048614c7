package org.grokscope.spark;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.run.StopOnSignal;
import org.grokscope.sweep.RunExecutor;
import org.grokscope.sweep.RunOutcome;
import org.grokscope.sweep.SweepConfig;
import org.grokscope.sweep.SweepRunner;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Runs a sweep's runs as Spark tasks, one run per task and partition, {@code spark.task.cpus} engine threads each. The
 * driver (this process) expands the grid, submits one job per call (a search: one per probe), and records each run in
 * the store as Spark reports its task started (each attempt counts) and as its result arrives; tasks write their run
 * directories to shared storage ({@link SharedStorage}). Spark retries a task whose executor was lost; the retry
 * resumes from the run's last checkpoint there. Ctrl-C cancels the job: running tasks checkpoint and stop, and the next
 * invocation resumes them.
 */
public final class SparkExecutor implements RunExecutor {
    /**
     * @param master Spark's master URL (local[2], spark://host:7077, yarn, k8s://...), or null under spark-submit
     * @param shared shared storage URI for the run directories, or null for the sweep directory itself
     * @param conf more Spark settings (--spark-conf KEY=VALUE)
     */
    public record Settings(String master, String shared, Map<String, String> conf) {}

    private final Settings settings;
    private JavaSparkContext sc;

    public SparkExecutor(Settings settings) {
        this.settings = settings;
    }

    private synchronized JavaSparkContext context() throws ConfigException {
        if (sc != null) return sc;
        SparkConf conf = new SparkConf();
        if (settings.master() != null) conf.setMaster(settings.master());
        if (!conf.contains("spark.master"))
            throw new ConfigException(
                    "--executor spark: no master: give --master (local[2], spark://HOST:7077, yarn, k8s://...) or start grokscope with spark-submit");
        conf.setIfMissing("spark.app.name", "grokscope");
        if (conf.get("spark.master").startsWith("local")) conf.setIfMissing("spark.ui.enabled", "false");
        for (Map.Entry<String, String> e : settings.conf().entrySet()) conf.set(e.getKey(), e.getValue());
        sc = JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf));
        return sc;
    }

    private int taskCpus() throws ConfigException {
        return Integer.parseInt(context().getConf().get("spark.task.cpus", "1"));
    }

    @Override
    public String describe(SweepRunner.Execution x) {
        try {
            JavaSparkContext c = context();
            int cpus = taskCpus();
            return String.format(
                    Locale.ROOT,
                    "Spark %s, master %s, %d thread%s per run (spark.task.cpus), run directories in %s",
                    c.version(),
                    c.master(),
                    cpus,
                    cpus == 1 ? "" : "s",
                    settings.shared() != null ? settings.shared() : "the sweep directory");
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void execute(
            List<SweepConfig.Point> pending, Path dir, SweepRunner.Execution x, Ledger ledger, PrintStream out)
            throws Exception {
        if (pending.isEmpty()) return;
        JavaSparkContext c = context();
        String shared = settings.shared() != null ? settings.shared() : SharedStorage.uriOf(dir);
        SharedStorage storage = SharedStorage.of(shared);
        int threads = taskCpus();
        List<TaskSpec> specs = new ArrayList<>();
        for (SweepConfig.Point p : pending)
            specs.add(new TaskSpec(
                    p.id(),
                    ConfigLoader.toJson(p.config()),
                    threads,
                    x.flushSeconds(),
                    x.checkpointSeconds(),
                    shared,
                    p.continues()));

        // which of this job's tasks started (Spark says so per attempt), and which runs ended
        String token = "grokscope-" + java.util.UUID.randomUUID();
        Set<Integer> stages = ConcurrentHashMap.newKeySet();
        Set<String> finished = ConcurrentHashMap.newKeySet(), running = ConcurrentHashMap.newKeySet();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart e) {
                if (e.properties() != null && token.equals(e.properties().getProperty("grokscope.job")))
                    for (Object s : scala.jdk.javaapi.CollectionConverters.asJava(e.stageIds()))
                        stages.add((Integer) s);
            }

            @Override
            public void onTaskStart(SparkListenerTaskStart e) {
                if (!stages.contains(e.stageId())) return;
                String id = specs.get(e.taskInfo().index()).id();
                synchronized (finished) {
                    if (finished.contains(id)) return;
                    running.add(id);
                    try {
                        ledger.started(id);
                    } catch (Exception ex) {
                        errors.add(ex);
                    }
                }
            }
        };
        c.sc().addSparkListener(listener);
        c.sc().setLocalProperty("grokscope.job", token);
        c.sc().setJobGroup(token, "grokscope sweep " + dir.getFileName(), false);
        try {
            RDD<TaskSpec> rdd = c.parallelize(specs, specs.size()).rdd();
            List<Object> partitions = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) partitions.add(i);
            SimpleFutureAction<BoxedUnit> job = c.sc().submitJob(
                            rdd,
                            new RunPartition(),
                            scala.jdk.javaapi.CollectionConverters.asScala(partitions)
                                    .toList(),
                            new AbstractFunction2<Object, RunOutcome, BoxedUnit>() {
                                @Override
                                public BoxedUnit apply(Object index, RunOutcome o) {
                                    synchronized (finished) {
                                        try {
                                            if (storage instanceof SharedStorage.Staged s) s.fetch(o.id(), dir);
                                            ledger.finished(o);
                                        } catch (Exception ex) {
                                            errors.add(ex);
                                        }
                                        finished.add(o.id());
                                        running.remove(o.id());
                                    }
                                    return BoxedUnit.UNIT;
                                }
                            },
                            new AbstractFunction0<BoxedUnit>() {
                                @Override
                                public BoxedUnit apply() {
                                    return BoxedUnit.UNIT;
                                }
                            });
            AtomicBoolean stopping = new AtomicBoolean();
            try (StopOnSignal signal = new StopOnSignal("grokscope-spark-interrupt", () -> stopping.set(true), 120)) {
                long lastPrint = System.nanoTime();
                while (!job.isCompleted()) {
                    Thread.sleep(200);
                    if (stopping.get() || c.sc().isStopped() || !errors.isEmpty()) {
                        // on SIGINT/SIGTERM Spark's own shutdown hook may have stopped the context already: its tasks
                        // were killed then, and the runs in this JVM (local mode) checkpointed as they stopped
                        stopping.set(errors.isEmpty());
                        if (!c.sc().isStopped()) {
                            c.sc().cancelJobGroup(token);
                            awaitTasksEnded(c, stages);
                        }
                        break;
                    }
                    if ((System.nanoTime() - lastPrint) / 1e9 >= 5) {
                        lastPrint = System.nanoTime();
                        ledger.progress(
                                running.size(),
                                running.stream()
                                        .sorted()
                                        .map(id -> live(storage, id))
                                        .toList());
                    }
                }
            }
            if (!errors.isEmpty()) {
                Throwable e = errors.get(0);
                if (e instanceof Exception ex) throw ex;
                throw new IllegalStateException(e);
            }
            if (!stopping.get()) {
                scala.util.Try<BoxedUnit> result = job.value().get();
                if (result.isFailure()) {
                    Throwable e = result.failed().get();
                    throw new IllegalStateException(
                            "the Spark job failed (a run's task failed "
                                    + c.getConf().get("spark.task.maxFailures", "4")
                                    + " times; runs that finished are recorded, rerun the same command to go on): "
                                    + e.getMessage(),
                            e);
                }
            }
        } finally {
            if (!c.sc().isStopped()) {
                c.sc().removeSparkListener(listener);
                c.sc().clearJobGroup();
                c.sc().setLocalProperty("grokscope.job", null);
            }
        }
    }

    /** What a running run last wrote to progress.json, when its directory is on a path this driver reads. */
    private static String live(SharedStorage storage, String id) {
        if (storage instanceof SharedStorage.Direct d) {
            try {
                var p = Json.MAPPER.readTree(d.runDir(id)
                        .resolve(org.grokscope.run.RunDirectory.PROGRESS)
                        .toFile());
                if (p.path("status").asText().equals("running"))
                    return String.format(
                            Locale.ROOT,
                            "%s step %,d/%,d on %s",
                            id,
                            p.path("step").asInt(),
                            p.path("steps").asInt(),
                            p.path("host").asText("?"));
            } catch (java.io.IOException e) {
                // not written yet (or being replaced): say only that it runs
            }
        }
        return id + " running";
    }

    /** After a cancel, the tasks still running get to write their checkpoints (at most two minutes). */
    private static void awaitTasksEnded(JavaSparkContext c, Set<Integer> stages) throws InterruptedException {
        long until = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < until && !c.sc().isStopped()) {
            boolean active = false;
            for (int s : stages) {
                var info = c.sc().statusTracker().getStageInfo(s);
                if (info.isDefined() && info.get().numActiveTasks() > 0) active = true;
            }
            if (!active) return;
            Thread.sleep(200);
        }
    }

    @Override
    public synchronized void close() {
        if (sc != null) sc.stop();
        sc = null;
    }
}
