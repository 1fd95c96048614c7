package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.grokscope.data.ModOp;

/** Modular arithmetic "x ∘ y = c (mod p)". */
@JsonPropertyOrder({"op", "p", "train_fraction", "train_count", "test_fraction", "split_seed"})
public record Modular(
        ModOp op, Integer p, Double trainFraction, Integer trainCount, Double testFraction, Long splitSeed)
        implements TaskSpec {
    /** Every value at its default (what an absent section means). */
    public static Modular defaults() {
        return new Modular(null, null, null, null, null, null);
    }

    public Modular {
        if (op == null) op = ModOp.ADD;
        if (p == null) p = 97;
        if (trainFraction == null && trainCount == null) trainFraction = 0.3;
    }

    public ModOp operation() {
        return op;
    }

    @Override
    public void validate(Problems pr) {
        ModOp o = op;
        pr.require(p >= 2 && p <= 2000, "task.p", "must be between 2 and 2000, got " + p);
        if (o != null && o.needsPrime())
            pr.require(ModOp.isPrime(p), "task.p", "operation " + op.key + " needs a prime modulus, got " + p);
        if (trainFraction != null && trainCount != null)
            pr.add("task.train_count", "give train_fraction or train_count, not both");
        if (trainFraction != null)
            pr.require(
                    trainFraction > 0 && trainFraction < 1,
                    "task.train_fraction",
                    "must be in (0, 1), got " + trainFraction);
        if (trainCount != null) pr.require(trainCount >= 1, "task.train_count", "must be >= 1, got " + trainCount);
        if (testFraction != null)
            pr.require(
                    testFraction > 0 && testFraction < 1,
                    "task.test_fraction",
                    "must be in (0, 1), got " + testFraction);
        boolean fieldsOk = (trainFraction == null || (trainFraction > 0 && trainFraction < 1))
                && (testFraction == null || (testFraction > 0 && testFraction < 1))
                && (trainCount == null || trainCount >= 1);
        if (p >= 2 && p <= 2000 && o != null && fieldsOk) { // cross-field checks only once each field is valid
            long total = o.excludesZeroY() ? (long) p * (p - 1) : (long) p * p;
            long nTest = testFraction == null ? 0 : Math.round(testFraction * total);
            long nTrain =
                    trainCount != null ? trainCount : trainFraction != null ? Math.round(trainFraction * total) : 0;
            if (trainCount != null)
                pr.require(
                        nTrain + nTest <= total,
                        "task.train_count",
                        "the table has " + total + " examples"
                                + (nTest > 0 ? " and " + nTest + " are held out for testing" : "") + "; " + nTrain
                                + " is too many");
            if (trainFraction != null && testFraction != null)
                pr.require(
                        trainFraction + testFraction <= 1,
                        "task.train_fraction",
                        "train_fraction + test_fraction must be <= 1");
            if (testFraction == null)
                pr.require(
                        nTrain < total,
                        trainCount != null ? "task.train_count" : "task.train_fraction",
                        "leaves no test examples (the table has " + total + ")");
        }
    }
}
