package org.grokscope.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.grokscope.analysis.Forecaster;
import org.grokscope.config.ConfigLoader;

/**
 * The bundled early-verdict predictor: fitted by {@code grokscope forecast eval} on the forecast-bank preset's runs
 * and shipped in the jar ({@code /forecast/predictor.json}, the "predictor" of forecast-model.json). Every modular run
 * uses it unless probes.forecast is false.
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
                bundled = ConfigLoader.JSON.treeToValue(ConfigLoader.JSON.readTree(in).get("predictor"), Forecaster.class);
            } catch (IOException e) {
                throw new UncheckedIOException("the bundled forecast predictor " + RESOURCE + " cannot be read", e);
            }
        }
        return bundled;
    }
}
