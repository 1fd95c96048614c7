package org.grokscope.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grokscope.config.Json;
import org.grokscope.config.ModelSpec;
import org.grokscope.data.Dataset;
import org.grokscope.data.InputFormat;
import org.grokscope.data.ModOp;
import org.grokscope.data.ModularTask;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.Model;
import org.grokscope.nn.Param;
import org.grokscope.run.Experiment;
import org.grokscope.train.Init;

/**
 * The golden cases: small models of every kind with grokscope's own initial weights. {@link #main} writes each case's
 * input.json (spec, weights, tokens, labels, optimizer); tools/reference/reference.py computes expected.json from it
 * with PyTorch. Regenerate with tools/reference/regenerate.sh.
 */
public final class GoldenCases {
    public record Case(String name, String modelJson, String format, String loss, double l2, double linf) {}

    public static final int P = 11, N = 29;
    public static final double LR = 1e-2, BETA1 = 0.9, BETA2 = 0.98, EPS = 1e-8, WD = 0.5;
    public static final int STEPS = 3;
    /** Text cases: padded sequences ([CLS] = 2 first, then tokens 3..V-1, then padding 0) with 3 classes. */
    public static final String TEXT = "TEXT";

    public static final int TEXT_V = 19, TEXT_T = 7, TEXT_C = 3;
    /**
     * Feature-table cases (images, channels last): format "FEATURES HxWxC", a Gaussian table of FEAT_ROWS rows, 4
     * classes.
     */
    public static final String FEATURES = "FEATURES ";

    public static final int FEAT_ROWS = 37, FEAT_C = 4;

    public static final List<Case> CASES = List.of(
            new Case(
                    "mlp",
                    "{\"kind\":\"mlp\",\"embed_dim\":8,\"hidden\":16,\"depth\":2,\"activation\":\"relu\"}",
                    "PAIR",
                    "cross_entropy",
                    0,
                    0),
            new Case(
                    "mlp-onehot",
                    "{\"kind\":\"mlp\",\"embed_dim\":0,\"hidden\":16,\"depth\":2,\"activation\":\"relu\"}",
                    "PAIR",
                    "cross_entropy",
                    0,
                    0),
            new Case(
                    "mlp-gelu-mse-l2",
                    "{\"kind\":\"mlp\",\"embed_dim\":8,\"hidden\":16,\"depth\":1,\"activation\":\"gelu\"}",
                    "PAIR",
                    "mse",
                    0.01,
                    0),
            new Case("quadratic-linf", "{\"kind\":\"quadratic\",\"width\":24}", "PAIR", "cross_entropy", 0, 0.05),
            new Case(
                    "transformer-nanda",
                    "{\"kind\":\"transformer\",\"d_model\":16,\"heads\":2,\"d_mlp\":32,\"layers\":1,\"norm\":\"none\",\"activation\":\"relu\",\"attn_bias\":false,\"mlp_bias\":true,\"format\":\"equals\"}",
                    "EQUALS",
                    "cross_entropy",
                    0,
                    0),
            new Case(
                    "transformer-post-2l",
                    "{\"kind\":\"transformer\",\"d_model\":16,\"heads\":4,\"d_mlp\":24,\"layers\":2,\"norm\":\"post\",\"activation\":\"gelu\",\"attn_bias\":true,\"mlp_bias\":true,\"format\":\"op_equals\"}",
                    "OP_EQUALS",
                    "cross_entropy",
                    0,
                    0),
            new Case(
                    "transformer-pre-2l",
                    "{\"kind\":\"transformer\",\"d_model\":16,\"heads\":2,\"d_mlp\":32,\"layers\":2,\"norm\":\"pre\",\"activation\":\"gelu_tanh\",\"attn_bias\":true,\"mlp_bias\":false,\"format\":\"op_equals\"}",
                    "OP_EQUALS",
                    "cross_entropy",
                    0,
                    0),
            new Case(
                    "transformer-normed-2l",
                    "{\"kind\":\"transformer\",\"d_model\":16,\"heads\":2,\"d_mlp\":32,\"layers\":2,\"norm\":\"normed_residual\",\"activation\":\"gelu\",\"attn_bias\":true,\"mlp_bias\":true,\"format\":\"op_equals\"}",
                    "OP_EQUALS",
                    "cross_entropy",
                    0,
                    0),
            new Case(
                    "text-bag",
                    "{\"kind\":\"bag\",\"embed_dim\":8,\"hidden\":16,\"depth\":2,\"activation\":\"gelu\"}",
                    TEXT,
                    "cross_entropy",
                    0,
                    0),
            new Case(
                    "text-encoder-cls",
                    "{\"kind\":\"encoder\",\"d_model\":16,\"heads\":4,\"d_ff\":32,\"layers\":2,\"activation\":\"gelu\",\"pooling\":\"cls\",\"pooler\":true}",
                    TEXT,
                    "cross_entropy",
                    0,
                    0),
            new Case(
                    "text-encoder-mean",
                    "{\"kind\":\"encoder\",\"d_model\":16,\"heads\":2,\"d_ff\":24,\"layers\":1,\"activation\":\"relu\",\"pooling\":\"mean\",\"pooler\":false}",
                    TEXT,
                    "cross_entropy",
                    0,
                    0),
            new Case(
                    "image-mlp-mse",
                    "{\"kind\":\"mlp\",\"hidden\":16,\"depth\":2,\"activation\":\"relu\"}",
                    FEATURES + "5x4x1",
                    "mse",
                    0,
                    0),
            new Case(
                    "image-conv",
                    "{\"kind\":\"conv\",\"channels\":[4,6],\"kernel\":3,\"pool\":2,\"activation\":\"relu\"}",
                    FEATURES + "7x6x2",
                    "cross_entropy",
                    0,
                    0),
            new Case(
                    "image-conv-head",
                    "{\"kind\":\"conv\",\"channels\":[3],\"kernel\":5,\"pool\":3,\"hidden\":8,\"activation\":\"gelu\"}",
                    FEATURES + "8x7x3",
                    "mse",
                    0.01,
                    0));

    private GoldenCases() {}

    /** {h, w, c} of a feature case, null for the others. */
    public static int[] imageShape(Case c) {
        if (!c.format().startsWith(FEATURES)) return null;
        return java.util.Arrays.stream(c.format().substring(FEATURES.length()).split("x"))
                .mapToInt(Integer::parseInt)
                .toArray();
    }

    /** A feature case's table [FEAT_ROWS, h·w·c]: standard normal values, fixed by the shape. */
    public static float[] table(int[] shape) {
        org.grokscope.engine.Rng r = new org.grokscope.engine.Rng(23);
        float[] t = new float[FEAT_ROWS * shape[0] * shape[1] * shape[2]];
        for (int i = 0; i < t.length; i++) t[i] = (float) r.nextGaussian();
        return t;
    }

    public static Model build(Case c, Parallel pool) throws Exception {
        ModelSpec spec = Json.MAPPER.readValue(c.modelJson(), ModelSpec.class);
        int[] sh = imageShape(c);
        if (sh != null) return spec.buildOnFeatures(pool, table(sh), FEAT_ROWS, sh[0], sh[1], sh[2], FEAT_C);
        if (c.format().equals(TEXT)) return Experiment.buildModel(spec, pool, TEXT_V, TEXT_T, TEXT_C);
        InputFormat f = InputFormat.valueOf(c.format());
        return Experiment.buildModel(spec, pool, f.vocab(P), f.length, P);
    }

    public static Dataset data(Case c) {
        if (imageShape(c) != null) {
            org.grokscope.engine.Rng r = new org.grokscope.engine.Rng(29);
            int[] tok = new int[N], y = new int[N];
            for (int e = 0; e < N; e++) {
                tok[e] = r.nextInt(FEAT_ROWS);
                y[e] = r.nextInt(FEAT_C);
            }
            return new Dataset(tok, y, 1, FEAT_ROWS, FEAT_C);
        }
        if (c.format().equals(TEXT)) {
            org.grokscope.engine.Rng r = new org.grokscope.engine.Rng(17);
            int[] tok = new int[N * TEXT_T], y = new int[N];
            for (int e = 0; e < N; e++) {
                int len = e == 0 ? TEXT_T : 1 + r.nextInt(TEXT_T);
                tok[e * TEXT_T] = 2;
                for (int t = 1; t < len; t++) tok[e * TEXT_T + t] = 3 + r.nextInt(TEXT_V - 3);
                y[e] = r.nextInt(TEXT_C);
            }
            return new Dataset(tok, y, TEXT_T, TEXT_V, TEXT_C);
        }
        ModularTask t = new ModularTask(P, ModOp.ADD, 0);
        return t.dataset(t.split(N, null, null, 5).train(), InputFormat.valueOf(c.format()));
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources/golden");
        try (Parallel pool = new Parallel(1)) {
            for (Case c : CASES) {
                Model m = build(c, pool);
                Init.apply(m.params(), Init.Scheme.PYTORCH, 0.02, 1.0, 42, 16, m.vocab());
                Dataset d = data(c);
                ObjectNode doc = Json.MAPPER.createObjectNode();
                doc.put("name", c.name());
                doc.set("model", Json.MAPPER.readTree(c.modelJson()));
                doc.put("p", d.classes());
                doc.put("seq_len", d.seqLen());
                doc.put("vocab", d.vocab());
                doc.put("loss", c.loss());
                doc.put("l2", c.l2());
                doc.put("linf", c.linf());
                ObjectNode opt = doc.putObject("adamw");
                opt.put("lr", LR);
                opt.put("beta1", BETA1);
                opt.put("beta2", BETA2);
                opt.put("eps", EPS);
                opt.put("weight_decay", WD);
                opt.put("steps", STEPS);
                int[] sh = imageShape(c);
                if (sh != null) {
                    ArrayNode shape = doc.putArray("image_shape");
                    for (int v : sh) shape.add(v);
                    ArrayNode feats = doc.putArray("features");
                    for (float v : table(sh)) feats.add(v);
                }
                putDataAndWeights(doc, d, m);
                Path dir = root.resolve(c.name());
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("input.json"), Json.MAPPER.writeValueAsString(doc) + "\n");
                System.out.println("wrote " + dir.resolve("input.json"));
            }
        }
    }

    /** The tokens, labels and every parameter (name, shape, values) of an input.json. */
    static void putDataAndWeights(ObjectNode doc, Dataset d, Model m) {
        ArrayNode tok = doc.putArray("tokens");
        for (int v : d.tokens()) tok.add(v);
        ArrayNode lab = doc.putArray("labels");
        for (int v : d.labels()) lab.add(v);
        ArrayNode ps = doc.putArray("params");
        for (Param p : m.params().list()) {
            ObjectNode o = ps.addObject();
            o.put("name", p.name());
            ArrayNode sh = o.putArray("shape");
            for (int s : p.shape()) sh.add(s);
            ArrayNode vals = o.putArray("values");
            for (int i = 0; i < p.size(); i++) vals.add(m.params().w[p.offset() + i]);
        }
    }

    static float[] floats(JsonNode arr) {
        float[] out = new float[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) arr.get(i).asDouble();
        return out;
    }
}
