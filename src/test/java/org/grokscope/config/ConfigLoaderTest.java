package org.grokscope.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.grokscope.run.RunSummary;
import org.junit.jupiter.api.Test;

public class ConfigLoaderTest {
    public static RunConfig yaml(String text, String... sets) throws ConfigException {
        return ConfigLoader.load(new ConfigLoader.Source("run.yaml", text, false), List.of(sets));
    }

    /** A mapping or a list where one value belongs is said in words, not in Jackson's token names. */
    @Test
    void aMappingOrListInPlaceOfAValueIsNamedPlainly() {
        assertThatThrownBy(() -> yaml("seed: [1, 2]\n"))
                .hasMessage("run.yaml:1: seed: expected a whole number, got a list");
        assertThatThrownBy(() -> yaml("name: {a: 1}\n"))
                .hasMessage("run.yaml:1: name: expected a text value, got a mapping ({...} or indented keys)");
        assertThatThrownBy(() -> yaml("task: {kind: table, path: t.csv, standardize: [true]}\n"))
                .hasMessage("run.yaml:1: task.standardize: expected true or false, got a list");
        assertThatThrownBy(() -> yaml("task: {kind: image, dataset: folder, path: d, image_size: 28}\n"))
                .hasMessageContaining("task.image_size");
    }

    @Test
    void missingValuesTakeDefaults() throws Exception {
        RunConfig c = yaml("name: x\n");
        assertThat(c.modular().p()).isEqualTo(97);
        assertThat(c.task().trainFraction()).isEqualTo(0.3);
        assertThat(c.model()).isInstanceOf(Mlp.class);
        assertThat(c.optimizer().weightDecay()).isEqualTo(1.0);
        assertThat(c.optimizer().beta2()).isEqualTo(0.98);
    }

    @Test
    void closedSetsAreEnumsReadByTheirKeysAndAliasesAndWrittenByTheirKeys() throws Exception {
        RunConfig c = yaml(
                "task: {op: 'x^2 + y^2', p: 13}\nmodel: {kind: transformer, norm: PRE, activation: gelu_new, format: op_equals}\n"
                        + "init: {scheme: Kaiming}\noptimizer: {kind: sgd, grokfast: {kind: ema}}\ntraining: {loss: stablemax_ce, loss_precision: fp32}\n"
                        + "probes: {ntk_output: true_class}\n");
        assertThat(c.modular().op()).isEqualTo(org.grokscope.data.ModOp.SQ_SUM);
        TransformerSpec t = (TransformerSpec) c.model();
        assertThat(t.norm()).isEqualTo(org.grokscope.nn.Transformer.Norm.PRE);
        assertThat(t.activation()).isEqualTo(org.grokscope.engine.Act.GELU_TANH);
        assertThat(t.format()).isEqualTo(TransformerFormat.OP_EQUALS);
        assertThat(c.init().scheme()).isEqualTo(org.grokscope.train.Init.Scheme.KAIMING);
        assertThat(c.optimizer().kind()).isEqualTo(OptimizerKind.SGD);
        assertThat(c.optimizer().weightDecay()).as("SGD's default").isZero();
        assertThat(c.optimizer().grokfast().filter()).isEqualTo(org.grokscope.train.Grokfast.Kind.EMA);
        assertThat(c.training().loss()).isEqualTo(org.grokscope.engine.LossFunction.STABLEMAX_CE);
        assertThat(c.probes().ntkOutput()).isEqualTo(NtkOutput.TRUE_CLASS);
        // the resolved config writes each value's key, whatever spelling the file used, and reads back the same
        String json = ConfigLoader.toJson(c);
        assertThat(json)
                .contains(
                        "\"op\" : \"x2+y2\"",
                        "\"norm\" : \"pre\"",
                        "\"activation\" : \"gelu_tanh\"",
                        "\"format\" : \"op_equals\"",
                        "\"scheme\" : \"kaiming\"",
                        "\"kind\" : \"sgd\"",
                        "\"kind\" : \"ema\"",
                        "\"loss\" : \"stablemax_ce\"",
                        "\"loss_precision\" : \"fp32\"",
                        "\"ntk_output\" : \"true_class\"");
        assertThat(ConfigLoader.toJson(ConfigLoader.load(ConfigLoader.Source.text("config.json", json), List.of())))
                .isEqualTo(json);
        // every value of every bound enum survives the round trip through its key
        for (Class<?> type : ConfigEnums.SPELLINGS.keySet())
            for (Object v : type.getEnumConstants()) {
                String text = Json.MAPPER.writeValueAsString(v);
                assertThat(Json.MAPPER.readValue(text, type))
                        .as(type.getSimpleName() + " " + text)
                        .isEqualTo(v);
                assertThat(text).as("written in lower case").isEqualTo(text.toLowerCase(java.util.Locale.ROOT));
            }
    }

    /** Windows editors save JSON and YAML with a byte-order mark; it is not part of the config. */
    @Test
    void aByteOrderMarkIsNotPartOfTheConfig(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path json = dir.resolve("run.json"), yamlFile = dir.resolve("run.yaml");
        java.nio.file.Files.writeString(
                json, "\uFEFF{\"name\": \"bom\", \"task\": {\"p\": 13}}", java.nio.charset.StandardCharsets.UTF_8);
        java.nio.file.Files.writeString(
                yamlFile, "\uFEFFname: bom\ntask: {p: 17}\n", java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ConfigLoader.load(ConfigLoader.Source.file(json), java.util.List.of())
                        .modular()
                        .p())
                .isEqualTo(13);
        assertThat(ConfigLoader.load(ConfigLoader.Source.file(yamlFile), java.util.List.of())
                        .modular()
                        .p())
                .isEqualTo(17);
    }

    /**
     * 1e400 parses as infinity and config.json writes it as null (the default on a rerun): refused, with where it came
     * from.
     */
    @Test
    void numbersPastADoublesRangeAreRefusedWhereverTheyAreWritten() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(
                        ConfigLoader.Source.preset("modadd-mlp"), java.util.List.of("optimizer.eps=1e400")))
                .hasMessage("--set optimizer.eps=1e400: not a finite number (1e400)");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> yaml("name: x\noptimizer:\n  lr: 1.0e-3\n  eps: 1e400\n"))
                .hasMessageStartingWith("run.yaml:4: optimizer.eps: not a finite number");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> yaml("name: x\noptimizer: {weight_decay: .inf}\n"))
                .isInstanceOf(ConfigException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(
                        ConfigLoader.Source.text("c.json", "{\"optimizer\": {\"lr\": -1e999}}"), java.util.List.of()))
                .hasMessageStartingWith("c.json:1: optimizer.lr: not a finite number");
    }

    @Test
    void anUnknownValueOfAClosedSetNamesTheAllowedOnes() throws Exception {
        assertThatThrownBy(() -> yaml("name: x\noptimizer:\n  kind: adagrad\n"))
                .hasMessage("run.yaml:3: optimizer.kind: must be adamw, adam, sgd or normalized_gd, got 'adagrad'");
        assertThatThrownBy(() -> yaml("training: {loss: hinge}\n"))
                .hasMessage("run.yaml:1: training.loss: must be cross_entropy, stablemax_ce or mse, got 'hinge'");
        assertThatThrownBy(() -> yaml("model: {kind: mlp, activation: swish}\n"))
                .hasMessage(
                        "run.yaml:1: model.activation: must be identity, relu, gelu, gelu_tanh, square or tanh, got 'swish'");
        assertThatThrownBy(() -> yaml("task: {op: pow}\n"))
                .hasMessageStartingWith("run.yaml:1: task.op: must be add, sub, mul, div,")
                .hasMessageEndingWith("got 'pow'");
        assertThatThrownBy(() -> yaml("name: x\n", "init.scheme=xavier"))
                .hasMessage("--set init.scheme=xavier: must be pytorch, kaiming, normal or nanda, got 'xavier'");
        assertThatThrownBy(() -> yaml("probes: {ntk_output: [first]}\n"))
                .hasMessageStartingWith("run.yaml:1: probes.ntk_output: must be first or true_class, got ");
        assertThatThrownBy(() -> yaml("task: {kind: text, dataset: imdb, tokenizer: bpe}\nmodel: {kind: bag}\n"))
                .hasMessage("run.yaml:1: task.tokenizer: must be word or wordpiece, got 'bpe'");
        // a text dataset is a closed set too: its keys, and the aliases its reader takes, written back as the key
        assertThatThrownBy(() -> yaml("task: {kind: text, dataset: sst2}\nmodel: {kind: bag}\n"))
                .hasMessage(
                        "run.yaml:1: task.dataset: must be imdb, yelp-polarity, yelp-full, yelp-json, csv or jsonl, got 'sst2'");
        RunConfig yelp = yaml("task: {kind: text, dataset: yelp_polarity}\nmodel: {kind: bag}\n");
        assertThat(((Text) yelp.task()).dataset()).isEqualTo(org.grokscope.data.text.TextSource.Kind.YELP_POLARITY);
        assertThat(ConfigLoader.toJson(yelp)).contains("\"dataset\" : \"yelp-polarity\"");
        assertThatThrownBy(() -> yaml("task: {kind: text, dataset: csv}\nmodel: {kind: bag}\n"))
                .hasMessageContaining("task.path: dataset csv needs a path");
    }

    @Test
    void badValuesNameFileLineAndField() {
        assertThatThrownBy(() -> yaml("name: x\ntask:\n  op: add\n  p: -5\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("run.yaml:4: task.p: must be between 2 and 2000, got -5");
        assertThatThrownBy(() -> yaml("task:\n  train_fraction: 1.5\n"))
                .hasMessage("run.yaml:2: task.train_fraction: must be in (0, 1), got 1.5");
        assertThatThrownBy(() -> yaml("task: {p: 97}\nmodel:\n  kind: mlp\n  hiden: 3\n"))
                .hasMessageStartingWith("run.yaml:4: model.hiden: unknown key (known here: ")
                .hasMessageContaining("hidden");
        assertThatThrownBy(() -> yaml("model:\n  kind: mlp\n  hidden: lots\n"))
                .hasMessageStartingWith("run.yaml:3: model.hidden: expected a whole number");
        assertThatThrownBy(() -> yaml("model:\n  kind: cnn\n")).hasMessageContaining("model.kind: unknown kind 'cnn'");
        assertThatThrownBy(() -> yaml("task:\n  op: div\n  p: 96\n"))
                .hasMessageContaining("task.p: operation div needs a prime modulus");
        assertThatThrownBy(() -> yaml("model:\n  kind: transformer\n  d_model: 100\n  heads: 3\n"))
                .hasMessageContaining("run.yaml:4: model.heads: must divide d_model");
        assertThatThrownBy(() -> yaml("task: [1, 2\n"))
                .hasMessageStartingWith("run.yaml:")
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> yaml("task:\n  train_count: 20000\n  p: 97\n"))
                .hasMessageContaining("task.train_count: the table has 9409 examples");
    }

    @Test
    void phaseRulesComeFromTheRunsConfig() throws Exception {
        // a text-like run: fits by step 300, test rises to 76 % at step 4,000 and never reaches 90 %
        int[] steps = new int[100];
        double[] train = new double[100], test = new double[100];
        for (int i = 0; i < 100; i++) {
            steps[i] = 100 * i;
            train[i] = i >= 3 ? 1.0 : 0.6;
            test[i] = i >= 40 ? 0.76 : 0.57;
        }
        assertThat(RunSummary.phase(yaml("").analysis(), steps, train, test)).isEqualTo("memorization"); // Liu's 0.9
        assertThat(RunSummary.phase(yaml("", "analysis.phase_threshold=0.7").analysis(), steps, train, test))
                .isEqualTo("grokking");
        assertThat(RunSummary.phase(
                        yaml("", "analysis.phase_threshold=0.7", "analysis.phase_gap=5000")
                                .analysis(),
                        steps,
                        train,
                        test))
                .isEqualTo("comprehension");
        assertThatThrownBy(() -> yaml("analysis:\n  phase_threshold: 90\n"))
                .hasMessage("run.yaml:2: analysis.phase_threshold: must be in (0, 1], got 90.0");
    }

    @Test
    void overridesApplyAndAreBlamedByName() throws Exception {
        RunConfig c = yaml("optimizer: {lr: 1.0e-3}\n", "optimizer.lr=3e-3", "model.kind=quadratic", "model.width=64");
        assertThat(c.optimizer().lr()).isEqualTo(3e-3);
        assertThat(c.model()).isEqualTo(new Quadratic(64));
        assertThatThrownBy(() -> yaml("", "task.p=-5"))
                .hasMessage("--set task.p=-5: must be between 2 and 2000, got -5");
        assertThatThrownBy(() -> yaml("", "optimizer.lrr=1"))
                .hasMessageStartingWith("--set optimizer.lrr=1: unknown key (known here: beta1, beta2");
        assertThatThrownBy(() -> yaml("", "nonsense")).hasMessageContaining("expected key=value");
        RunConfig counted = yaml("task: {train_fraction: 0.3}\n", "task.train_count=500");
        assertThat(counted.task().trainCount()).isEqualTo(500);
        assertThat(counted.task().trainFraction()).isNull();
        assertThatThrownBy(() -> yaml("task: {train_fraction: 0.3, train_count: 5}\n"))
                .hasMessageContaining("not both");
    }

    @Test
    void everyPresetIsValidAndRoundTripsThroughConfigJson() throws Exception {
        for (String name : List.of("modadd-mlp", "nanda-p113", "power-p97", "cds-modadd-p113", "quadratic-p97")) {
            RunConfig c = ConfigLoader.load(ConfigLoader.Source.preset(name), List.of());
            RunConfig again =
                    ConfigLoader.load(new ConfigLoader.Source("config.json", ConfigLoader.toJson(c), true), List.of());
            assertThat(again).as(name).isEqualTo(c);
        }
        assertThatThrownBy(() -> ConfigLoader.Source.preset("nope")).hasMessageContaining("unknown preset 'nope'");
    }

    @Test
    void jsonErrorsCarryLines() {
        assertThatThrownBy(() -> ConfigLoader.load(
                        new ConfigLoader.Source("c.json", "{\n \"task\": {\n  \"p\": 1\n }\n}", true), List.of()))
                .hasMessage("c.json:3: task.p: must be between 2 and 2000, got 1");
    }
}
