package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Explicit penalties: (l2/2)·‖θ‖² and linf·‖θ‖∞. */
@JsonPropertyOrder({"l2", "linf"})
public record Regularization(Double l2, Double linf) {
    /** Every value at its default (what an absent section means). */
    public static Regularization defaults() {
        return new Regularization(null, null);
    }

    public Regularization {
        if (l2 == null) l2 = 0.0;
        if (linf == null) linf = 0.0;
    }

    void validate(Problems p) {
        p.require(l2 >= 0 && Double.isFinite(l2), "regularization.l2", "must be >= 0, got " + l2);
        p.require(linf >= 0 && Double.isFinite(linf), "regularization.linf", "must be >= 0, got " + linf);
    }
}
