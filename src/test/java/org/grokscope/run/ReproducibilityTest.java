package org.grokscope.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.RunConfig;
import org.grokscope.train.TrainListener;
import org.grokscope.train.Trainer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Same seed, same bits: across reruns, thread counts, config.json reruns, and interrupt + resume. */
class ReproducibilityTest {
    @TempDir
    Path tmp;

    static final String MLP = """
            name: repro
            task: {op: add, p: 23, train_fraction: 0.4}
            model: {kind: mlp, embed_dim: 16, hidden: 48}
            optimizer: {lr: 3.0e-3, weight_decay: 1.0}
            training: {steps: 120, eval_every: 10}
            """;
    static final String MINIBATCH_TRANSFORMER = """
            name: repro-tf
            task: {op: sub, p: 17, train_fraction: 0.5}
            model: {kind: transformer, d_model: 16, heads: 2, d_mlp: 32, layers: 2, norm: pre, activation: gelu, format: op_equals}
            optimizer: {lr: 1.0e-3, warmup_steps: 5}
            training: {steps: 90, batch_size: 32, eval_every: 7}
            """;
    // the newer numerics: the Grokfast window (and the EMA) are optimizer state, so they must survive a checkpoint
    static final String GROKFAST_MA_ORTHO_STABLEMAX = """
            name: repro-gf-ma
            task: {op: mul, p: 19, train_fraction: 0.5}
            model: {kind: mlp, embed_dim: 12, hidden: 32}
            optimizer: {lr: 3.0e-3, weight_decay: 0.0, orthogonal: true, grokfast: {kind: ma, window: 7, lamb: 5}}
            training: {steps: 100, eval_every: 10, loss: stablemax_ce}
            """;
    static final String GROKFAST_EMA_SGD_FP32 = """
            name: repro-gf-ema
            task: {op: add, p: 19, train_fraction: 0.5}
            model: {kind: mlp, embed_dim: 12, hidden: 32}
            optimizer: {kind: sgd, lr: 0.5, momentum: 0.9, grokfast: {kind: ema, alpha: 0.95, lamb: 2}}
            training: {steps: 100, batch_size: 40, eval_every: 10, loss_precision: fp32}
            """;

    static RunConfig cfg(String yaml) throws ConfigException {
        return ConfigLoader.load(new ConfigLoader.Source("test.yaml", yaml, false), List.of());
    }

    Runner.Result run(RunConfig c, String dir, int threads, boolean resume, List<TrainListener> extra)
            throws Exception {
        return Runner.job(c, tmp.resolve(dir))
                .threads(threads)
                .resume(resume)
                .command("test")
                .listen(extra)
                .run();
    }

    String metrics(String dir) throws Exception {
        return Files.readString(tmp.resolve(dir).resolve(RunDirectory.METRICS));
    }

    @ParameterizedTest
    @ValueSource(strings = {MLP, MINIBATCH_TRANSFORMER, GROKFAST_MA_ORTHO_STABLEMAX, GROKFAST_EMA_SGD_FP32})
    void sameSeedSameBitsWhateverTheThreadCount(String yaml) throws Exception {
        RunConfig c = cfg(yaml);
        run(c, "a", 2, false, List.of());
        run(c, "b", 2, false, List.of());
        run(c, "c", 1, false, List.of());
        run(c, "f", 3, false, List.of()); // more threads than CI's cores: the pool's governor may change modes mid-run
        assertThat(metrics("a")).isEqualTo(metrics("b")).isEqualTo(metrics("c")).isEqualTo(metrics("f"));
        assertThat(metrics("a").lines().count()).isGreaterThan(10);
        // config.json alone reproduces the run
        RunConfig saved =
                ConfigLoader.load(ConfigLoader.Source.file(tmp.resolve("a").resolve(RunDirectory.CONFIG)), List.of());
        run(saved, "d", 2, false, List.of());
        assertThat(metrics("d")).isEqualTo(metrics("a"));
        // another seed is another run
        RunConfig other = ConfigLoader.load(new ConfigLoader.Source("test.yaml", yaml, false), List.of("seed=1"));
        run(other, "e", 2, false, List.of());
        assertThat(metrics("e")).isNotEqualTo(metrics("a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {MLP, MINIBATCH_TRANSFORMER, GROKFAST_MA_ORTHO_STABLEMAX, GROKFAST_EMA_SGD_FP32})
    void interruptedThenResumedEqualsUninterrupted(String yaml) throws Exception {
        RunConfig c = cfg(yaml);
        Runner.Result full = run(c, "full", 2, false, List.of());
        TrainListener stopAt43 = new TrainListener() {
            @Override
            public void onStep(Trainer t, int step, double loss) {
                if (step == 43) t.requestStop();
            }
        };
        Runner.Result r = run(c, "cut", 2, false, List.of(stopAt43));
        assertThat(r.outcome().status()).isEqualTo(Trainer.Status.INTERRUPTED);
        assertThat(r.summary().status()).isEqualTo(org.grokscope.train.Trainer.Status.INTERRUPTED);
        assertThat(metrics("cut")).isNotEqualTo(metrics("full"));
        assertThat(metrics("full"))
                .startsWith(metrics("cut")
                        .substring(
                                0,
                                metrics("cut").lastIndexOf('\n', metrics("cut").length() - 2)));
        Runner.Result resumed = run(c, "cut", 2, true, List.of());
        assertThat(resumed.outcome().status()).isEqualTo(Trainer.Status.COMPLETED);
        assertThat(metrics("cut")).isEqualTo(metrics("full"));
        assertThat(metrics("full").lines().findFirst().orElseThrow()).contains("ntk_rel"); // probe columns resume too
        // the advisor is rebuilt from the kept rows: same milestones and log as the uninterrupted run
        assertThat(resumed.summary().probes().get("advisor"))
                .isEqualTo(full.summary().probes().get("advisor"));
        assertThat(Files.readAllBytes(tmp.resolve("cut").resolve(RunDirectory.CHECKPOINT)))
                .isEqualTo(Files.readAllBytes(tmp.resolve("full").resolve(RunDirectory.CHECKPOINT)));
    }

    /**
     * metrics.csv grows by appends: every version a reader sees while the run trains is a prefix of the next, in the
     * same file (not a replacement), and the finished file is the whole run's.
     */
    @org.junit.jupiter.api.Test
    void metricsGrowByAppendsThatReadersSeeWhole() throws Exception {
        RunConfig c = cfg(MLP);
        Path file = tmp.resolve("grow").resolve(RunDirectory.METRICS);
        List<String> seen = new java.util.ArrayList<>();
        List<Object> keys = new java.util.ArrayList<>();
        TrainListener reader = new TrainListener() {
            @Override
            public void onEval(Trainer t, org.grokscope.train.Evaluation e) {
                try {
                    seen.add(Files.readString(file));
                    keys.add(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class)
                            .fileKey());
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            }
        };
        Runner.job(c, tmp.resolve("grow"))
                .threads(1)
                .flushEvery(0)
                .command("test")
                .listen(List.of(reader))
                .run();
        run(c, "whole", 1, false, List.of());
        assertThat(seen).hasSizeGreaterThan(10);
        for (int i = 1; i < seen.size(); i++) assertThat(seen.get(i)).startsWith(seen.get(i - 1));
        assertThat(seen.get(seen.size() - 1).lines().count())
                .isGreaterThan(seen.get(0).lines().count()); // rows came while it trained
        assertThat(metrics("grow")).isEqualTo(metrics("whole")).startsWith(seen.get(seen.size() - 1));
        if (keys.get(0) != null) assertThat(keys).containsOnly(keys.get(0)); // appended to, never replaced
        // a row caught half-written is no row to a reader; a whole one is
        String text = metrics("whole");
        int lastRow = text.lastIndexOf('\n', text.length() - 2) + 1;
        assertThat(Metrics.table(text.substring(0, lastRow + 5)).rows())
                .hasSize(Metrics.table(text).rows().size() - 1);
        assertThat(Metrics.table(text).rows().get(Metrics.table(text).rows().size() - 1)[0])
                .isEqualTo("120");
    }

    /**
     * A resumed run reports the rows before its checkpoint as its past: a torn row (the file cut mid-row) or a missing
     * one used to be taken as it was, and the "resumed" run differed from the uninterrupted one. Refused, naming the
     * file and line, and the directory is left as it was. A row cut short after the checkpoint's rows (a kill during an
     * append) is no row at all: the run resumes as if it had not been written.
     */
    @org.junit.jupiter.api.Test
    void aTornOrMissingMetricsRowIsRefusedOnResume() throws Exception {
        RunConfig c = cfg(MLP);
        TrainListener stopAt43 = new TrainListener() {
            @Override
            public void onStep(Trainer t, int step, double loss) {
                if (step == 43) t.requestStop();
            }
        };
        run(c, "cut", 2, false, List.of(stopAt43));
        List<String> rows = Files.readAllLines(tmp.resolve("cut").resolve(RunDirectory.METRICS));
        int last = -1; // the last row before the checkpoint (step 43): steps 0, 10, ..., 40
        for (int i = 1; i < rows.size(); i++) if (Integer.parseInt(rows.get(i).split(",")[0]) < 43) last = i;
        assertThat(rows.get(last)).startsWith("40,");

        copy(tmp.resolve("cut"), tmp.resolve("torn"));
        String torn = String.join("\n", rows.subList(0, last)) + "\n"
                + rows.get(last).substring(0, rows.get(last).length() / 2);
        Files.writeString(tmp.resolve("torn").resolve(RunDirectory.METRICS), torn);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(c, "torn", 2, true, List.of()))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("its rows end before step 40, but the checkpoint is at step 43");
        assertThat(Files.readString(tmp.resolve("torn").resolve(RunDirectory.METRICS)))
                .isEqualTo(torn); // left as it was

        copy(tmp.resolve("cut"), tmp.resolve("damaged")); // a short row with its newline: edited, not torn by an append
        String damaged = String.join("\n", rows.subList(0, last)) + "\n"
                + rows.get(last).substring(0, rows.get(last).length() / 2) + "\n";
        Files.writeString(tmp.resolve("damaged").resolve(RunDirectory.METRICS), damaged);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(c, "damaged", 2, true, List.of()))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("metrics.csv:" + (last + 1) + ": a damaged metrics row");

        copy(tmp.resolve("cut"), tmp.resolve("tail")); // killed while appending rows past the checkpoint
        Files.writeString(
                tmp.resolve("tail").resolve(RunDirectory.METRICS),
                "50,0.003,1.2",
                java.nio.file.StandardOpenOption.APPEND);
        run(c, "tail", 2, true, List.of());
        run(c, "whole", 2, false, List.of());
        assertThat(metrics("tail")).isEqualTo(metrics("whole"));

        copy(tmp.resolve("cut"), tmp.resolve("gap"));
        List<String> gap = new java.util.ArrayList<>(rows);
        gap.removeIf(r -> r.startsWith("20,"));
        Files.write(tmp.resolve("gap").resolve(RunDirectory.METRICS), gap);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(c, "gap", 2, true, List.of()))
                .hasMessageContaining("the row of step 30 where step 20 was due");

        copy(tmp.resolve("cut"), tmp.resolve("short"));
        Files.write(
                tmp.resolve("short").resolve(RunDirectory.METRICS),
                rows.subList(0, last)); // the rows of 40 and after gone
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(c, "short", 2, true, List.of()))
                .hasMessageContaining("its rows end before step 40, but the checkpoint is at step 43");

        run(c, "cut", 2, true, List.of()); // the undamaged directory still resumes
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        try (var s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
    }
}
