package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Two-layer quadratic network f = V (W x)^2, one-hot x, no biases. */
@JsonPropertyOrder({"width"})
public record Quadratic(Integer width) implements ModelSpec {
    public Quadratic {
        if (width == null) width = 512;
    }

    @Override
    public void validate(Problems p, TaskSpec task) {
        p.require(width >= 1 && width <= 1 << 20, "model.width", "must be in [1, 1048576], got " + width);
    }

    @Override
    public org.grokscope.nn.Model build(org.grokscope.engine.Parallel pool, int vocab, int seqLen, int classes) {
        return new org.grokscope.nn.QuadraticNet(pool, vocab, width, classes);
    }

    @Override
    public int initWidth() {
        return width;
    }
}
