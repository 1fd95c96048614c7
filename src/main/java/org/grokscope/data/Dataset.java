package org.grokscope.data;

/**
 * Token sequences [n, seqLen] with one class label each; for a regression task also {@code targets} [n, classes]: the
 * values the outputs are fitted to (then every label is 0, and {@code classes} counts the outputs).
 */
public record Dataset(int[] tokens, int[] labels, int seqLen, int vocab, int classes, float[] targets) {
    /** A classification dataset. */
    public Dataset(int[] tokens, int[] labels, int seqLen, int vocab, int classes) {
        this(tokens, labels, seqLen, vocab, classes, null);
    }

    public int size() {
        return labels.length;
    }

    /** Whether the outputs are fitted to values (regression) rather than classes. */
    public boolean regression() {
        return targets != null;
    }
}
