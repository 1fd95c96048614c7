package org.grokscope.data;

/** Token sequences [n, seqLen] with one class label each. */
public record Dataset(int[] tokens, int[] labels, int seqLen, int vocab, int classes) {
    public int size() {
        return labels.length;
    }
}
