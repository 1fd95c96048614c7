package org.grokscope.train;

import org.grokscope.nn.Params;

/**
 * Grokfast (Lee et al. 2024) around any optimizer: a low-pass filter of the gradient's history is amplified and added
 * to the raw gradient before the inner step, g ← g + λ·slow(g). Two filters, as in the paper's reference code:
 *
 * <ul>
 *   <li>{@code EMA}: s ← α·s + (1 − α)·g, starting from s = g at the first step; g ← g + λ·s.
 *   <li>{@code MA}: the mean of the last {@code window} raw gradients, oldest first, added as g ← g + λ·mean once the
 *       window is full (with {@code warmup}; without, from the first step over the gradients so far).
 * </ul>
 *
 * Element-wise fp32 arithmetic in the reference's order. The filter's state (the EMA, or the window's gradients: window
 * × parameters floats) is part of the optimizer state, so a checkpoint holds it and a resumed run continues bit for
 * bit; the window's position follows from the step count.
 */
public final class Grokfast implements Optimizer {
    public enum Kind {
        EMA,
        MA
    }

    private final Optimizer inner;
    private final Kind kind;
    private final float alpha, oneMinusAlpha, lamb;
    private final int window;
    private final boolean warmup;
    private final float[] ema;
    private final float[][] ring;
    private final float[] sum; // MA scratch: the window's sum
    private final float[][] state;

    /** @param alpha EMA decay (EMA only); @param window gradients averaged (MA only) */
    public Grokfast(Optimizer inner, int size, Kind kind, double alpha, double lamb, int window, boolean warmup) {
        this.inner = inner;
        this.kind = kind;
        this.window = window;
        this.warmup = warmup;
        this.alpha = (float) alpha;
        this.oneMinusAlpha = (float) (1 - alpha);
        this.lamb = (float) lamb;
        ema = kind == Kind.EMA ? new float[size] : null;
        ring = kind == Kind.MA ? new float[window][size] : new float[0][];
        sum = kind == Kind.MA ? new float[size] : null;
        float[][] in = inner.state();
        state = new float[(kind == Kind.EMA ? 1 : window) + in.length][];
        int k = 0;
        if (kind == Kind.EMA) state[k++] = ema;
        else for (float[] r : ring) state[k++] = r;
        for (float[] a : in) state[k++] = a;
    }

    /** Bytes of filter state for a model of {@code size} parameters. */
    public static long stateBytes(Kind kind, int size, int window) {
        return 4L * size * (kind == Kind.EMA ? 1 : window);
    }

    @Override
    public void step(Params ps, double lr) {
        long t = inner.stepCount(); // gradients filtered before this one
        float[] g = ps.g;
        if (kind == Kind.EMA) {
            if (t == 0) System.arraycopy(g, 0, ema, 0, g.length);
            for (int i = 0; i < g.length; i++) {
                ema[i] = ema[i] * alpha + g[i] * oneMinusAlpha;
                g[i] = g[i] + ema[i] * lamb;
            }
        } else {
            System.arraycopy(g, 0, ring[(int) (t % window)], 0, g.length);
            int len = (int) Math.min(t + 1, window);
            if (!warmup || len == window) {
                java.util.Arrays.fill(sum, 0f);
                for (long s = t + 1 - len; s <= t; s++) { // oldest first, one gradient at a time (streams memory once)
                    float[] r = ring[(int) (s % window)];
                    for (int i = 0; i < g.length; i++) sum[i] += r[i];
                }
                float n = len;
                for (int i = 0; i < g.length; i++) g[i] = g[i] + sum[i] / n * lamb;
            }
        }
        inner.step(ps, lr);
    }

    @Override
    public float[][] state() {
        return state;
    }

    @Override
    public java.util.List<String> stateNames() {
        java.util.List<String> names = new java.util.ArrayList<>();
        if (kind == Kind.EMA) names.add("grokfast_ema");
        else for (int i = 0; i < window; i++) names.add("grokfast_window_" + i);
        names.addAll(inner.stateNames());
        return names;
    }

    @Override
    public long stepCount() {
        return inner.stepCount();
    }

    @Override
    public void setStepCount(long t) {
        inner.setStepCount(t);
    }
}
