package org.grokscope.probe;

import org.grokscope.nn.QuadraticNet;

/**
 * The explicit Fourier construction of the two-layer quadratic network for x + y mod p (Gromov 2023; Mohamadi et al.
 * 2024, App. F). With w = 2πk/p and xy = ((x + y)² − (x − y)²)/4, the eight neurons
 *
 * <pre>
 *   (Q, R) = (cos wa, ±cos wb), (sin wa, ±sin wb), (sin wa, ±cos wb), (cos wa, ±sin wb)
 *   V_q    = ±cos wq,           ∓cos wq,          ±sin wq,          ±sin wq
 * </pre>
 *
 * add up to 4 cos(w(a + b − q)); summed over k = 1 … (p−1)/2 this is 2p·[a + b ≡ q] − 2, so the correct class wins by a
 * margin of 2p. Odd p needs 4(p − 1) neurons; even p adds two Nyquist neurons for (−1)^{a+b−q} (4p − 6 in all). Every
 * weight is in [−1, 1]: ‖θ‖∞ = 1. With R replicas of every neuron and all weights scaled by R^{−1/3} (f is
 * 3-homogeneous) the function is unchanged and ‖θ‖∞ = R^{−1/3}, the construction behind Prop. 3.8.
 */
public final class FourierSolution {
    private FourierSolution() {}

    public static int width(int p, int replicas) {
        return replicas * (p % 2 == 1 ? 4 * (p - 1) : 4 * p - 6);
    }

    /** Writes the construction into {@code net}, whose width must be {@link #width(int, int)}. */
    public static void write(QuadraticNet net, int replicas) {
        int p = net.p, h = net.width;
        if (h != width(p, replicas) || net.classes != p)
            throw new IllegalArgumentException(
                    "the construction for p = " + p + " needs width " + width(p, replicas) + " and " + p + " classes");
        float[] w = net.params().w;
        java.util.Arrays.fill(w, 0f);
        int wo = net.w.offset(), vo = net.v.offset();
        float scale = (float) Math.pow(replicas, -1.0 / 3);
        int neuron = 0;
        for (int rep = 0; rep < replicas; rep++) {
            for (int k = 1; 2 * k < p; k++) {
                double om = 2 * Math.PI * k / p;
                // {Q uses sin?, R uses sin?, V uses sin?, V sign for the "+" neuron}
                int[][] types = {{0, 0, 0, 1}, {1, 1, 0, -1}, {1, 0, 1, 1}, {0, 1, 1, 1}};
                for (int[] ty : types)
                    for (int sign = 1; sign >= -1; sign -= 2) {
                        for (int a = 0; a < p; a++) {
                            w[wo + a * h + neuron] = scale * (float) (ty[0] == 1 ? Math.sin(om * a) : Math.cos(om * a));
                            w[wo + (p + a) * h + neuron] =
                                    scale * sign * (float) (ty[1] == 1 ? Math.sin(om * a) : Math.cos(om * a));
                        }
                        for (int q = 0; q < p; q++)
                            w[vo + neuron * p + q] =
                                    scale * sign * ty[3] * (float) (ty[2] == 1 ? Math.sin(om * q) : Math.cos(om * q));
                        neuron++;
                    }
            }
            if (p % 2 == 0) {
                for (int sign = 1; sign >= -1; sign -= 2) {
                    for (int a = 0; a < p; a++) {
                        float par = a % 2 == 0 ? 1f : -1f;
                        w[wo + a * h + neuron] = scale * par;
                        w[wo + (p + a) * h + neuron] = scale * sign * par;
                        w[vo + neuron * p + a] = scale * sign * 0.5f * par;
                    }
                    neuron++;
                }
            }
        }
    }
}
