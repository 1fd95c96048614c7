package org.grokscope.probe;

import org.grokscope.data.Dataset;

/**
 * A modular-arithmetic task seen by the Fourier probes: every pair of the table in row x·p + y order (null when the
 * table is not all p² pairs), which rows are training and test examples, and whether the operation is addition (Nanda's
 * restricted and excluded losses are defined for x + y only).
 */
public record ModularContext(
        int p, boolean addition, Dataset allPairs, int[] trainRows, int[] testRows, int tableSize) {}
