package org.grokscope.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.RunConfig;
import org.grokscope.data.OnBadRow;
import org.grokscope.data.text.DataException;
import org.grokscope.data.text.TextReader;
import org.grokscope.data.text.TextSource;
import org.grokscope.run.Checkpoint;

/**
 * The lasting part of the fault and bad-input battery: generated malformed and adversarial inputs for the config
 * loader, the --set parser, the text readers and the checkpoint reader. Each must end in a clean result or its own
 * error (ConfigException, DataException, IOException) with a bounded message: never another exception, a hang, or a
 * message that grows with the input. The seed is fixed (see {@link #SEED}); with 20261130 the checkpoint property has
 * already found two holes, both fixed (a lost checksum key, moved tensor offsets), and a random seed found that a
 * damaged tensor name reads as another model's tensor (refused by name on load).
 */
class InputBatteryTest {
    /** Fixed, so CI sees the same inputs every run; change it (or widen the tries) to explore further. */
    static final String SEED = "20261130";

    static final List<String> KEYS = List.of(
            "name",
            "seed",
            "task",
            "task.p",
            "task.op",
            "task.train_fraction",
            "task.train_count",
            "task.test_fraction",
            "task.kind",
            "model",
            "model.kind",
            "model.hidden",
            "model.embed_dim",
            "model.d_model",
            "model.heads",
            "optimizer.lr",
            "optimizer.kind",
            "optimizer.grokfast",
            "optimizer.grokfast.kind",
            "optimizer.grokfast.window",
            "training.steps",
            "training.loss",
            "training.loss_precision",
            "training.eval_every",
            "probes.every",
            "probes.collapse_share",
            "init.alpha",
            "foo",
            "task.p.q",
            "optimizer.eps",
            "optimizer.weight_decay",
            "training.batch_size"); // the last three from the second battery (1e400 as +inf; p 1999 full batch)
    static final List<String> VALUES = List.of(
            "",
            "null",
            "0",
            "-1",
            "1",
            "2.5",
            "97",
            "1e9",
            "NaN",
            ".inf",
            "-.inf",
            "true",
            "x",
            "[1, 2]",
            "{a: 1}",
            "{kind: ema}",
            "'quoted'",
            "\"dq\"",
            "*alias",
            "&anchor v",
            "!!binary AAAA",
            "~",
            "2000",
            "1e-300",
            "stablemax_ce",
            "fp32",
            "mse",
            "ma",
            "transformer",
            "text",
            "\u0000",
            "\u202e",
            "<script>",
            "a: b",
            "- 1",
            "|\n  block",
            "9999999999999999999999",
            "1e400",
            "-1e400",
            "1999",
            "\uFEFFname"); // the second battery's: past a double's range, p = 1999, a byte-order mark

    static void bounded(Exception e) {
        assertThat(e.getMessage()).as("message").isNotNull();
        assertThat(e.getMessage().length())
                .as("message length: "
                        + e.getMessage()
                                .substring(0, Math.min(200, e.getMessage().length())))
                .isLessThan(2000);
    }

    @Provide
    Arbitrary<List<String>> overrides() {
        return Combinators.combine(Arbitraries.of(KEYS), Arbitraries.of(VALUES))
                .as((k, v) -> k + "=" + v)
                .list()
                .ofMaxSize(4);
    }

    @Property(tries = 300, seed = SEED)
    void setOverridesEndInAConfigOrAConfigError(@ForAll("overrides") List<String> sets) {
        try {
            RunConfig c = ConfigLoader.load(ConfigLoader.Source.preset("modadd-mlp"), sets);
            assertThat(ConfigLoader.load(ConfigLoader.Source.text("config.json", ConfigLoader.toJson(c)), List.of()))
                    .isEqualTo(c);
        } catch (ConfigException e) {
            bounded(e);
            assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Provide
    Arbitrary<String> yamlDocuments() {
        Arbitrary<String> line = Combinators.combine(
                        Arbitraries.of(KEYS),
                        Arbitraries.of(VALUES),
                        Arbitraries.integers().between(0, 4))
                .as((k, v, indent) -> " ".repeat(indent) + k.replace('.', '_') + ": " + v);
        Arbitrary<String> noise =
                Arbitraries.strings().withChars("{}[]:,-#&*!|>'\"%@`\t ").ofMaxLength(12);
        return Arbitraries.oneOf(line, line, noise, Arbitraries.of("task:", "model:", "---", "...", "  p: 5"))
                .list()
                .ofMaxSize(8)
                .map(ls -> String.join("\n", ls) + "\n");
    }

    @Property(tries = 300, seed = SEED)
    void yamlTextEndsInAConfigOrAConfigError(@ForAll("yamlDocuments") String yaml) {
        try {
            ConfigLoader.load(new ConfigLoader.Source("gen.yaml", yaml, false), List.of());
        } catch (ConfigException e) {
            bounded(e);
            assertThat(e.getMessage()).startsWith("gen.yaml").doesNotContain("\tat ");
        }
    }

    @Property(tries = 150, seed = SEED)
    void arbitraryBytesAsCsvOrJsonLinesEndInRowsOrADataError(
            @ForAll @Size(max = 3000) byte[] bytes, @ForAll boolean jsonl, @ForAll boolean skip) throws IOException {
        Path f = Files.createTempFile("battery", jsonl ? ".jsonl" : ".csv");
        try {
            Files.write(f, bytes);
            TextSource src = TextSource.of(jsonl ? TextSource.Kind.JSONL : TextSource.Kind.CSV, f)
                    .onBadRow(skip ? OnBadRow.SKIP : OnBadRow.ERROR)
                    .build();
            try {
                TextReader.Stats st = TextReader.read(
                        src, (test, text, label, raw, order) -> assertThat(text).isNotNull());
                assertThat(st.accepted + st.skipped).isGreaterThanOrEqualTo(0);
            } catch (DataException e) {
                bounded(e);
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 200, seed = SEED)
    void aDamagedCheckpointIsRefusedOrReadIntact(
            @ForAll @Size(min = 1, max = 8) List<Integer> positions, @ForAll byte value, @ForAll boolean truncate)
            throws IOException {
        Path f = Files.createTempFile("battery", ".safetensors");
        try {
            float[] w = new float[40];
            for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(i);
            byte[] good = Checkpoint.encode(
                    List.of(
                            new Checkpoint.Tensor("a.weight", new int[] {4, 5}, w, 0),
                            new Checkpoint.Tensor("b.bias", new int[] {20}, w, 20)),
                    Map.of("step", "3"));
            byte[] bad = good.clone();
            for (int p : positions) bad[Math.floorMod(p, bad.length)] = value;
            if (truncate) bad = java.util.Arrays.copyOf(bad, Math.floorMod(positions.get(0), bad.length));
            Files.write(f, bad);
            try {
                Checkpoint.Contents c = Checkpoint.read(f);
                // it read as a grokscope checkpoint: then it holds what was written (a changed byte of data fails the
                // checksum);
                // a header damaged so that it no longer says it is one can only be read as a foreign file, which
                // resuming refuses
                if (Checkpoint.FORMAT.equals(c.metadata().get("format"))) {
                    if (c.tensors().keySet().equals(java.util.Set.of("a.weight", "b.bias")))
                        assertThat(c.tensors().get("a.weight").data()).containsExactly(java.util.Arrays.copyOf(w, 20));
                    // else a tensor's name was damaged: it reads as another model's tensor, which loading refuses by
                    // name
                }
            } catch (IOException e) {
                bounded(e);
                assertThat(e.getMessage()).contains(f.toString());
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** The second battery's config reproductions, word for word: each is refused where it was written, none trains. */
    @net.jqwik.api.Example
    void theSecondBatterysConfigReproductionsStayRefused() {
        for (List<String> sets : List.of(
                List.of("optimizer.eps=1e400"),
                List.of("optimizer.weight_decay=-1e400"),
                List.of("init.alpha=1e400"),
                List.of("seed=1", "optimizer.eps=1e400"))) {
            try {
                ConfigLoader.load(ConfigLoader.Source.preset("modadd-mlp"), sets);
                throw new AssertionError(sets + " was accepted");
            } catch (ConfigException e) {
                bounded(e);
                assertThat(e.getMessage())
                        .as(sets.toString())
                        .contains(sets.get(sets.size() - 1).split("=")[0]);
            }
        }
        for (String json :
                List.of("{\"optimizer\": {\"eps\": 1e400}}", "{\"task\": {\"p\": 97, \"train_fraction\": -1e400}}")) {
            try {
                ConfigLoader.load(ConfigLoader.Source.text("gen.json", json), List.of());
                throw new AssertionError(json + " was accepted");
            } catch (ConfigException e) {
                bounded(e);
                assertThat(e.getMessage()).contains("gen.json");
            }
        }
    }
}
