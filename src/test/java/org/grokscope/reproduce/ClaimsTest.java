package org.grokscope.reproduce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.sweep.SweepConfig;
import org.junit.jupiter.api.Test;

/** The bundled claims load, every form's sweep expands, and every row's filter picks runs of the paper's form. */
class ClaimsTest {
    @Test
    void everyClaimsRowsPickRunsFromItsFullForm() throws Exception {
        List<Claim> claims = Claims.all();
        assertThat(claims).extracting(Claim::name).contains("grokfast", "power", "stablemax", "omnigrok-mnist");
        for (Claim c : claims) {
            List<JsonNode> full = configs(c.full());
            if (c.quick() != null)
                assertThat(configs(c.quick())).as(c.name() + " quick").isNotEmpty();
            for (Claim.Row r : c.rows()) {
                if (!r.measure().kind().perRun()) continue;
                long n = full.stream()
                        .filter(cfg -> Reproduction.matches(cfg, r.where()))
                        .count();
                assertThat(n)
                        .as(c.name() + ": " + r.label())
                        .isPositive(); // a misspelt key or value would pick nothing
            }
        }
    }

    @Test
    void theGrokfastRowsSplitTheSweepIntoItsFiveSettingsOfThreeSeeds() throws Exception {
        Claim c = Claims.named("grokfast");
        List<JsonNode> full = configs(c.full());
        assertThat(full).hasSize(15);
        for (Claim.Row r : c.rows())
            assertThat(full.stream()
                            .filter(cfg -> Reproduction.matches(cfg, r.where()))
                            .count())
                    .as(r.label())
                    .isEqualTo(3);
    }

    @Test
    void matchingComparesNumbersAsNumbersAndTextWithoutCase() throws Exception {
        JsonNode cfg = Json.MAPPER.readTree("{\"optimizer\":{\"lr\":0.001,\"kind\":\"adam\",\"orthogonal\":false}}");
        assertThat(Reproduction.matches(cfg, java.util.Map.of("optimizer.lr", "1e-3")))
                .isTrue();
        assertThat(Reproduction.matches(cfg, java.util.Map.of("optimizer.lr", "0.003")))
                .isFalse();
        assertThat(Reproduction.matches(
                        cfg, java.util.Map.of("optimizer.kind", "ADAM", "optimizer.orthogonal", "false")))
                .isTrue();
        assertThat(Reproduction.matches(cfg, java.util.Map.of("optimizer.momentum", "0")))
                .isFalse(); // absent key
    }

    @Test
    void anUnknownClaimNamesTheKnownOnes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Claims.named("grokfst"))
                .hasMessageContaining("unknown claim 'grokfst'")
                .hasMessageContaining("grokfast, power");
    }

    private static List<JsonNode> configs(Claim.Form f) throws Exception {
        ConfigLoader.Bound<SweepConfig> b = ConfigLoader.bind(Reproduction.source(f.sweep()), SweepConfig.class);
        return SweepConfig.expand(b, null).stream()
                .map(p -> (JsonNode) Json.MAPPER.valueToTree(p.config()))
                .toList();
    }
}
