package org.grokscope.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.grokscope.nn.Param;
import org.grokscope.nn.Params;
import org.grokscope.train.Init;
import org.junit.jupiter.api.Test;

/**
 * grokscope's init schemes against PyTorch's initializers (tools/reference/init_stats.py samples them): for every
 * scheme and parameter role, the same distribution as the papers' code — mean, standard deviation and, for the uniform
 * ones, the bounds — within sampling error.
 */
class GoldenInitTest {
    @Test
    void everySchemeAndRoleHasPyTorchsDistribution() throws Exception {
        JsonNode in = GoldenTest.read("init", "input.json"), ex = GoldenTest.read("init", "expected.json");
        int i = 0;
        for (JsonNode c : in.get("cases")) {
            JsonNode t = ex.get("stats").get(i++);
            int[] shape = new int[c.get("shape").size()];
            for (int k = 0; k < shape.length; k++)
                shape[k] = c.get("shape").get(k).asInt();
            Params ps = new Params();
            Param p = ps.add(
                    "t",
                    Param.Role.valueOf(c.get("role").asText()),
                    c.get("fan_in").asInt(),
                    shape);
            ps.allocate();
            Init.apply(
                    ps,
                    Init.Scheme.valueOf(c.get("scheme").asText().toUpperCase(Locale.ROOT)),
                    c.get("std").asDouble(),
                    1.0,
                    11,
                    c.get("d_model").asInt(),
                    c.get("d_vocab").asInt());
            double sum = 0, sq = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < p.size(); k++) {
                double v = ps.w[p.offset() + k];
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            double mean = sum / p.size();
            for (int k = 0; k < p.size(); k++) sq += (ps.w[p.offset() + k] - mean) * (ps.w[p.offset() + k] - mean);
            double std = Math.sqrt(sq / (p.size() - 1)), want = t.get("std").asDouble();
            String what = c.get("scheme").asText() + " " + c.get("role").asText() + " " + c.get("shape");
            assertThat(std).as(what + " std").isCloseTo(want, within(0.03 * want + 1e-12));
            assertThat(mean)
                    .as(what + " mean")
                    .isCloseTo(t.get("mean").asDouble(), within(6 * want / Math.sqrt(p.size()) + 1e-12));
            boolean uniform = c.get("scheme").asText().equals("pytorch")
                    && !c.get("role").asText().equals("EMBEDDING");
            if (uniform) { // U(±1/√fan_in): the extremes reach the bound from inside
                double bound = 1 / Math.sqrt(c.get("fan_in").asInt());
                assertThat(max)
                        .as(what + " max")
                        .isLessThanOrEqualTo(bound)
                        .isCloseTo(t.get("max").asDouble(), within(0.02 * bound));
                assertThat(min)
                        .as(what + " min")
                        .isGreaterThanOrEqualTo(-bound)
                        .isCloseTo(t.get("min").asDouble(), within(0.02 * bound));
            }
        }
        assertThat(i).isEqualTo(20);
    }
}
