package org.grokscope.bench;

import java.util.Map;
import org.grokscope.data.Dataset;
import org.grokscope.data.FeatureSet;
import org.grokscope.engine.Rng;

/**
 * An image table of the shape a preset reads, for timing it without the data set: values from a standard normal law
 * (what standardized pixels look like to the engine, whose step time depends on the shape alone), balanced labels.
 */
public final class SyntheticImages {
    private SyntheticImages() {}

    public static FeatureSet of(int nTrain, int nTest, int height, int width, int channels, int classes, long seed) {
        Rng r = new Rng(seed);
        int dim = height * width * channels, rows = nTrain + nTest;
        float[] t = new float[Math.multiplyExact(rows, dim)];
        for (int i = 0; i < t.length; i++) t[i] = (float) r.nextGaussian();
        int[] tokTrain = new int[nTrain], yTrain = new int[nTrain], tokTest = new int[nTest], yTest = new int[nTest];
        for (int i = 0; i < nTrain; i++) {
            tokTrain[i] = i;
            yTrain[i] = i % classes;
        }
        for (int i = 0; i < nTest; i++) {
            tokTest[i] = nTrain + i;
            yTest[i] = i % classes;
        }
        return new FeatureSet(
                t,
                height,
                width,
                channels,
                new Dataset(tokTrain, yTrain, 1, rows, classes),
                new Dataset(tokTest, yTest, 1, rows, classes),
                nTrain,
                Map.of("synthetic", true));
    }
}
