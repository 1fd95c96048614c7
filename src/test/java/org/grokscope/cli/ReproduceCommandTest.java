package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.grokscope.config.Json;
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
        assertThat(r.out())
                .contains(
                        "grokfast",
                        "1 min",
                        "Lee et al. 2024",
                        "stablemax",
                        "4.0 h",
                        "power",
                        "8 min",
                        "omnigrok-mnist");
    }

    @Test
    void theStableMaxQuickFormRunsThePapersOrthogonalGradientRunToGeneralization() throws Exception {
        Path out = tmp.resolve("q");
        CliTest.Out r = CliTest.cli("reproduce", "stablemax", "--quick", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "QUICK FORM, not the paper's setting: the ⊥Grad run alone",
                        "generalizes within 300 steps (Figure 1)",
                        "no ratio is given");
        JsonNode doc = Json.MAPPER.readTree(out.resolve("reproduction.json").toFile());
        assertThat(doc.get("form").asText()).isEqualTo("quick");
        JsonNode stablemax = doc.get("rows").get(0), ortho = doc.get("rows").get(1);
        assertThat(ortho.get("reached").asInt()).isEqualTo(1); // ⊥Grad generalizes with no regularization
        assertThat(ortho.get("ours").asDouble()).isBetween(50.0, 1000.0);
        assertThat(stablemax.get("runs")).isEmpty(); // not part of the quick form
        // --read measures the same directory again without training
        CliTest.Out again = CliTest.cli("reproduce", "stablemax", "--quick", "--out", out.toString(), "--read");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("1/1 reached").doesNotContain("runs done");
        // several sittings of one claim read together (here the same one twice: its run counts twice)
        CliTest.Out both = CliTest.cli(
                "reproduce", "stablemax", "--quick", "--read", "--out", out.toString(), "--out", out.toString());
        assertThat(both.code()).isZero();
        assertThat(both.out()).contains("2/2 reached");
        CliTest.Out twoToRun = CliTest.cli(
                "reproduce",
                "stablemax",
                "--quick",
                "--out",
                out.toString(),
                "--out",
                tmp.resolve("other").toString());
        assertThat(twoToRun.code()).isEqualTo(2);
        assertThat(twoToRun.err()).contains("several only with --read");
    }

    @Test
    void aQuickFormThatDoesNotExistAndAnUnknownClaimAreClearErrors() {
        CliTest.Out r = CliTest.cli("reproduce", "nope");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown claim 'nope'");
        CliTest.Out read = CliTest.cli(
                "reproduce", "power", "--read", "--out", tmp.resolve("none").toString());
        assertThat(read.code()).isEqualTo(2);
        assertThat(read.err()).contains("no sweep.db");
    }
}
