package org.grokscope.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The three GEMM forms against a double-precision triple loop, on shapes that hit every tail path. */
class GemmTest {
    static final Parallel POOL = new Parallel(2);

    @AfterAll
    static void close() {
        POOL.close();
    }

    static float[] random(int n, long seed) {
        Rng r = new Rng(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static final String SHAPES =
            "1,1,1 3,5,7 4,16,16 5,17,33 64,113,128 67,512,300 130,257,513 7,1,600 300,70,520 577,33,260";

    @ParameterizedTest
    @CsvSource({
        "1,1,1",
        "3,5,7",
        "4,16,16",
        "5,17,33",
        "64,113,128",
        "67,512,300",
        "130,257,513",
        "7,1,600",
        "300,70,520",
        "577,33,260"
    })
    void allFormsMatchNaive(int m, int n, int k) {
        allForms(POOL, m, n, k);
    }

    /**
     * The tile height follows the vector width (8 rows for 512-bit vectors, 6 for narrower), so the path this machine
     * does not take is run in a child JVM with vectors capped at 256 and 128 bits.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {32, 16})
    void narrowerVectorsToo(int maxVectorBytes) throws Exception {
        java.nio.file.Path log = java.nio.file.Files.createTempFile("gemm-narrow", ".log");
        Process p = new ProcessBuilder(
                        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                                .toString(),
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-XX:MaxVectorSize=" + maxVectorBytes,
                        "-Dgrokscope.jitWarmup=false",
                        "-cp",
                        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                        GemmTest.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        int rc = p.waitFor();
        String out = java.nio.file.Files.readString(log);
        java.nio.file.Files.delete(log);
        assertThat(rc).as(out).isZero();
        assertThat(out).contains("lanes " + maxVectorBytes / 4 + ": all shapes match");
    }

    /** Child JVM entry for {@link #narrowerVectorsToo}. */
    public static void main(String[] args) {
        try (Parallel pool = new Parallel(2)) {
            for (String shape : SHAPES.split(" ")) {
                String[] f = shape.split(",");
                allForms(pool, Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]));
            }
        }
        System.out.println(
                "lanes " + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() + ": all shapes match");
    }

    static void allForms(Parallel pool, int m, int n, int k) {
        Gemm g = new Gemm(pool);
        float[] a = random(m * k, 1), b = random(k * n, 2), at = new float[k * m], bt = new float[n * k];
        for (int i = 0; i < m; i++) for (int kk = 0; kk < k; kk++) at[kk * m + i] = a[i * k + kk];
        for (int kk = 0; kk < k; kk++) for (int j = 0; j < n; j++) bt[j * k + kk] = b[kk * n + j];
        double[] ref = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int kk = 0; kk < k; kk++) s += (double) a[i * k + kk] * b[kk * n + j];
                ref[i * n + j] = s;
            }
        float[] c = new float[m * n + 3];
        g.nn(a, 0, b, 0, c, 1, m, n, k, false);
        check(ref, c, 1, k, "nn");
        java.util.Arrays.fill(c, 0f);
        g.tn(at, 0, b, 0, c, 1, m, n, k, false);
        check(ref, c, 1, k, "tn");
        java.util.Arrays.fill(c, 0f);
        g.nt(a, 0, bt, 0, c, 1, m, n, k, false);
        check(ref, c, 1, k, "nt");
        // accumulate adds onto what is there, and never writes outside C
        float[] acc = new float[m * n + 3];
        java.util.Arrays.fill(acc, 1f);
        g.nn(a, 0, b, 0, acc, 1, m, n, k, true);
        for (int i = 0; i < m * n; i++) ref[i] += 1;
        check(ref, acc, 1, k, "nn accumulate");
        assertThat(acc[0]).isEqualTo(1f);
        assertThat(acc[m * n + 1]).isEqualTo(1f);
    }

    /**
     * Dropping rows whose products are zero (padding) from a weight gradient Aᵀ·B and giving tn the blocks where the
     * padded rows' blocks ended reproduces the padded product bit for bit; a block deeper than {@link Gemm#K_BLOCK} is
     * refused.
     */
    @ParameterizedTest
    @CsvSource({"48,37,130,accumulate", "128,128,96,store", "9,40,300,accumulate"})
    void tnOverPackedRowsGivesThePaddedBits(int m, int n, int T, String mode) {
        boolean accumulate = mode.equals("accumulate");
        int examples = 7, rows = examples * T;
        Rng r = new Rng(5);
        float[] x = random(rows * m, 3), dy = random(rows * n, 4);
        boolean[] on = new boolean[rows];
        int kept = 0;
        for (int e = 0; e < examples; e++) {
            int len = 1 + r.nextInt(T);
            for (int t = 0; t < T; t++) on[e * T + t] = t < len;
        }
        for (int i = 0; i < rows; i++)
            if (on[i]) kept++;
            else java.util.Arrays.fill(dy, i * n, (i + 1) * n, 0f);
        float[] xp = new float[kept * m], dyp = new float[kept * n];
        int blocks = (rows + Gemm.K_BLOCK - 1) / Gemm.K_BLOCK;
        int[] ends = new int[blocks];
        for (int i = 0, c = 0; i < rows; i++) {
            if (on[i]) {
                System.arraycopy(x, i * m, xp, c * m, m);
                System.arraycopy(dy, i * n, dyp, c * n, n);
                c++;
            }
            if ((i + 1) % Gemm.K_BLOCK == 0 || i == rows - 1) ends[i / Gemm.K_BLOCK] = c;
        }
        Gemm g = new Gemm(POOL);
        float[] padded = random(m * n, 6), packed = padded.clone();
        g.tn(x, 0, dy, 0, padded, 0, m, n, rows, accumulate);
        g.tn(xp, 0, dyp, 0, packed, 0, m, n, kept, accumulate, ends, blocks);
        assertThat(packed).isEqualTo(padded);
        final int k = kept;
        if (k > Gemm.K_BLOCK)
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> g.tn(xp, 0, dyp, 0, packed, 0, m, n, k, accumulate, new int[] {k}, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at most " + Gemm.K_BLOCK);
    }

    static void check(double[] ref, float[] c, int off, int k, String form) {
        for (int i = 0; i < ref.length; i++) {
            assertThat((double) c[off + i])
                    .as("%s element %d", form, i)
                    .isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-5 * k + 1e-5 * Math.abs(ref[i])));
        }
    }
}
