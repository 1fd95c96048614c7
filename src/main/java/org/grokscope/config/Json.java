package org.grokscope.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;

/**
 * The one JSON mapper for grokscope's records, whoever reads or writes them: config.json (through {@link ConfigLoader},
 * which adds YAML, --set and file:line errors on top), summary.json, progress.json, provenance.json, the sweep store's
 * documents, cds.json, reports and the dashboard's API. Fields are snake_case and written indented; the config's closed
 * sets are written and read by their keys; a non-finite number is written as null and read back as NaN; a document read
 * into a record must match it exactly (an unknown or duplicate field, trailing text, or a fraction where a whole number
 * belongs is an error), so a damaged or foreign file is refused rather than half-read.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(SerializationFeature.INDENT_OUTPUT);

    static {
        MAPPER.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // JSON has no NaN: a measure that does not exist (a diverged run's loss, an empty test set's accuracy) is
        // written
        // as null, and read back as NaN; strings "NaN" of files written before are still read
        com.fasterxml.jackson.databind.module.SimpleModule nan =
                new com.fasterxml.jackson.databind.module.SimpleModule("non-finite-as-null");
        com.fasterxml.jackson.databind.ser.std.StdSerializer<Double> finiteOrNull =
                new com.fasterxml.jackson.databind.ser.std.StdSerializer<>(Double.class) {
                    @Override
                    public void serialize(
                            Double v,
                            com.fasterxml.jackson.core.JsonGenerator g,
                            com.fasterxml.jackson.databind.SerializerProvider p)
                            throws IOException {
                        if (Double.isFinite(v)) g.writeNumber(v.doubleValue());
                        else g.writeNull();
                    }
                };
        nan.addSerializer(Double.TYPE, finiteOrNull);
        nan.addSerializer(Double.class, finiteOrNull);
        nan.addDeserializer(
                Double.TYPE, new com.fasterxml.jackson.databind.deser.std.StdDeserializer<Double>(Double.TYPE) {
                    @Override
                    public Double deserialize(JsonParser p, com.fasterxml.jackson.databind.DeserializationContext c)
                            throws IOException {
                        if (p.currentToken() == JsonToken.VALUE_STRING) {
                            String t = p.getText().trim();
                            try {
                                return Double.parseDouble(t);
                            } catch (NumberFormatException e) {
                                return (Double) c.handleWeirdStringValue(Double.TYPE, t, "not a number");
                            }
                        }
                        if (p.currentToken().isNumeric()) return p.getDoubleValue();
                        return (Double) c.handleUnexpectedToken(Double.TYPE, p);
                    }

                    @Override
                    public Double getNullValue(com.fasterxml.jackson.databind.DeserializationContext c) {
                        return Double.NaN;
                    }
                });
        MAPPER.registerModule(nan);
        MAPPER.registerModule(ConfigEnums.module()); // the config's closed sets: enums written and read by their keys
    }

    private Json() {}
}
