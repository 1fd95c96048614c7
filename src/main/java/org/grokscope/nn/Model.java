package org.grokscope.nn;

/**
 * A classifier over fixed-length token sequences. {@link #forward} returns logits[n, classes] in a buffer the model
 * owns (valid until the next call); {@link #backward} takes dL/dlogits for the last forward batch and accumulates into
 * {@code params().g}. Buffers grow to the largest batch seen, so the steady-state step allocates nothing.
 */
public interface Model {
    Params params();

    /** Tokens per example. */
    int seqLen();

    /** Token vocabulary size. */
    int vocab();

    int classes();

    float[] forward(int[] tok, int tokOff, int n);

    void backward(float[] dlogits);

    /**
     * Floats per example in this model's largest single buffer (activations, their gradients, logits): a batch of n
     * needs one array of n times this, which must fit a Java array (checked before a run starts).
     */
    long floatsPerExample();

    /** Floating-point operations the implementation performs for a forward (+ backward) pass over n examples. */
    double flops(int n, boolean withBackward);
}
