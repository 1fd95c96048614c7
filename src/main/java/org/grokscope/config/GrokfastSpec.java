package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Grokfast's gradient filter: {@code kind} none (off), ema ({@code alpha} 0.98, {@code lamb} 2) or ma (the mean of the
 * last {@code window} 100 gradients, {@code lamb} 5, applied once the window is full unless {@code warmup} is false).
 * The paper's defaults for each kind.
 */
@JsonPropertyOrder({"kind", "alpha", "lamb", "window", "warmup"})
public record GrokfastSpec(GrokfastFilter kind, Double alpha, Double lamb, Integer window, Boolean warmup) {
    /** Every value at its default (what an absent section means). */
    public static GrokfastSpec defaults() {
        return new GrokfastSpec(null, null, null, null, null);
    }

    public GrokfastSpec {
        if (kind == null) kind = GrokfastFilter.NONE;
        if (alpha == null) alpha = 0.98;
        if (lamb == null) lamb = kind == GrokfastFilter.MA ? 5.0 : 2.0;
        if (window == null) window = 100;
        if (warmup == null) warmup = true;
    }

    /** The filter, or null when off. */
    public org.grokscope.train.Grokfast.Kind filter() {
        return switch (kind) {
            case NONE -> null;
            case EMA -> org.grokscope.train.Grokfast.Kind.EMA;
            case MA -> org.grokscope.train.Grokfast.Kind.MA;
        };
    }

    void validate(Problems p) {
        p.require(alpha >= 0 && alpha < 1, "optimizer.grokfast.alpha", "must be in [0, 1), got " + alpha);
        p.require(lamb >= 0 && Double.isFinite(lamb), "optimizer.grokfast.lamb", "must be >= 0, got " + lamb);
        p.require(window >= 1 && window <= 10_000, "optimizer.grokfast.window", "must be in [1, 10000], got " + window);
    }
}
