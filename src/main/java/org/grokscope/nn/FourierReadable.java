package org.grokscope.nn;

/**
 * A model of modular arithmetic whose weights Nanda et al.'s Fourier measures read: the embeddings of the p residues
 * (per input slot that embeds them separately) and the neuron-to-logit map W_L. Probes ask a model for this instead of
 * checking its class or looking up parameter names.
 */
public interface FourierReadable {
    /**
     * Offsets in params().w of the [p, residueWidth()] residue-embedding blocks; several blocks' frequency norms are
     * combined as √(Σ²).
     */
    int[] residueEmbeddingOffsets(int p);

    int residueWidth();

    /** Neurons feeding the logits: rows of {@link #neuronToLogits()}. */
    int neurons();

    /** W_L, [neurons, classes], in a new array (for the transformer the product W_out·W_U of the last block). */
    float[] neuronToLogits();
}
