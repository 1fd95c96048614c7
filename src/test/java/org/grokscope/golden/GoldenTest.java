package org.grokscope.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.stream.Stream;
import org.grokscope.config.Json;
import org.grokscope.data.Dataset;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.Model;
import org.grokscope.nn.Param;
import org.grokscope.nn.Params;
import org.grokscope.train.AdamW;
import org.grokscope.train.Regularizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole models against PyTorch (tools/reference/reference.py): logits, loss and every gradient at grokscope's initial
 * weights, then the loss and every parameter after three AdamW steps. Tolerance: per tensor, max |java − torch| ≤ 1e-4
 * · max |torch| + 1e-6 · (largest gradient of the model), the second term so that gradients that are zero in exact
 * arithmetic (an attention key bias shifts every score of a query equally) compare as rounding noise. Such tensors are
 * left out of the after-AdamW comparison: Adam divides by √v, so rounding noise of either side becomes a ±lr step of
 * either sign.
 */
class GoldenTest {
    static final Parallel POOL = new Parallel(2);
    static final double REL = 1e-4;

    @AfterAll
    static void close() {
        POOL.close();
    }

    static Stream<String> cases() {
        return GoldenCases.CASES.stream().map(GoldenCases.Case::name);
    }

    static JsonNode read(String name, String file) throws Exception {
        try (InputStream in = GoldenTest.class.getResourceAsStream("/golden/" + name + "/" + file)) {
            assertThat(in)
                    .as("fixture %s/%s (run tools/reference/regenerate.sh)", name, file)
                    .isNotNull();
            return Json.MAPPER.readTree(in);
        }
    }

    static void close(String what, float[] actual, int off, JsonNode expected) {
        close(what, actual, off, expected, 0);
    }

    static double maxAbs(JsonNode a) {
        double m = 0;
        for (JsonNode v : a) m = Math.max(m, Math.abs(v.asDouble()));
        return m;
    }

    static void close(String what, float[] actual, int off, JsonNode expected, double floor) {
        assertThat(actual.length - off).as(what + " size").isGreaterThanOrEqualTo(expected.size());
        double maxRef = 0, maxDiff = 0;
        int worst = -1;
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i).asDouble();
            maxRef = Math.max(maxRef, Math.abs(e));
            double d = Math.abs(actual[off + i] - e);
            if (d > maxDiff) {
                maxDiff = d;
                worst = i;
            }
        }
        assertThat(maxDiff)
                .as("%s: max |java - torch| (worst element %d, max |torch| %.3g)", what, worst, maxRef)
                .isLessThanOrEqualTo(REL * maxRef + floor + 1e-9);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPyTorch(String name) throws Exception {
        GoldenCases.Case c = GoldenCases.CASES.stream()
                .filter(x -> x.name().equals(name))
                .findFirst()
                .orElseThrow();
        JsonNode in = read(name, "input.json"), ex = read(name, "expected.json");
        Model m = GoldenCases.build(c, POOL);
        Params ps = m.params();
        for (JsonNode p : in.get("params")) {
            Param q = ps.get(p.get("name").asText());
            float[] v = GoldenCases.floats(p.get("values"));
            assertThat(v.length).as(q.name()).isEqualTo(q.size());
            System.arraycopy(v, 0, ps.w, q.offset(), v.length);
        }
        Dataset d = GoldenCases.data(c);
        assertThat(GoldenCases.floats(in.get("labels"))).hasSize(d.size());
        Kernels k = new Kernels(POOL);
        Regularizer reg = new Regularizer(k, c.l2(), c.linf());
        boolean mse = c.loss().equals("mse");
        int n = d.size(), C = m.classes();
        float[] dl = new float[n * C];

        // forward, loss, gradients at the initial weights
        ps.zeroGrad();
        float[] logits = m.forward(d.tokens(), 0, n);
        close(name + " logits", logits, 0, ex.get("logits"));
        double loss = mse
                ? k.mseOneHot(logits, n, C, d.labels(), 0, dl, 1.0 / ((double) n * C))
                        .loss()
                : k.crossEntropy(logits, n, C, d.labels(), 0, dl, 1.0 / n).loss();
        assertThat(loss)
                .as(name + " data loss")
                .isCloseTo(ex.get("data_loss").asDouble(), org.assertj.core.data.Percentage.withPercentage(1e-3));
        m.backward(dl);
        double total = loss + (reg.active() ? reg.apply(ps) : 0);
        assertThat(total)
                .as(name + " loss")
                .isCloseTo(ex.get("loss").asDouble(), org.assertj.core.data.Percentage.withPercentage(1e-3));
        double gradScale = 0;
        for (Param p : ps.list())
            gradScale = Math.max(gradScale, maxAbs(ex.get("grads").get(p.name())));
        for (Param p : ps.list())
            close(name + " grad " + p.name(), ps.g, p.offset(), ex.get("grads").get(p.name()), 1e-6 * gradScale);

        // three AdamW steps
        AdamW opt = new AdamW(POOL, ps.size(), GoldenCases.BETA1, GoldenCases.BETA2, GoldenCases.EPS, GoldenCases.WD);
        for (int s = 0; s < GoldenCases.STEPS; s++) {
            ps.zeroGrad();
            float[] z = m.forward(d.tokens(), 0, n);
            double l = mse
                    ? k.mseOneHot(z, n, C, d.labels(), 0, dl, 1.0 / ((double) n * C))
                            .loss()
                    : k.crossEntropy(z, n, C, d.labels(), 0, dl, 1.0 / n).loss();
            m.backward(dl);
            l += reg.active() ? reg.apply(ps) : 0;
            assertThat(l)
                    .as(name + " loss at step " + s)
                    .isCloseTo(
                            ex.get("step_losses").get(s).asDouble(),
                            org.assertj.core.data.Percentage.withPercentage(1e-3));
            opt.step(ps, GoldenCases.LR);
        }
        int compared = 0;
        for (Param p : ps.list()) {
            if (maxAbs(ex.get("grads").get(p.name())) < 1e-6 * gradScale)
                continue; // zero gradient: Adam follows rounding noise
            close(
                    name + " after 3 AdamW steps: " + p.name(),
                    ps.w,
                    p.offset(),
                    ex.get("params_after").get(p.name()));
            compared++;
        }
        assertThat(compared)
                .as("tensors compared after AdamW")
                .isGreaterThanOrEqualTo(ps.list().size() - 2 * 2);
    }
}
