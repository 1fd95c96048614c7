package org.grokscope.data;

import org.grokscope.engine.Rng;

/**
 * The full table of "x ∘ y = c (mod p)" over the operation's domain, split into train and test.
 *
 * <p>Splitting: one seeded permutation of the table. With {@code testFraction} set, its last round(f·N) examples are a
 * fixed test pool and the training set is a prefix of the rest (the CDS paper's 75:25 split with subsets); otherwise
 * the training set is a prefix and the test set is everything else (Nanda, Power). Either way, for one seed a smaller
 * training set is a subset of a larger one.
 */
public final class ModularTask {
    public final int p;
    public final ModOp op;
    private final int[] xs, ys, labels;

    public ModularTask(int p, ModOp op, long labelSeed) {
        this.p = p;
        this.op = op;
        int count = 0;
        for (int x = 0; x < p; x++) for (int y = 0; y < p; y++) if (op.defined(x, y)) count++;
        xs = new int[count];
        ys = new int[count];
        labels = new int[count];
        Rng rnd = op == ModOp.RANDOM ? Rng.of(labelSeed, "random-labels") : null;
        int i = 0;
        for (int x = 0; x < p; x++) {
            for (int y = 0; y < p; y++) {
                if (!op.defined(x, y)) continue;
                xs[i] = x;
                ys[i] = y;
                labels[i] = rnd != null ? rnd.nextInt(p) : op.apply(x, y, p);
                i++;
            }
        }
    }

    public int size() {
        return labels.length;
    }

    public int label(int i) {
        return labels[i];
    }

    /** Indices into the table. */
    public record Split(int[] train, int[] test) {}

    /**
     * @param trainCount training examples (exclusive with trainFraction; one must be given)
     * @param trainFraction training examples as a fraction of the whole table
     * @param testFraction fixed held-out fraction of the table, or null for "test on the rest"
     */
    public Split split(Integer trainCount, Double trainFraction, Double testFraction, long seed) {
        int total = size();
        int nTrain = trainCount != null ? trainCount : (int) Math.round(trainFraction * total);
        int nTest = testFraction == null ? total - nTrain : (int) Math.round(testFraction * total);
        if (nTrain < 1 || nTrain + nTest > total || nTest < 0)
            throw new IllegalArgumentException(
                    "cannot take " + nTrain + " training and " + nTest + " test examples from " + total);
        int[] perm = new int[total];
        for (int i = 0; i < total; i++) perm[i] = i;
        Rng.of(seed, "split").shuffle(perm);
        int[] train = java.util.Arrays.copyOfRange(perm, 0, nTrain);
        int[] test = testFraction == null
                ? java.util.Arrays.copyOfRange(perm, nTrain, total)
                : java.util.Arrays.copyOfRange(perm, total - nTest, total);
        return new Split(train, test);
    }

    public Dataset dataset(int[] idx, InputFormat f) {
        int[] tok = new int[idx.length * f.length], y = new int[idx.length];
        for (int r = 0; r < idx.length; r++) {
            f.encode(xs[idx[r]], ys[idx[r]], p, tok, r * f.length);
            y[r] = labels[idx[r]];
        }
        return new Dataset(tok, y, f.length, f.vocab(p), p);
    }
}
