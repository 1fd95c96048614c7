package org.grokscope.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;
import org.grokscope.cli.Main;
import org.grokscope.config.Json;
import org.grokscope.run.RunDirectory;
import org.grokscope.sweep.SweepStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on 127.0.0.1 (a master and two worker JVMs, started from target/spark-lib): a sweep
 * runs on it, one worker is killed with SIGKILL (with its executor, as when its machine dies) while both run a run, and
 * the sweep still completes, every run byte-identical to the local executor's, the killed one resumed from its
 * checkpoint by Spark's retry.
 */
class StandaloneClusterTest {
    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    static final String SWEEP = """
            name: cluster-test
            base: {preset: modadd-mlp}
            set: [task.p=47, model.embed_dim=32, model.hidden=256, training.steps=6000, training.eval_every=50]
            axes:
              optimizer.weight_decay: [1]
            seeds: [0, 1]
            """;

    @AfterEach
    void stopCluster() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void aSweepCompletesIdenticallyWhenAWorkerIsKilledMidRun() throws Exception {
        Path lib = Path.of("target/spark-lib").toAbsolutePath();
        assertThat(lib)
                .as("Spark's jars, copied by mvn -Pspark before the tests")
                .isDirectory();
        // a SPARK_HOME the workers launch executors from: RELEASE marks a distribution, jars/ holds Spark
        Path home = tmp.resolve("spark-home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("RELEASE"), "Spark 4.2.0 (the test's own distribution: Maven's jars)\n");
        Files.createSymbolicLink(home.resolve("jars"), lib);
        int port = freePort();
        String master = "spark://127.0.0.1:" + port;
        start(
                home,
                tmp.resolve("master.log"),
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--webui-port",
                "0");
        awaitPort(port);
        Process worker1 = start(
                home,
                tmp.resolve("worker1.log"),
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--cores",
                "1",
                "--memory",
                "1g",
                "--webui-port",
                "0",
                "--work-dir",
                tmp.resolve("w1").toString(),
                master);
        start(
                home,
                tmp.resolve("worker2.log"),
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--cores",
                "1",
                "--memory",
                "1g",
                "--webui-port",
                "0",
                "--work-dir",
                tmp.resolve("w2").toString(),
                master);

        Path def = tmp.resolve("sweep.yaml");
        Files.writeString(def, SWEEP);
        Path local = tmp.resolve("local"), cluster = tmp.resolve("cluster");
        assertThat(Main.execute("sweep", "--config", def.toString(), "--out", local.toString()))
                .isEqualTo(0);

        String classPath = String.join(":", grokscopeClassPath(lib));
        AtomicInteger code = new AtomicInteger(-1);
        Thread driver = new Thread(() -> code.set(Main.execute(
                "sweep",
                "--config",
                def.toString(),
                "--out",
                cluster.toString(),
                "--executor",
                "spark",
                "--master",
                master,
                "--checkpoint-every",
                "1",
                "--spark-conf",
                "spark.driver.host=127.0.0.1",
                "--spark-conf",
                "spark.driver.bindAddress=127.0.0.1",
                "--spark-conf",
                "spark.executor.memory=512m",
                "--spark-conf",
                "spark.executor.extraClassPath=" + classPath,
                "--spark-conf",
                "spark.executor.extraJavaOptions=--add-modules=jdk.incubator.vector -Xss4m -XX:+UseParallelGC")));
        driver.start();
        // both workers run a run that has checkpointed: kill one worker with its executor
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (checkpointedRunning(cluster) < 2) {
            assertThat(System.nanoTime())
                    .as(
                            "two runs checkpointing on the cluster; master log:\n%s",
                            Files.readString(tmp.resolve("master.log")))
                    .isLessThan(until);
            assertThat(driver.isAlive())
                    .as("the sweep ended before a worker could be killed")
                    .isTrue();
            Thread.sleep(100);
        }
        worker1.descendants().forEach(ProcessHandle::destroyForcibly);
        worker1.destroyForcibly();
        driver.join(TimeUnit.MINUTES.toMillis(5));
        assertThat(driver.isAlive())
                .as("the sweep finishes on the remaining worker")
                .isFalse();
        assertThat(code.get()).isEqualTo(0);

        SparkExecutorTest.sameRuns(local, cluster);
        try (SweepStore s = new SweepStore(cluster.resolve("sweep.db"))) {
            List<SweepStore.Row> rows = s.runs();
            assertThat(rows).allSatisfy(r -> assertThat(r.status()).isEqualTo(SweepStore.Status.COMPLETED));
            List<SweepStore.Row> retried =
                    rows.stream().filter(r -> r.attempts() > 1).toList();
            assertThat(retried).as("the killed worker's run ran again").isNotEmpty();
            boolean resumed = false;
            for (SweepStore.Row r : retried)
                resumed |= Json.MAPPER
                                .readTree(cluster.resolve("runs")
                                        .resolve(r.id())
                                        .resolve(RunDirectory.PROVENANCE)
                                        .toFile())
                                .path("resumed_at_step")
                                .asInt()
                        > 0;
            assertThat(resumed)
                    .as("the retry resumed from the checkpoint the killed attempt wrote")
                    .isTrue();
        }
    }

    /**
     * Runs that have a checkpoint past step 0 and no summary yet. A checkpoint can be at step 0: with
     * --checkpoint-every 1 on a busy machine, a second passes between the run's start and its first evaluation; a retry
     * from there starts at 0.
     */
    private static int checkpointedRunning(Path sweep) throws IOException {
        Path runs = sweep.resolve("runs");
        if (!Files.isDirectory(runs)) return 0;
        int n = 0;
        try (var s = Files.list(runs)) {
            for (Path r : s.toList()) {
                Path ck = r.resolve(RunDirectory.CHECKPOINT);
                if (!Files.exists(ck) || Files.exists(r.resolve(RunDirectory.SUMMARY))) continue;
                try {
                    if (org.grokscope.run.Checkpoint.read(ck).step() > 0) n++;
                } catch (IOException e) {
                    // replaced as we read it: look again
                }
            }
        }
        return n;
    }

    private Process start(Path home, Path log, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        cmd.addAll(List.of(org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptionArray()));
        cmd.addAll(List.of("-cp", home.resolve("jars") + "/*", main));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment()
                .put(
                        "SPARK_SCALA_VERSION",
                        "2.13"); // else the worker looks for a Spark source build to launch executors from
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** This JVM's class path without Spark's jars: what an executor needs besides its SPARK_HOME. */
    static List<String> grokscopeClassPath(Path sparkLib) throws IOException {
        Set<String> spark = new java.util.HashSet<>();
        try (var s = Files.list(sparkLib)) {
            s.forEach(p -> spark.add(p.getFileName().toString()));
        }
        Set<String> out = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (p.getFileName().toString().startsWith("surefirebooter") && Files.isRegularFile(p)) {
                // surefire's manifest-only jar: the class path is in its manifest
                try (JarFile j = new JarFile(p.toFile())) {
                    for (String u : j.getManifest()
                            .getMainAttributes()
                            .getValue("Class-Path")
                            .split(" "))
                        if (!u.isBlank())
                            out.add(Path.of(java.net.URI.create(u)).toString());
                }
            } else out.add(p.toAbsolutePath().toString());
        }
        out.removeIf(e -> spark.contains(Path.of(e).getFileName().toString()) || e.contains("surefire"));
        return new ArrayList<>(out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the Spark master did not listen on " + port + " within 60 s");
    }
}
