package org.grokscope.train;

import org.grokscope.nn.Params;

/**
 * Updates the flat parameter buffer from the flat gradient buffer. Call order: step() once per
 * training step, after all gradients (data loss and regularizers) are in {@code ps.g}.
 */
public interface Optimizer {
    /** One update with the scheduled learning rate. */
    void step(Params ps, double lr);

    /** Internal state (moments, step count) for checkpoints; arrays are live views. */
    float[][] state();

    long stepCount();

    void setStepCount(long t);
}
