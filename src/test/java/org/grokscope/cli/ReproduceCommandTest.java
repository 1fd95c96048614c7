package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.grokscope.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grokscope reproduce: the list, and a quick form run end to end with its result checked (not its time). */
class ReproduceCommandTest {
    @TempDir
    Path tmp;

    @Test
    void listNamesEveryClaimWithItsWallTimes() {
        CliTest.Out r = CliTest.cli("reproduce", "--list");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("grokfast", "1 min", "Lee et al. 2024", "softmax-collapse", "24 min", "power", "omnigrok-mnist");
    }

    @Test
    void theSoftmaxCollapseQuickFormShowsCollapseWithoutAndGeneralizationWithOrthogonalGradients() throws Exception {
        Path out = tmp.resolve("q");
        CliTest.Out r = CliTest.cli("reproduce", "softmax-collapse", "--quick", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("QUICK FORM, not the paper's setting", "near chance (collapse)", "no single number", "no ratio is given");
        JsonNode doc = ConfigLoader.JSON.readTree(out.resolve("reproduction.json").toFile());
        assertThat(doc.get("form").asText()).isEqualTo("quick");
        JsonNode plain = doc.get("rows").get(0), ortho = doc.get("rows").get(1), stablemax = doc.get("rows").get(2);
        assertThat(plain.get("ours").asDouble()).isLessThan(0.05);                       // the fp32 softmax run stays near chance
        assertThat(ortho.get("reached").asInt()).isEqualTo(1);                             // ⊥Grad generalizes within 1,000 steps
        assertThat(ortho.get("ours").asDouble()).isBetween(100.0, 1000.0);
        assertThat(stablemax.get("runs")).isEmpty();                                        // not part of the quick form
        // --read measures the same directory again without training
        CliTest.Out again = CliTest.cli("reproduce", "softmax-collapse", "--quick", "--out", out.toString(), "--read");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("1/1 reached").doesNotContain("runs done");
    }

    @Test
    void aQuickFormThatDoesNotExistAndAnUnknownClaimAreClearErrors() {
        CliTest.Out r = CliTest.cli("reproduce", "nope");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown claim 'nope'");
        CliTest.Out read = CliTest.cli("reproduce", "power", "--read", "--out", tmp.resolve("none").toString());
        assertThat(read.code()).isEqualTo(2);
        assertThat(read.err()).contains("no sweep.db");
    }
}
