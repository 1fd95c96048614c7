package org.grokscope.config;

/**
 * optimizer.kind: AdamW (decoupled weight decay), Adam (torch.optim.Adam: the weight decay is an L2 term added to the
 * gradient inside the step), SGD with optional momentum, or normalized gradient descent.
 */
public enum OptimizerKind {
    ADAMW,
    ADAM,
    SGD,
    NORMALIZED_GD
}
