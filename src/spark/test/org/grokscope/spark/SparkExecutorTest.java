package org.grokscope.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.grokscope.cli.Main;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.config.RunConfig;
import org.grokscope.run.RunDirectory;
import org.grokscope.sweep.RunOutcome;
import org.grokscope.sweep.SweepStore;
import org.grokscope.train.TrainListener;
import org.grokscope.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark executor in local mode gives the local executor's results, byte for byte, through the command line. */
class SparkExecutorTest {
    @TempDir
    Path tmp;

    static final String[] SEARCH = {
        "cds",
        "--preset",
        "modadd-mlp",
        "--set",
        "task.p=31",
        "--set",
        "task.test_fraction=0.3",
        "--set",
        "model.embed_dim=32",
        "--set",
        "model.hidden=128",
        "--set",
        "optimizer.lr=1e-2",
        "--set",
        "training.steps=1500",
        "--set",
        "training.eval_every=10",
        "--min",
        "40",
        "--seeds",
        "2",
        "--tolerance",
        "1.3"
    };

    static String[] with(String[] base, String... more) {
        List<String> a = new ArrayList<>(List.of(base));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    /** Every run's metrics.csv of {@code b} has the bytes of {@code a}'s, and both have the same runs. */
    static void sameRuns(Path a, Path b) throws Exception {
        List<String> ids;
        try (var s = Files.list(a.resolve("runs"))) {
            ids = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        try (var s = Files.list(b.resolve("runs"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(ids);
        }
        assertThat(ids).isNotEmpty();
        for (String id : ids)
            assertThat(Files.readAllBytes(b.resolve("runs").resolve(id).resolve(RunDirectory.METRICS)))
                    .as("run %s metrics.csv", id)
                    .isEqualTo(Files.readAllBytes(a.resolve("runs").resolve(id).resolve(RunDirectory.METRICS)));
    }

    @Test
    void theQuickSweepOnLocal2MatchesTheLocalExecutor() throws Exception {
        Path local = tmp.resolve("local"), spark = tmp.resolve("spark");
        assertThat(Main.execute("sweep", "--preset", "forecast-bank-quick", "--out", local.toString()))
                .isEqualTo(0);
        assertThat(Main.execute(
                        "sweep",
                        "--preset",
                        "forecast-bank-quick",
                        "--out",
                        spark.toString(),
                        "--executor",
                        "spark",
                        "--master",
                        "local[2]"))
                .isEqualTo(0);
        sameRuns(local, spark);
        assertThat(Files.readString(spark.resolve("cds.json"))).isEqualTo(Files.readString(local.resolve("cds.json")));
        try (SweepStore s = new SweepStore(spark.resolve("sweep.db"))) {
            assertThat(s.runs()).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(SweepStore.Status.COMPLETED);
                assertThat(r.attempts())
                        .as("run %s: Spark's task start recorded once", r.id())
                        .isEqualTo(1);
            });
        }
        // the same command again: nothing reruns
        assertThat(Main.execute(
                        "sweep",
                        "--preset",
                        "forecast-bank-quick",
                        "--out",
                        spark.toString(),
                        "--executor",
                        "spark",
                        "--master",
                        "local[2]"))
                .isEqualTo(0);
        try (SweepStore s = new SweepStore(spark.resolve("sweep.db"))) {
            assertThat(s.runs()).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
        }
    }

    /** With early verdicts, so that the runs a search continues from stopped ones go through Spark too. */
    @Test
    void theQuickSearchOnLocal2FindsTheSameBracketWithTheSameRuns() throws Exception {
        Path local = tmp.resolve("local"), spark = tmp.resolve("spark");
        assertThat(Main.execute(with(SEARCH, "--out", local.toString(), "--early-verdicts")))
                .isEqualTo(0);
        assertThat(Main.execute(with(
                        SEARCH,
                        "--out",
                        spark.toString(),
                        "--early-verdicts",
                        "--executor",
                        "spark",
                        "--master",
                        "local[2]")))
                .isEqualTo(0);
        assertThat(Files.readString(spark.resolve("sweep.db").resolveSibling("cds.json")))
                .contains("\"stopped\" : 0");
        try (SweepStore s = new SweepStore(spark.resolve("sweep.db"))) {
            assertThat(s.runs()).anySatisfy(r -> assertThat(r.params()).contains("continues"));
        }
        assertThat(Json.MAPPER.readTree(spark.resolve("cds.json").toFile()))
                .isEqualTo(Json.MAPPER.readTree(local.resolve("cds.json").toFile()));
        assertThat(Files.readString(spark.resolve("cds.json"))).isEqualTo(Files.readString(local.resolve("cds.json")));
        sameRuns(local, spark);
    }

    /**
     * A run that diverges is a failed run, recorded with its reason, not a failed task: the job and the sweep go on.
     */
    @Test
    void aDivergingRunIsAFailedRunNotAFailedTask() throws Exception {
        Path def = tmp.resolve("diverge.yaml");
        Files.writeString(def, """
                name: diverge
                base: {preset: modadd-mlp}
                set: [task.p=23, model.embed_dim=16, model.hidden=32, training.steps=300, training.eval_every=20]
                axes:
                  optimizer.lr: [0.01, 1.0e+9]
                seeds: [0]
                """);
        Path out = tmp.resolve("diverge");
        assertThat(Main.execute(
                        "sweep",
                        "--config",
                        def.toString(),
                        "--out",
                        out.toString(),
                        "--executor",
                        "spark",
                        "--master",
                        "local[2]"))
                .isEqualTo(0);
        try (SweepStore s = new SweepStore(out.resolve("sweep.db"))) {
            List<SweepStore.Row> rows = s.runs();
            assertThat(rows.get(0).status()).isEqualTo(SweepStore.Status.COMPLETED);
            assertThat(rows.get(1).status()).isEqualTo(SweepStore.Status.FAILED);
            assertThat(rows.get(1).error()).isNotBlank();
            assertThat(rows.get(1).attempts())
                    .as("not retried as a failed task")
                    .isEqualTo(1);
        }
    }

    @Test
    void optionsForAClusterAreRefusedWithoutIt() {
        assertThat(Main.execute(
                        "sweep",
                        "--preset",
                        "forecast-bank-quick",
                        "--out",
                        tmp.resolve("x").toString(),
                        "--master",
                        "local[2]"))
                .isEqualTo(2);
        assertThat(Main.execute(
                        "sweep",
                        "--preset",
                        "forecast-bank-quick",
                        "--out",
                        tmp.resolve("y").toString(),
                        "--executor",
                        "spark",
                        "--master",
                        "local[2]",
                        "--workers",
                        "2"))
                .isEqualTo(2);
        assertThat(Main.execute(
                        "sweep",
                        "--preset",
                        "forecast-bank-quick",
                        "--out",
                        tmp.resolve("z").toString(),
                        "--executor",
                        "flink"))
                .isEqualTo(2);
        assertThat(tmp.resolve("x")).doesNotExist();
        assertThat(tmp.resolve("y")).doesNotExist();
    }

    /**
     * A file system that is not a shared path (hdfs://, s3a://) gets the staged route: the run works locally, copies
     * itself up after each checkpoint, and a retry starts from that copy. Exercised here on Hadoop's local file system.
     */
    @Test
    void aStagedRunResumesFromItsSharedCopyAndEndsWithTheDirectRunsBytes() throws Exception {
        RunConfig c = ConfigLoader.load(
                ConfigLoader.Source.preset("modadd-mlp"),
                List.of(
                        "task.p=23",
                        "model.embed_dim=16",
                        "model.hidden=32",
                        "training.steps=400",
                        "training.eval_every=20",
                        "probes.every=100"));
        String json = ConfigLoader.toJson(c);
        Path direct = tmp.resolve("direct"), shared = tmp.resolve("shared");
        RunOutcome d = RunPartition.run(
                new TaskSpec("0000", json, 1, 5, 60, SharedStorage.uriOf(direct), null),
                new SharedStorage.Direct(direct),
                null);
        assertThat(d.status()).isEqualTo(SweepStore.Status.COMPLETED);

        FileSystem fs = FileSystem.getLocal(new Configuration());
        SharedStorage.Staged staged = new SharedStorage.Staged(shared.toUri(), fs);
        // a first attempt that stops at step 200 (its executor "lost"): what it checkpointed is on shared storage
        RunOutcome first = RunPartition.run(
                new TaskSpec("0000", json, 1, 5, 60, shared.toUri().toString(), null),
                staged,
                null,
                new TrainListener() {
                    @Override
                    public void onStep(Trainer t, int step, double loss) {
                        if (step == 200) t.requestStop();
                    }
                });
        assertThat(first.status()).isEqualTo(SweepStore.Status.INTERRUPTED);
        Path copy = shared.resolve("runs").resolve("0000");
        assertThat(copy.resolve(RunDirectory.CHECKPOINT)).exists();
        try (var s = Files.walk(copy)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".crc") || n.contains(".part-") || n.equals(".grokscope.lock"));
        }
        RunOutcome retry = RunPartition.run(
                new TaskSpec("0000", json, 2, 5, 60, shared.toUri().toString(), null), staged, null);
        assertThat(retry.status()).isEqualTo(SweepStore.Status.COMPLETED);
        assertThat(Json.MAPPER
                        .readTree(copy.resolve(RunDirectory.PROVENANCE).toFile())
                        .path("resumed_at_step")
                        .asInt())
                .isBetween(200, 201);
        assertThat(Files.readAllBytes(copy.resolve(RunDirectory.METRICS)))
                .isEqualTo(Files.readAllBytes(direct.resolve("runs/0000").resolve(RunDirectory.METRICS)));
        assertThat(retry.evalRows()).isEqualTo(d.evalRows());
        assertThat(retry.cells()).isEqualTo(d.cells());

        // the driver's copy into the sweep directory
        Path sweep = tmp.resolve("sweep");
        staged.fetch("0000", sweep);
        assertThat(Files.readAllBytes(sweep.resolve("runs/0000").resolve(RunDirectory.METRICS)))
                .isEqualTo(Files.readAllBytes(copy.resolve(RunDirectory.METRICS)));
    }
}
