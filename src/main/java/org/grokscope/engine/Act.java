package org.grokscope.engine;

/** Pointwise activations with their derivatives (computed in double, stored as float). */
public enum Act {
    IDENTITY,
    RELU,
    GELU,
    GELU_TANH,
    SQUARE,
    TANH;

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double INV_SQRT_2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    /** Whether backward can work from the output alone (then the pre-activation need not be kept). */
    public boolean backwardFromOutput() {
        return this == IDENTITY || this == RELU;
    }

    public float apply(float x) {
        return switch (this) {
            case IDENTITY -> x;
            case RELU -> x > 0 ? x : 0f;
            case GELU -> (float) (0.5 * x * (1 + erf(x * INV_SQRT_2)));
            case GELU_TANH -> (float) (0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))));
            case SQUARE -> x * x;
            case TANH -> (float) StrictMath.tanh(x);
        };
    }

    /** d act / d x at pre-activation x (for RELU/IDENTITY the output may be passed instead). */
    public float derivative(float x) {
        return switch (this) {
            case IDENTITY -> 1f;
            case RELU -> x > 0 ? 1f : 0f;
            case GELU -> (float) (0.5 * (1 + erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x));
            case GELU_TANH -> {
                double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
                double t = Math.tanh(u);
                double du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
                yield (float) (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du);
            }
            case SQUARE -> 2 * x;
            case TANH -> {
                double t = StrictMath.tanh(x);
                yield (float) (1 - t * t);
            }
        };
    }

    /** Error function; Numerical Recipes' erfc Chebyshev fit, relative error below 1.2e-7. */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t
                * Math.exp(
                        -z * z
                                - 1.26551223
                                + t
                                        * (1.00002368
                                                + t
                                                        * (0.37409196
                                                                + t
                                                                        * (0.09678418
                                                                                + t
                                                                                        * (-0.18628806
                                                                                                + t
                                                                                                        * (0.27886807
                                                                                                                + t
                                                                                                                        * (-1.13520398
                                                                                                                                + t
                                                                                                                                        * (1.48851587
                                                                                                                                                + t
                                                                                                                                                        * (-0.82215223
                                                                                                                                                                + t
                                                                                                                                                                        * 0.17087277)))))))));
        return x >= 0 ? 1 - r : r - 1;
    }

    public static Act parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "identity", "none", "linear" -> IDENTITY;
            case "relu" -> RELU;
            case "gelu" -> GELU;
            case "gelu_tanh", "gelu_new" -> GELU_TANH;
            case "square", "quadratic" -> SQUARE;
            case "tanh" -> TANH;
            default ->
                throw new IllegalArgumentException(
                        "unknown activation '" + s + "' (relu, gelu, gelu_tanh, square, tanh, identity)");
        };
    }
}
