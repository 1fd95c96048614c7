package org.grokscope.golden;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grokscope.config.Json;
import org.grokscope.config.OptimizerSpec;
import org.grokscope.data.Dataset;
import org.grokscope.engine.Parallel;
import org.grokscope.engine.Rng;
import org.grokscope.nn.Model;
import org.grokscope.train.Init;

/**
 * Golden inputs for the newer numerics, under golden/numerics/: {@code losses} (crafted logits, from ordinary to
 * collapsed margins, for every loss function and precision) and one folder per training variant (a golden model case
 * trained a few steps with another loss, optimizer or gradient filter). tools/reference/numerics.py computes
 * expected.json with PyTorch; regenerate both with tools/reference/regenerate.sh.
 */
public final class GoldenNumerics {
    /** A training variant: a base model case, the optimizer section (config JSON), the loss and its precision. */
    public record Variant(
            String name, String baseCase, String optimizerJson, String loss, String precision, int steps) {}

    public static final List<Variant> VARIANTS = List.of(
            new Variant(
                    "adamw-stablemax",
                    "mlp",
                    "{\"kind\":\"adamw\",\"lr\":0.01,\"weight_decay\":0.5}",
                    "stablemax_ce",
                    "fp64",
                    4),
            new Variant(
                    "adamw-ce-fp32",
                    "mlp",
                    "{\"kind\":\"adamw\",\"lr\":0.01,\"weight_decay\":0.5}",
                    "cross_entropy",
                    "fp32",
                    4),
            new Variant(
                    "adamw-orthogonal",
                    "mlp",
                    "{\"kind\":\"adamw\",\"lr\":0.01,\"weight_decay\":0.5,\"orthogonal\":true}",
                    "cross_entropy",
                    "fp64",
                    4),
            new Variant(
                    "adamw-grokfast-ema",
                    "mlp",
                    "{\"kind\":\"adamw\",\"lr\":0.01,\"weight_decay\":0.5,\"grokfast\":{\"kind\":\"ema\",\"alpha\":0.9,\"lamb\":2}}",
                    "cross_entropy",
                    "fp64",
                    4),
            new Variant(
                    "adam-wd-grokfast-ema",
                    "mlp",
                    "{\"kind\":\"adam\",\"lr\":0.01,\"weight_decay\":0.3,\"grokfast\":{\"kind\":\"ema\",\"alpha\":0.9,\"lamb\":2}}",
                    "cross_entropy",
                    "fp64",
                    4),
            new Variant(
                    "adamw-grokfast-ma",
                    "mlp",
                    "{\"kind\":\"adamw\",\"lr\":0.01,\"weight_decay\":0.5,\"grokfast\":{\"kind\":\"ma\",\"window\":3,\"lamb\":5}}",
                    "cross_entropy",
                    "fp64",
                    5),
            new Variant(
                    "sgd-grokfast-ma-nowarmup",
                    "mlp",
                    "{\"kind\":\"sgd\",\"lr\":0.1,\"grokfast\":{\"kind\":\"ma\",\"window\":2,\"lamb\":3,\"warmup\":false}}",
                    "cross_entropy",
                    "fp64",
                    4),
            new Variant(
                    "sgd-momentum",
                    "mlp",
                    "{\"kind\":\"sgd\",\"lr\":0.1,\"momentum\":0.9,\"weight_decay\":0.01}",
                    "cross_entropy",
                    "fp64",
                    4),
            new Variant(
                    "normalized-gd",
                    "mlp-gelu-mse-l2",
                    "{\"kind\":\"normalized_gd\",\"lr\":0.05,\"weight_decay\":0.02}",
                    "mse",
                    "fp64",
                    4),
            new Variant(
                    "sgd-orthogonal-grokfast-ema",
                    "mlp",
                    "{\"kind\":\"sgd\",\"lr\":0.1,\"momentum\":0.9,\"orthogonal\":true,\"grokfast\":{\"kind\":\"ema\",\"alpha\":0.8,\"lamb\":1.5}}",
                    "cross_entropy",
                    "fp64",
                    4),
            new Variant(
                    "transformer-stablemax-orthogonal",
                    "transformer-nanda",
                    "{\"kind\":\"adamw\",\"lr\":0.01,\"weight_decay\":0.0,\"orthogonal\":true}",
                    "stablemax_ce",
                    "fp64",
                    3));

    /** Crafted logits: {@link #LOSS_ROWS} rows of {@link #LOSS_CLASSES} classes. */
    public static final int LOSS_ROWS = 40, LOSS_CLASSES = 7;

    private GoldenNumerics() {}

    public static GoldenCases.Case base(Variant v) {
        return GoldenCases.CASES.stream()
                .filter(c -> c.name().equals(v.baseCase()))
                .findFirst()
                .orElseThrow();
    }

    /**
     * Rows whose label's margin over the best other class ranges over the regimes that matter: ordinary (|margin| < 5),
     * collapsed in fp32 only (20-30 nats), in both precisions (45-80), with a zero gradient in both (130-200), and
     * wrong by a wide margin; with positive and negative logits (StableMax's two branches). Margins stay away from the
     * rounding thresholds so both implementations agree on every count.
     */
    public static float[][] lossInput() {
        Rng r = new Rng(29);
        float[] z = new float[LOSS_ROWS * LOSS_CLASSES], y = new float[LOSS_ROWS];
        double[] margins = {0.5, -1, 3, -4, 22, 27, 50, 70, 140, 190, -60};
        for (int i = 0; i < LOSS_ROWS; i++) {
            int label = r.nextInt(LOSS_CLASSES);
            y[i] = label;
            double shift = (i % 3 - 1) * 4.0, margin = margins[i % margins.length];
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < LOSS_CLASSES; j++) {
                if (j == label) continue;
                z[i * LOSS_CLASSES + j] = (float) (shift + 2 * r.nextGaussian());
                best = Math.max(best, z[i * LOSS_CLASSES + j]);
            }
            z[i * LOSS_CLASSES + label] = (float) (best + margin);
        }
        return new float[][] {z, y};
    }

    public static void main(String[] args) throws Exception {
        Path root =
                Path.of(args.length > 0 ? args[0] : "src/test/resources/golden").resolve("numerics");
        float[][] li = lossInput();
        ObjectNode ld = Json.MAPPER.createObjectNode();
        ld.put("rows", LOSS_ROWS);
        ld.put("classes", LOSS_CLASSES);
        ArrayNode lz = ld.putArray("logits");
        for (float v : li[0]) lz.add(v);
        ArrayNode ly = ld.putArray("labels");
        for (float v : li[1]) ly.add((int) v);
        write(root.resolve("losses"), ld);
        try (Parallel pool = new Parallel(1)) {
            for (Variant v : VARIANTS) {
                GoldenCases.Case c = base(v);
                Model m = GoldenCases.build(c, pool);
                Init.apply(m.params(), Init.Scheme.PYTORCH, 0.02, 1.0, 42, 16, m.vocab());
                Dataset d = GoldenCases.data(c);
                ObjectNode doc = Json.MAPPER.createObjectNode();
                doc.put("name", v.name());
                doc.set("model", Json.MAPPER.readTree(c.modelJson()));
                doc.put("p", d.classes());
                doc.put("seq_len", d.seqLen());
                doc.put("vocab", d.vocab());
                doc.put("loss", v.loss());
                doc.put("precision", v.precision());
                doc.put("l2", c.l2());
                doc.put("linf", c.linf());
                doc.put("steps", v.steps());
                doc.set(
                        "optimizer",
                        Json.MAPPER.valueToTree(Json.MAPPER.readValue(v.optimizerJson(), OptimizerSpec.class)));
                GoldenCases.putDataAndWeights(doc, d, m);
                write(root.resolve(v.name()), doc);
            }
        }
    }

    private static void write(Path dir, ObjectNode doc) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("input.json"), Json.MAPPER.writeValueAsString(doc) + "\n");
        System.out.println("wrote " + dir.resolve("input.json"));
    }
}
