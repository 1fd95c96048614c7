package org.grokscope.probe;

/**
 * Kernel ("ridgeless", i.e. a tiny ridge) regression of one-hot targets: α = (K + λI)⁻¹ Y on the training set,
 * predictions K(test, train)·α, class = argmax. With K = Θ₀, the initial eNTK, this is the model a network stuck in the
 * kernel regime converges to (Mohamadi et al.'s kernel baseline). λ is relative: ridge × mean(diag K); if the
 * factorization fails it grows tenfold until it succeeds.
 */
public final class KernelRegression {
    public record Result(double accuracy, double trainAccuracy, double ridgeUsed, int train, int test) {}

    private KernelRegression() {}

    /**
     * @param gram Gram matrix over m examples [m, m]; the first nTrain are the training set
     * @param labels class of each of the m examples
     */
    public static Result fitAndTest(double[] gram, int m, int nTrain, int[] labels, int classes, double ridge) {
        int n = nTrain;
        double diag = 0;
        for (int i = 0; i < n; i++) diag += gram[i * m + i];
        diag /= n;
        double lambda = ridge * diag;
        double[] L = null;
        for (int attempt = 0; attempt < 12 && L == null; attempt++, lambda *= 10) L = cholesky(gram, m, n, lambda);
        if (L == null) throw new ArithmeticException("kernel matrix is not positive definite even with a large ridge");
        lambda /= 10;
        // α = L⁻ᵀ L⁻¹ Y, one class column at a time
        double[] alpha = new double[n * classes], col = new double[n];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < n; i++) col[i] = labels[i] == c ? 1 : 0;
            solve(L, n, col);
            for (int i = 0; i < n; i++) alpha[i * classes + c] = col[i];
        }
        int correct = 0, trainCorrect = 0;
        double[] pred = new double[classes];
        for (int t = 0; t < m; t++) {
            java.util.Arrays.fill(pred, 0);
            for (int i = 0; i < n; i++) {
                double kv = gram[t * m + i];
                if (kv == 0) continue;
                for (int c = 0; c < classes; c++) pred[c] += kv * alpha[i * classes + c];
            }
            int best = 0;
            for (int c = 1; c < classes; c++) if (pred[c] > pred[best]) best = c;
            if (best == labels[t]) {
                if (t < n) trainCorrect++;
                else correct++;
            }
        }
        int nTest = m - n;
        return new Result(
                nTest > 0 ? (double) correct / nTest : Double.NaN, (double) trainCorrect / n, lambda, n, nTest);
    }

    // lower-triangular L with L·Lᵀ = K[0:n, 0:n] + λI (row-major, n × n), or null if not positive definite
    static double[] cholesky(double[] K, int m, int n, double lambda) {
        double[] L = new double[n * n];
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            for (int j = 0; j <= i; j++) {
                int rj = j * n;
                double s = K[i * m + j] + (i == j ? lambda : 0);
                for (int k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
                if (i == j) {
                    if (!(s > 0)) return null;
                    L[ri + i] = Math.sqrt(s);
                } else L[ri + j] = s / L[rj + j];
            }
        }
        return L;
    }

    // in place: x ← (L Lᵀ)⁻¹ x
    static void solve(double[] L, int n, double[] x) {
        for (int i = 0; i < n; i++) {
            double s = x[i];
            for (int k = 0; k < i; k++) s -= L[i * n + k] * x[k];
            x[i] = s / L[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = x[i];
            for (int k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
            x[i] = s / L[i * n + i];
        }
    }
}
