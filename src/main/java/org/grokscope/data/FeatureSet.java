package org.grokscope.data;

import java.util.Map;

/**
 * A task whose examples are rows of one frozen feature table (images, numeric tables), as a model sees it: the table
 * [rows, height·width·channels] with the training rows first, then the test rows (an image row holds its pixels
 * channels last; a table row is 1×dim×1), and the two datasets whose single token per example is its row index.
 * {@code trainPool} is how many training examples the source holds (a sample-wise search's largest size); {@code info}
 * is what a run records about the data.
 */
public record FeatureSet(
        float[] features,
        int height,
        int width,
        int channels,
        Dataset train,
        Dataset test,
        int trainPool,
        Map<String, Object> info) {
    public FeatureSet {
        if ((long) (train.size() + test.size()) * height * width * channels != features.length)
            throw new IllegalArgumentException("a feature table of " + features.length + " values does not hold "
                    + (train.size() + test.size()) + " rows of " + height + "x" + width + "x" + channels);
    }

    /** Values per example. */
    public int dim() {
        return height * width * channels;
    }

    /** Rows in the table (the datasets' vocabulary). */
    public int rows() {
        return train.size() + test.size();
    }
}
