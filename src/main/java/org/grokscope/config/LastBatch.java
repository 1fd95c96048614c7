package org.grokscope.config;

/**
 * training.last_batch: with minibatches, an epoch's remainder (N mod batch_size examples) is left out until the next
 * shuffle (drop), or trained on as a smaller batch, a step of its own, as PyTorch's DataLoader and torch.split do
 * (keep).
 */
public enum LastBatch {
    DROP,
    KEEP
}
