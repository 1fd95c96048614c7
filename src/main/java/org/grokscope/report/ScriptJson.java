package org.grokscope.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.grokscope.config.Json;

/**
 * JSON to inline in a page's {@code <script>} element. Every {@code <} is written as the JSON escape {@code \u003c},
 * which parses to the same string: inside a script element the HTML parser reacts to {@code </script}, {@code <!--} and
 * {@code <script}, and escaping only {@code </} left a sweep directory named {@code sw<!--<script>} drawing no charts
 * (the parser entered its double-escaped script state). JSON puts {@code <} only inside strings, so the result is the
 * same data.
 */
public final class ScriptJson {
    private ScriptJson() {}

    public static String of(Object value) throws JsonProcessingException {
        return escape(
                Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value));
    }

    static String escape(String json) {
        return json.replace("<", "\\u003c");
    }
}
