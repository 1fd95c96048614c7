package org.grokscope.train;

import org.grokscope.nn.Params;

/**
 * Updates the flat parameter buffer from the flat gradient buffer. Call order: step() once per training step, after all
 * gradients (data loss and regularizers) are in {@code ps.g}.
 */
public interface Optimizer {
    /** One update with the scheduled learning rate. */
    void step(Params ps, double lr);

    /** Internal state (moments, step count) for checkpoints; arrays are live views. */
    float[][] state();

    /**
     * A name per {@link #state()} array, as a checkpoint labels it (PyTorch's names where there are any: exp_avg,
     * exp_avg_sq, momentum_buffer). Each array is parallel to the flat parameter buffer.
     */
    java.util.List<String> stateNames();

    long stepCount();

    void setStepCount(long t);
}
