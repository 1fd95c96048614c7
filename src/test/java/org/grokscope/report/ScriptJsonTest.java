package org.grokscope.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grokscope.config.Json;
import org.junit.jupiter.api.Test;

class ScriptJsonTest {
    /**
     * A sweep directory named sw<!--<script> once drew no charts: the inlined JSON must hold no '<' at all, and mean
     * the same.
     */
    @Test
    void inlinedJsonHasNoAngleBracketAndParsesToTheSameData() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", "sw<!--<script>");
        data.put("runs", List.of("</script><script>alert(1)</script>", "a\\<b", "<<>>", "plain"));
        data.put("x < y", 3);
        String inlined = ScriptJson.of(data);
        assertThat(inlined).doesNotContain("<");
        JsonNode back = Json.MAPPER.readTree(inlined);
        assertThat(back).isEqualTo(Json.MAPPER.valueToTree(data));
        assertThat(back.get("runs").get(1).asText()).isEqualTo("a\\<b");
    }
}
