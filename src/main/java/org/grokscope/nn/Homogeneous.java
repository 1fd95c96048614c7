package org.grokscope.nn;

/**
 * A model whose output is positively homogeneous in its parameters: f(cθ) = c^degree f(θ) for c > 0 (the quadratic net
 * V(Wx)² has degree 3). Its normalized margin, min_i (f_y − max f_other) / ‖θ‖∞^degree, is scale-free, which is what
 * Mohamadi et al.'s ℓ∞ analysis tracks.
 */
public interface Homogeneous {
    int degree();
}
