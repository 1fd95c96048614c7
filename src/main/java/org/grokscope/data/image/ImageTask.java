package org.grokscope.data.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grokscope.data.Dataset;
import org.grokscope.data.FeatureSet;
import org.grokscope.data.text.DataException;
import org.grokscope.engine.Rng;

/**
 * An image classification task from IDX files (MNIST, Fashion-MNIST, or any set in that layout), as a model sees it:
 * every image a row of one frozen feature table, pixels scaled to [0, 1] and then standardized by the mean and
 * standard deviation of the training images only, and each example's single "token" the index of its row. The
 * training set is a stratified nested subset of the training split (per class a seeded order, interleaved so that
 * every prefix holds the classes in their proportions), so a larger {@code train_count} contains every smaller one and
 * a sample-wise sweep only adds examples; the test set is a seeded nested subset of the test split.
 */
public final class ImageTask {
    private ImageTask() {}

    /** The files of a set in the IDX layout, gzipped or not. */
    public static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** What a run asks for: where the files are, how many examples, which seed orders them, whether to standardize. */
    public record Settings(Path dir, Integer trainCount, int testCount, long splitSeed, boolean standardize) {}

    /** The file {@code name} in {@code dir}, gzipped or not; an error naming both spellings if neither is there. */
    static Path file(Path dir, String name) {
        for (String n : List.of(name + ".gz", name)) if (Files.isRegularFile(dir.resolve(n))) return dir.resolve(n);
        throw new DataException(dir + ": no " + name + "(.gz); an IDX image set has " + String.join(", ", FILES) + " (each may be gzipped)");
    }

    /** How many images the training split of the set in {@code dir} holds (a search's largest size). */
    public static int trainingPool(Path dir) {
        return Idx.labels(file(dir, FILES.get(1))).length;
    }

    public static FeatureSet prepare(Settings s) {
        Idx.Images trainImg = Idx.images(file(s.dir(), FILES.get(0))), testImg = Idx.images(file(s.dir(), FILES.get(2)));
        int[] trainLab = Idx.labels(file(s.dir(), FILES.get(1))), testLab = Idx.labels(file(s.dir(), FILES.get(3)));
        check(trainImg, trainLab, s.dir().resolve(FILES.get(0)), s.dir().resolve(FILES.get(1)));
        check(testImg, testLab, s.dir().resolve(FILES.get(2)), s.dir().resolve(FILES.get(3)));
        if (testImg.rows() != trainImg.rows() || testImg.cols() != trainImg.cols())
            throw new DataException(s.dir() + ": training images are " + trainImg.rows() + "x" + trainImg.cols() + ", test images " + testImg.rows() + "x" + testImg.cols());
        int classes = 0;
        for (int l : trainLab) classes = Math.max(classes, l + 1);
        for (int l : testLab) if (l >= classes) throw new DataException(s.dir().resolve(FILES.get(3)) + ": label " + l + " never occurs in the training split");
        int nTrain = s.trainCount() == null ? trainImg.n() : s.trainCount();
        if (nTrain > trainImg.n()) throw new DataException("task.train_count: " + nTrain + " asked for, the training split has " + trainImg.n() + " images");
        int nTest = s.testCount() == 0 ? testImg.n() : Math.min(s.testCount(), testImg.n());
        int[] trainIdx = java.util.Arrays.copyOf(stratified(trainLab, classes, s.splitSeed()), nTrain);
        int[] testIdx = java.util.Arrays.copyOf(permutation(testImg.n(), Rng.of(s.splitSeed(), "image-test")), nTest);
        int dim = trainImg.rows() * trainImg.cols();
        float[] table = new float[Math.multiplyExact(nTrain + nTest, dim)];
        int[] yTrain = new int[nTrain], yTest = new int[nTest];
        for (int i = 0; i < nTrain; i++) { rowOf(trainImg, trainIdx[i], table, i * dim); yTrain[i] = trainLab[trainIdx[i]]; }
        for (int i = 0; i < nTest; i++) { rowOf(testImg, testIdx[i], table, (nTrain + i) * dim); yTest[i] = testLab[testIdx[i]]; }
        double mean = 0, std = 1;
        if (s.standardize()) { // from the training images only: the test set must not inform the inputs
            double sum = 0, sq = 0;
            long count = (long) nTrain * dim;
            for (int i = 0; i < nTrain * dim; i++) sum += table[i];
            mean = sum / count;
            for (int i = 0; i < nTrain * dim; i++) { double v = table[i] - mean; sq += v * v; }
            std = Math.sqrt(sq / count);
            if (!(std > 0)) std = 1; // every training pixel the same: nothing to scale
            for (int i = 0; i < table.length; i++) table[i] = (float) ((table[i] - mean) / std);
        }
        int rows = nTrain + nTest;
        int[] tokTrain = new int[nTrain], tokTest = new int[nTest];
        for (int i = 0; i < nTrain; i++) tokTrain[i] = i;
        for (int i = 0; i < nTest; i++) tokTest[i] = nTrain + i;
        Map<String, Object> info = new java.util.LinkedHashMap<>();
        info.put("images", s.dir().toString());
        info.put("image_size", trainImg.rows() + "x" + trainImg.cols());
        info.put("classes", classes);
        info.put("train_examples", nTrain);
        info.put("test_examples", nTest);
        info.put("per_class_train", counts(yTrain, classes));
        if (s.standardize()) {
            info.put("pixel_mean", mean);
            info.put("pixel_std", std);
        }
        return new FeatureSet(table, trainImg.rows(), trainImg.cols(), 1, new Dataset(tokTrain, yTrain, 1, rows, classes), new Dataset(tokTest, yTest, 1, rows, classes),
                trainImg.n(), info);
    }

    private static int[] permutation(int n, Rng r) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        r.shuffle(a);
        return a;
    }

    private static void check(Idx.Images img, int[] labels, Path imgFile, Path labFile) {
        if (img.n() != labels.length)
            throw new DataException(imgFile + " holds " + img.n() + " images but " + labFile + " " + labels.length + " labels");
    }

    private static void rowOf(Idx.Images img, int image, float[] table, int off) {
        int d = img.rows() * img.cols();
        for (int i = 0; i < d; i++) table[off + i] = img.pixel(image, i) / 255f;
    }

    private static List<Integer> counts(int[] y, int classes) {
        int[] c = new int[classes];
        for (int v : y) c[v]++;
        List<Integer> out = new ArrayList<>();
        for (int v : c) out.add(v);
        return out;
    }

    /**
     * Every index of the split in an order whose every prefix is stratified: each class's indices in a seeded order,
     * and at each position the class furthest behind its share of the prefix (largest remainder; ties to the lower class).
     */
    static int[] stratified(int[] labels, int classes, long seed) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < labels.length; i++) byClass.get(labels[i]).add(i);
        int[][] order = new int[classes][];
        for (int c = 0; c < classes; c++) {
            int[] perm = permutation(byClass.get(c).size(), Rng.of(seed, "image-train-class-" + c));
            order[c] = new int[perm.length];
            for (int k = 0; k < perm.length; k++) order[c][k] = byClass.get(c).get(perm[k]);
        }
        int n = labels.length;
        int[] out = new int[n], taken = new int[classes];
        for (int pos = 0; pos < n; pos++) {
            int best = -1;
            double behind = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                if (taken[c] == order[c].length) continue;
                double due = (pos + 1.0) * order[c].length / n - taken[c];
                if (due > behind) { behind = due; best = c; }
            }
            out[pos] = order[best][taken[best]++];
        }
        return out;
    }
}
