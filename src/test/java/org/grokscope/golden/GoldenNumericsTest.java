package org.grokscope.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.grokscope.config.Json;
import org.grokscope.config.OptimizerSpec;
import org.grokscope.data.Dataset;
import org.grokscope.engine.Kernels;
import org.grokscope.engine.LossFunction;
import org.grokscope.engine.LossPrecision;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.Model;
import org.grokscope.nn.Param;
import org.grokscope.nn.Params;
import org.grokscope.run.Experiment;
import org.grokscope.train.Optimizer;
import org.grokscope.train.Regularizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The newer numerics against PyTorch (tools/reference/numerics.py): every loss function in both precisions on crafted
 * logits (loss, gradient and the exact collapse counts), and training variants (StableMax, fp32 softmax, ⊥Grad,
 * Grokfast EMA and MA, SGD with momentum, normalized GD) through the optimizer factory runs use.
 */
class GoldenNumericsTest {
    static final Parallel POOL = new Parallel(2);

    @AfterAll
    static void close() {
        POOL.close();
    }

    @Test
    void lossesMatchPyTorchIncludingCollapseCounts() throws Exception {
        JsonNode ex = GoldenTest.read("numerics/losses", "expected.json");
        float[][] in = GoldenNumerics.lossInput();
        JsonNode fixture = GoldenTest.read("numerics/losses", "input.json");
        assertThat(GoldenCases.floats(fixture.get("logits")))
                .as("the committed input is what lossInput() makes")
                .containsExactly(in[0]);
        int n = GoldenNumerics.LOSS_ROWS, C = GoldenNumerics.LOSS_CLASSES;
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = (int) in[1][i];
        Kernels k = new Kernels(POOL);
        int collapsedSomewhere = 0;
        for (LossFunction fn : LossFunction.values()) {
            for (LossPrecision pr : LossPrecision.values()) {
                JsonNode e = ex.get(fn.id() + "/" + pr.id());
                float[] d = new float[n * C];
                double scale = fn.gradScale(n, C);
                Kernels.LossResult r = k.loss(fn, pr, in[0], n, C, y, 0, d, scale);
                String what = fn.id() + " " + pr.id();
                assertThat(r.loss())
                        .as(what + " loss")
                        .isCloseTo(
                                e.get("loss").asDouble(),
                                within(1e-6 * Math.abs(e.get("loss").asDouble()) + 1e-12));
                GoldenTest.close(what + " gradient", d, 0, e.get("grad"), 1e-9);
                assertThat(r.zeroLoss())
                        .as(what + " rows with zero loss")
                        .isEqualTo(e.get("zero_loss").asInt());
                assertThat(r.zeroGrad())
                        .as(what + " rows with zero gradient")
                        .isEqualTo(e.get("zero_grad").asInt());
                assertThat(r.softmaxOne())
                        .as(what + " rows whose label probability is 1")
                        .isEqualTo(e.get("softmax_one").asInt());
                collapsedSomewhere += r.zeroLoss();
                // without a gradient buffer (evaluation) the counts are the same
                Kernels.LossResult m = k.loss(fn, pr, in[0], n, C, y, 0, null, scale);
                assertThat(new int[] {m.zeroLoss(), m.zeroGrad(), m.softmaxOne()})
                        .as(what + " counts without gradient")
                        .containsExactly(r.zeroLoss(), r.zeroGrad(), r.softmaxOne());
                assertThat(m.loss()).isEqualTo(r.loss());
            }
        }
        assertThat(collapsedSomewhere).as("the fixture reaches collapse").isGreaterThan(0);
        // the regimes the fixture was made to separate: fp32 collapses earlier than fp64, StableMax not at all
        assertThat(ex.get("cross_entropy/fp32").get("zero_loss").asInt())
                .isGreaterThan(ex.get("cross_entropy/fp64").get("zero_loss").asInt());
        assertThat(ex.get("cross_entropy/fp64").get("zero_grad").asInt()).isGreaterThan(0);
        assertThat(ex.get("stablemax_ce/fp64").get("softmax_one").asInt()).isZero();
    }

    static Stream<String> variants() {
        return GoldenNumerics.VARIANTS.stream().map(GoldenNumerics.Variant::name);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void trainingVariantMatchesPyTorch(String name) throws Exception {
        GoldenNumerics.Variant v = GoldenNumerics.VARIANTS.stream()
                .filter(x -> x.name().equals(name))
                .findFirst()
                .orElseThrow();
        GoldenCases.Case c = GoldenNumerics.base(v);
        JsonNode in = GoldenTest.read("numerics/" + name, "input.json"),
                ex = GoldenTest.read("numerics/" + name, "expected.json");
        Model m = GoldenCases.build(c, POOL);
        Params ps = m.params();
        for (JsonNode p : in.get("params")) {
            Param q = ps.get(p.get("name").asText());
            System.arraycopy(GoldenCases.floats(p.get("values")), 0, ps.w, q.offset(), q.size());
        }
        Dataset d = GoldenCases.data(c);
        Kernels k = new Kernels(POOL);
        OptimizerSpec spec = Json.MAPPER.treeToValue(in.get("optimizer"), OptimizerSpec.class);
        Optimizer opt = Experiment.optimizer(spec, ps, POOL, k);
        Regularizer reg = new Regularizer(k, c.l2(), c.linf());
        LossFunction fn = LossFunction.valueOf(v.loss().toUpperCase(java.util.Locale.ROOT));
        LossPrecision pr = LossPrecision.valueOf(v.precision().toUpperCase(java.util.Locale.ROOT));
        int n = d.size(), C = m.classes();
        float[] dl = new float[n * C];
        double[] firstGrad = new double[ps.list().size()];
        double gradScale = 0;
        for (int s = 0; s < v.steps(); s++) {
            ps.zeroGrad();
            float[] z = m.forward(d.tokens(), 0, n);
            double l = k.loss(fn, pr, z, n, C, d.labels(), 0, dl, fn.gradScale(n, C))
                    .loss();
            m.backward(dl);
            l += reg.active() ? reg.apply(ps) : 0;
            if (s == 0) {
                for (int i = 0; i < firstGrad.length; i++) {
                    Param p = ps.list().get(i);
                    for (int j = 0; j < p.size(); j++)
                        firstGrad[i] = Math.max(firstGrad[i], Math.abs(ps.g[p.offset() + j]));
                    gradScale = Math.max(gradScale, firstGrad[i]);
                }
            }
            assertThat(l)
                    .as(name + " loss at step " + s)
                    .isCloseTo(
                            ex.get("step_losses").get(s).asDouble(),
                            org.assertj.core.data.Percentage.withPercentage(1e-3));
            opt.step(ps, spec.lr());
        }
        int compared = 0;
        for (int i = 0; i < firstGrad.length; i++) {
            Param p = ps.list().get(i);
            if (firstGrad[i] < 1e-6 * gradScale)
                continue; // zero in exact arithmetic: adaptive steps follow rounding noise
            GoldenTest.close(
                    name + " after " + v.steps() + " steps: " + p.name(),
                    ps.w,
                    p.offset(),
                    ex.get("params_after").get(p.name()));
            compared++;
        }
        assertThat(compared)
                .as("tensors compared")
                .isGreaterThanOrEqualTo(ps.list().size() - 2);
    }
}
