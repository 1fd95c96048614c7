package org.grokscope.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * All parameters of a model in one flat buffer {@code w} with a parallel gradient buffer {@code g}. Layers register
 * views while the model is built; {@link #allocate()} then creates the buffers, so an optimizer step, a norm or the
 * distance from initialization is one loop over one array.
 */
public final class Params {
    private final List<Param> list = new ArrayList<>();
    private int size;
    public float[] w;
    public float[] g;
    /** When set, layers report per-example gradient factors to it during backward (see {@link GradientTap}). */
    public GradientTap tap;

    public Param add(String name, Param.Role role, int fanIn, int... shape) {
        if (w != null) throw new IllegalStateException("parameters already allocated");
        int n = 1;
        for (int s : shape) n *= s;
        Param p = new Param(name, size, n, shape.clone(), role, fanIn);
        list.add(p);
        size += n;
        return p;
    }

    public Params allocate() {
        w = new float[size];
        g = new float[size];
        return this;
    }

    public int size() {
        return size;
    }

    public List<Param> list() {
        return Collections.unmodifiableList(list);
    }

    public Param get(String name) {
        for (Param p : list) if (p.name().equals(name)) return p;
        throw new IllegalArgumentException("no parameter named " + name);
    }

    public void zeroGrad() {
        java.util.Arrays.fill(g, 0f);
    }
}
