package org.grokscope.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.grokscope.analysis.Forecaster;
import org.grokscope.analysis.Signals;
import org.grokscope.config.ConfigException;
import org.grokscope.config.Json;

/**
 * The bundled early-verdict predictor: fitted by {@code grokscope forecast eval} on the forecast-bank preset's runs and
 * shipped in the jar ({@code /forecast/predictor.json}, the "predictor" of forecast-model.json). Every modular run uses
 * it unless probes.forecast is false.
 */
public final class Forecasts {
    public static final String RESOURCE = "/forecast/predictor.json";
    private static Forecaster bundled;

    private Forecasts() {}

    /** The bundled predictor, or null if this build has none. */
    public static synchronized Forecaster bundled() {
        if (bundled == null) {
            try (InputStream in = Forecasts.class.getResourceAsStream(RESOURCE)) {
                if (in == null) return null;
                bundled = valid(
                        Json.MAPPER.treeToValue(Json.MAPPER.readTree(in).get("predictor"), Forecaster.class), RESOURCE);
            } catch (IOException | ConfigException e) {
                throw new IllegalStateException(
                        "the bundled forecast predictor " + RESOURCE + " cannot be used: " + e.getMessage(), e);
            }
        }
        return bundled;
    }

    /**
     * The predictor of a forecast-model.json written by {@code forecast eval}; one error naming the file and field if
     * it is not one.
     */
    public static Forecaster read(Path file) throws ConfigException {
        JsonNode doc;
        try {
            doc = Json.MAPPER.readTree(file.toFile());
        } catch (
                com.fasterxml.jackson.core.JsonProcessingException
                        e) { // its own message ends in a source-location line
            var at = e.getLocation();
            throw new ConfigException(file + (at != null && at.getLineNr() > 0 ? ":" + at.getLineNr() : "")
                    + ": not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read as JSON: " + e.getMessage());
        }
        if (doc == null || !doc.has("predictor"))
            throw new ConfigException(
                    file + ": field 'predictor' missing (expected a forecast-model.json written by forecast eval)");
        try {
            return valid(Json.MAPPER.treeToValue(doc.get("predictor"), Forecaster.class), file.toString());
        } catch (IOException e) {
            throw new ConfigException(file + ": field 'predictor' is not a predictor: " + e.getMessage());
        }
    }

    // a predictor reads signals by position: it must have been fitted on this version's signals, in this order
    static Forecaster valid(Forecaster f, String source) throws ConfigException {
        if (f.model() == null || f.model().features() == null)
            throw new ConfigException(source + ": field 'predictor.model' missing or without features");
        if (f.baseRate() == null || f.baseRate().length == 0)
            throw new ConfigException(
                    source
                            + ": field 'predictor.base_rate' missing (written by an older version: refit it with forecast eval)");
        if (!List.of(f.model().features()).equals(Signals.NAMES))
            throw new ConfigException(
                    source + ": field 'predictor.model.features' does not list this version's signals " + Signals.NAMES
                            + " (fitted by another version: refit it with forecast eval)");
        return f;
    }
}
