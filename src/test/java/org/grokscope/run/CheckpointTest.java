package org.grokscope.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.config.ModelSpec;
import org.grokscope.config.RunConfig;
import org.grokscope.data.Dataset;
import org.grokscope.engine.Parallel;
import org.grokscope.golden.GoldenCases;
import org.grokscope.golden.GoldenExport;
import org.grokscope.nn.Model;
import org.grokscope.nn.Param;
import org.grokscope.train.AdamW;
import org.grokscope.train.Grokfast;
import org.grokscope.train.Optimizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Self-describing safetensors checkpoints: PyTorch reads them, a mismatch or a corrupt file is refused by name. */
class CheckpointTest {
    static final Parallel POOL = new Parallel(1);

    @TempDir
    Path tmp;

    @AfterAll
    static void close() {
        POOL.close();
    }

    static java.util.stream.Stream<String> exportCases() {
        return GoldenExport.CASES.stream();
    }

    static byte[] resource(String path) throws IOException {
        try (InputStream in = CheckpointTest.class.getResourceAsStream("/golden/export/" + path)) {
            assertThat(in).as(path + " (run tools/reference/regenerate.sh)").isNotNull();
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @MethodSource("exportCases")
    void pytorchReadsOurCheckpointsAndComputesTheSameLogits(String name) throws Exception {
        GoldenCases.Case c = GoldenCases.CASES.stream()
                .filter(x -> x.name().equals(name))
                .findFirst()
                .orElseThrow();
        Model written = GoldenCases.build(c, POOL);
        byte[] file = resource(name + "/model.safetensors");
        assertThat(Checkpoint.sha256(GoldenExport.weights(c, written)))
                .as("the format is stable: today's bytes equal the committed file")
                .isEqualTo(Checkpoint.sha256(file));
        Path f = tmp.resolve("m.safetensors");
        Files.write(f, file);
        Checkpoint.Contents ck = Checkpoint.read(f);
        Model m = GoldenCases.build(c, POOL);
        for (Param p : m.params().list()) {
            Checkpoint.Tensor t = ck.tensors().get(p.name());
            assertThat(t.shape()).isEqualTo(p.shape());
            System.arraycopy(t.data(), 0, m.params().w, p.offset(), p.size());
        }
        JsonNode ex = Json.MAPPER.readTree(resource(name + "/expected.json"));
        for (Param p : m.params().list()) // PyTorch saw the same names and shapes
        assertThat(ex.get("tensors").get(p.name()).toString())
                    .isEqualTo(Arrays.toString(p.shape()).replace(" ", ""));
        Dataset d = GoldenCases.data(c);
        float[] logits = m.forward(d.tokens(), 0, d.size());
        JsonNode want = ex.get("logits");
        double max = 0, diff = 0;
        for (int i = 0; i < want.size(); i++) {
            max = Math.max(max, Math.abs(want.get(i).asDouble()));
            diff = Math.max(diff, Math.abs(logits[i] - want.get(i).asDouble()));
        }
        assertThat(diff).as("max |java - torch| over the logits").isLessThanOrEqualTo(1e-4 * max + 1e-7);
    }

    Model mlp(int embed) throws Exception {
        ModelSpec spec = Json.MAPPER.readValue(
                "{\"kind\":\"mlp\",\"embed_dim\":" + embed + ",\"hidden\":16,\"depth\":1}", ModelSpec.class);
        Model m = Experiment.buildModel(spec, POOL, 11, 2, 11);
        for (int i = 0; i < m.params().size(); i++) m.params().w[i] = (float) Math.sin(i);
        return m;
    }

    @Test
    void roundTripsParametersAndOptimizerStateAndRefusesAnotherModelNamingTheTensor() throws Exception {
        Model a = mlp(8);
        AdamW opt = new AdamW(POOL, a.params().size(), 0.9, 0.98, 1e-8, 1);
        opt.state()[0][3] = 0.25f;
        opt.setStepCount(17);
        Path f = tmp.resolve("c.safetensors");
        Checkpoint.save(f, 42, a.params(), opt, Map.of("config", "{}"));
        Model b = mlp(8);
        Arrays.fill(b.params().w, 0f);
        AdamW opt2 = new AdamW(POOL, b.params().size(), 0.9, 0.98, 1e-8, 1);
        assertThat(Checkpoint.load(f, b.params(), opt2)).isEqualTo(42);
        assertThat(b.params().w).containsExactly(a.params().w);
        assertThat(opt2.state()[0][3]).isEqualTo(0.25f);
        assertThat(opt2.stepCount()).isEqualTo(17);
        assertThat(Checkpoint.read(f).tensors())
                .containsKeys("embed.weight", "optimizer.exp_avg.embed.weight", "optimizer.exp_avg_sq.out.bias");
        // another width: the first tensor that differs, with both shapes
        Model wide = mlp(16);
        assertThatThrownBy(() -> Checkpoint.load(
                        f, wide.params(), new AdamW(POOL, wide.params().size(), 0.9, 0.98, 1e-8, 1)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(
                        "tensor 'embed.weight' has shape [11, 8] in the checkpoint, the model needs [11, 16]");
        // another optimizer: its buffers are missing, and the message says which
        Optimizer gf = new Grokfast(
                new AdamW(POOL, b.params().size(), 0.9, 0.98, 1e-8, 1),
                b.params().size(),
                Grokfast.Kind.EMA,
                0.98,
                2,
                1,
                true);
        assertThatThrownBy(() -> Checkpoint.load(f, b.params(), gf))
                .hasMessageContaining("no tensor 'optimizer.grokfast_ema.embed.weight'");
        // SGD without momentum keeps no buffer: the checkpoint's extra AdamW tensors are refused too
        Optimizer sgd = new org.grokscope.train.Sgd(
                new org.grokscope.engine.Kernels(POOL), b.params().size(), 0, 0, org.grokscope.train.Sgd.Step.PLAIN);
        assertThatThrownBy(() -> Checkpoint.load(f, b.params(), sgd))
                .hasMessageContaining("has a tensor 'optimizer.exp_avg.embed.weight' that this run does not");
    }

    @Test
    void aCorruptTruncatedOrExtendedFileIsRefused() throws Exception {
        Model a = mlp(8);
        AdamW opt = new AdamW(POOL, a.params().size(), 0.9, 0.98, 1e-8, 1);
        Path f = tmp.resolve("c.safetensors");
        Checkpoint.save(f, 5, a.params(), opt, Map.of());
        byte[] good = Files.readAllBytes(f);
        byte[] flipped = good.clone();
        flipped[good.length - 100] ^= 0x10; // one bit of a weight
        Files.write(f, flipped);
        assertThatThrownBy(() -> Checkpoint.load(f, a.params(), opt))
                .hasMessageContaining("does not match its checksum");
        Files.write(f, Arrays.copyOf(good, good.length - 7));
        assertThatThrownBy(() -> Checkpoint.load(f, a.params(), opt)).hasMessageContaining("truncated");
        Files.write(f, Arrays.copyOf(good, 5));
        assertThatThrownBy(() -> Checkpoint.load(f, a.params(), opt)).hasMessageContaining("truncated");
        byte[] longer = Arrays.copyOf(good, good.length + 3);
        Files.write(f, longer);
        assertThatThrownBy(() -> Checkpoint.load(f, a.params(), opt))
                .hasMessageContaining("3 bytes after the last tensor");
        byte[] header = good.clone();
        header[12] = '#'; // inside the JSON header
        Files.write(f, header);
        assertThatThrownBy(() -> Checkpoint.load(f, a.params(), opt))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(f.toString());
        Files.write(f, good);
        assertThat(Checkpoint.load(f, a.params(), opt)).isEqualTo(5);
    }

    @Test
    void checkpointsOfEarlierVersionsStillResume() throws Exception {
        Model a = mlp(8);
        AdamW opt = new AdamW(POOL, a.params().size(), 0.9, 0.98, 1e-8, 1);
        opt.setStepCount(9);
        Path f = tmp.resolve("checkpoint.bin");
        Files.write(f, Checkpoint.encodeLegacy(9, a.params().w, opt));
        assertThat(Checkpoint.isLegacy(f)).isTrue();
        Model b = mlp(8);
        AdamW opt2 = new AdamW(POOL, b.params().size(), 0.9, 0.98, 1e-8, 1);
        assertThat(Checkpoint.loadLegacy(f, b.params().w, opt2)).isEqualTo(9);
        assertThat(b.params().w).containsExactly(a.params().w);
        assertThatThrownBy(() -> Checkpoint.read(f)).hasMessageContaining("before 0.2");
        Files.write(f, Arrays.copyOf(Checkpoint.encodeLegacy(9, a.params().w, opt), 40));
        assertThatThrownBy(() -> Checkpoint.loadLegacy(f, b.params().w, opt2)).hasMessageContaining("truncated");
    }

    @Test
    void aRunKeepsItsMilestonesAndExportsThemForPyTorch() throws Exception {
        RunConfig c = ConfigLoader.load(new ConfigLoader.Source("t.yaml", """
                name: ms
                task: {op: add, p: 31, train_fraction: 0.6}
                model: {kind: mlp, embed_dim: 32, hidden: 128}
                optimizer: {lr: 1.0e-2, weight_decay: 1.0}
                training: {steps: 1500, eval_every: 10, stop_at_test_acc: 0.99}
                probes: {enabled: false}
                """, false), List.of());
        Path run = tmp.resolve("run");
        Runner.Result r = Runner.job(c, run).threads(2).command("test").run();
        int mem = r.summary().memorizationStep(), gen = r.summary().generalizationStep();
        assertThat(run.resolve(RunDirectory.MILESTONES).resolve(RunDirectory.milestoneName("memorized", mem)))
                .exists();
        assertThat(run.resolve(RunDirectory.MILESTONES).resolve(RunDirectory.milestoneName("generalized", gen)))
                .exists();
        Path out = tmp.resolve("before.safetensors");
        assertThat(org.grokscope.cli.Main.execute(
                        "export", run.toString(), "--step", Integer.toString(mem), "--out", out.toString()))
                .isZero();
        Checkpoint.Contents ck = Checkpoint.read(out);
        assertThat(ck.metadata())
                .containsEntry("step", Integer.toString(mem))
                .containsEntry("contents", "parameters")
                .containsKey("config");
        assertThat(ck.tensors().keySet()).noneMatch(k -> k.startsWith("optimizer."));
        assertThat(org.grokscope.cli.Main.execute("export", run.toString(), "--step", "12345"))
                .isEqualTo(2);
    }
}
