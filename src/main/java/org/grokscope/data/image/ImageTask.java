package org.grokscope.data.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grokscope.data.Dataset;
import org.grokscope.data.FeatureSet;
import org.grokscope.data.Subsets;
import org.grokscope.data.text.DataException;
import org.grokscope.engine.Rng;

/**
 * An image classification task as a model sees it: every image a row of one frozen feature table (channels last),
 * pixels scaled to [0, 1] and then standardized per channel by the mean and standard deviation of the training images
 * only, and each example's single "token" the index of its row. The training set is a stratified nested subset of the
 * training split (per class a seeded order, interleaved so that every prefix holds the classes in their proportions),
 * so a larger {@code train_count} contains every smaller one and a sample-wise sweep only adds examples; the test set
 * is a seeded nested subset of the test split. The images come from IDX files ({@link #prepare}) or a folder per class
 * ({@link ImageFolder}).
 */
public final class ImageTask {
    private ImageTask() {}

    /** The files of a set in the IDX layout, gzipped or not. */
    public static final List<String> FILES = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** What a run asks for: where the files are, how many examples, which seed orders them, whether to standardize. */
    public record Settings(Path dir, Integer trainCount, int testCount, long splitSeed, boolean standardize) {}

    /**
     * One split's images, decoded when asked for: {@link #pixels} writes image i's height·width·channels values in [0,
     * 1] (channels last), or throws a {@link DataException} naming the file if it cannot.
     */
    interface Split {
        int n();

        int label(int i);

        void pixels(int i, float[] dst, int off);
    }

    /** The file {@code name} in {@code dir}, gzipped or not; an error naming both spellings if neither is there. */
    static Path file(Path dir, String name) {
        for (String n : List.of(name + ".gz", name)) if (Files.isRegularFile(dir.resolve(n))) return dir.resolve(n);
        throw new DataException(dir + ": no " + name + "(.gz); an IDX image set has " + String.join(", ", FILES)
                + " (each may be gzipped)");
    }

    /** How many images the training split of the set in {@code dir} holds (a search's largest size). */
    public static int trainingPool(Path dir) {
        return Idx.labels(file(dir, FILES.get(1))).length;
    }

    public static FeatureSet prepare(Settings s) {
        Idx.Images trainImg = Idx.images(file(s.dir(), FILES.get(0))),
                testImg = Idx.images(file(s.dir(), FILES.get(2)));
        int[] trainLab = Idx.labels(file(s.dir(), FILES.get(1))), testLab = Idx.labels(file(s.dir(), FILES.get(3)));
        check(trainImg, trainLab, s.dir().resolve(FILES.get(0)), s.dir().resolve(FILES.get(1)));
        check(testImg, testLab, s.dir().resolve(FILES.get(2)), s.dir().resolve(FILES.get(3)));
        if (testImg.rows() != trainImg.rows() || testImg.cols() != trainImg.cols())
            throw new DataException(s.dir() + ": training images are " + trainImg.rows() + "x" + trainImg.cols()
                    + ", test images " + testImg.rows() + "x" + testImg.cols());
        int classes = 0;
        for (int l : trainLab) classes = Math.max(classes, l + 1);
        for (int l : testLab)
            if (l >= classes)
                throw new DataException(
                        s.dir().resolve(FILES.get(3)) + ": label " + l + " never occurs in the training split");
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("images", s.dir().toString());
        info.put("image_size", trainImg.rows() + "x" + trainImg.cols());
        return assemble(
                idx(trainImg, trainLab),
                idx(testImg, testLab),
                trainImg.rows(),
                trainImg.cols(),
                1,
                classes,
                s.trainCount(),
                s.testCount(),
                s.splitSeed(),
                s.standardize(),
                false,
                info);
    }

    private static Split idx(Idx.Images img, int[] labels) {
        return new Split() {
            @Override
            public int n() {
                return img.n();
            }

            @Override
            public int label(int i) {
                return labels[i];
            }

            @Override
            public void pixels(int i, float[] dst, int off) {
                int d = img.rows() * img.cols();
                for (int p = 0; p < d; p++) dst[off + p] = img.pixel(i, p) / 255f;
            }
        };
    }

    private static void check(Idx.Images img, int[] labels, Path imgFile, Path labFile) {
        if (img.n() != labels.length)
            throw new DataException(
                    imgFile + " holds " + img.n() + " images but " + labFile + " " + labels.length + " labels");
    }

    /**
     * The task from two splits: the first {@code trainCount} images of the training split's stratified order (null:
     * all), the first {@code testCount} of the test split's seeded order (0: all), per-channel standardization from the
     * training rows. With {@code skipBad} an image that does not decode is left out and counted (the next in the order
     * takes its place, so sizes stay nested); otherwise its error stops the run.
     */
    static FeatureSet assemble(
            Split train,
            Split test,
            int h,
            int w,
            int c,
            int classes,
            Integer trainCount,
            int testCount,
            long splitSeed,
            boolean standardize,
            boolean skipBad,
            Map<String, Object> info) {
        int nTrain = trainCount == null ? train.n() : trainCount;
        if (nTrain > train.n())
            throw new DataException(
                    "task.train_count: " + nTrain + " asked for, the training split has " + train.n() + " images");
        int nTest = testCount == 0 ? test.n() : Math.min(testCount, test.n());
        int[] trainLab = new int[train.n()];
        for (int i = 0; i < trainLab.length; i++) trainLab[i] = train.label(i);
        int dim = h * w * c;
        float[] table = new float[Math.multiplyExact(nTrain + nTest, dim)];
        int[] yTrain = new int[nTrain], yTest = new int[nTest];
        int[] skipped = new int[2];
        // all of a split asked for: what decodes (with skipBad); a count asked for: exactly that many, or an error
        nTrain = fill(
                train,
                Subsets.stratified(trainLab, classes, splitSeed, "image-train-class-"),
                nTrain,
                trainCount == null,
                table,
                0,
                dim,
                yTrain,
                skipBad,
                skipped,
                0,
                "training");
        nTest = fill(
                test,
                Subsets.permutation(test.n(), Rng.of(splitSeed, "image-test")),
                nTest,
                testCount == 0,
                table,
                nTrain * dim,
                dim,
                yTest,
                skipBad,
                skipped,
                1,
                "test");
        if (skipped[0] + skipped[1] > 0) {
            table = Arrays.copyOf(table, (nTrain + nTest) * dim);
            yTrain = Arrays.copyOf(yTrain, nTrain);
            yTest = Arrays.copyOf(yTest, nTest);
        }
        double[] mean = new double[c], std = new double[c];
        Arrays.fill(std, 1);
        if (standardize) { // from the training images only: the test set must not inform the inputs
            long count = (long) nTrain * h * w;
            for (int i = 0; i < nTrain * dim; i++) mean[ch(i, c)] += table[i];
            for (int ch = 0; ch < c; ch++) mean[ch] /= count;
            double[] sq = new double[c];
            for (int i = 0; i < nTrain * dim; i++) {
                double v = table[i] - mean[ch(i, c)];
                sq[ch(i, c)] += v * v;
            }
            for (int ch = 0; ch < c; ch++) {
                std[ch] = Math.sqrt(sq[ch] / count);
                if (!(std[ch] > 0)) std[ch] = 1; // every training value of the channel the same: nothing to scale
            }
            for (int i = 0; i < table.length; i++) table[i] = (float) ((table[i] - mean[ch(i, c)]) / std[ch(i, c)]);
        }
        int rows = nTrain + nTest;
        int[] tokTrain = new int[nTrain], tokTest = new int[nTest];
        for (int i = 0; i < nTrain; i++) tokTrain[i] = i;
        for (int i = 0; i < nTest; i++) tokTest[i] = nTrain + i;
        Map<String, Object> out = new LinkedHashMap<>(info);
        out.put("channels", c);
        out.put("classes", classes);
        out.put("train_examples", nTrain);
        out.put("test_examples", nTest);
        out.put("per_class_train", Subsets.counts(yTrain, classes));
        if (skipped[0] + skipped[1] > 0) out.put("skipped_images", Map.of("train", skipped[0], "test", skipped[1]));
        if (standardize) {
            out.put("pixel_mean", c == 1 ? (Object) mean[0] : toList(mean));
            out.put("pixel_std", c == 1 ? (Object) std[0] : toList(std));
        }
        return new FeatureSet(
                table,
                h,
                w,
                c,
                new Dataset(tokTrain, yTrain, 1, rows, classes),
                new Dataset(tokTest, yTest, 1, rows, classes),
                train.n(),
                out);
    }

    private static int ch(int i, int c) {
        return c == 1 ? 0 : i % c;
    }

    /**
     * Rows off, off+dim, … of the table from the split's images in {@code order}, until {@code n} are in; returns how
     * many are. Fewer than n only when {@code upTo} (the whole split was asked for and some images were skipped).
     */
    private static int fill(
            Split split,
            int[] order,
            int n,
            boolean upTo,
            float[] table,
            int off,
            int dim,
            int[] y,
            boolean skipBad,
            int[] skipped,
            int which,
            String name) {
        int got = 0;
        for (int k = 0; k < order.length && got < n; k++) {
            try {
                split.pixels(order[k], table, off + got * dim);
            } catch (DataException e) {
                if (!skipBad) throw e;
                skipped[which]++;
                continue;
            }
            y[got++] = split.label(order[k]);
        }
        if (got < n && !(upTo && got > 0))
            throw new DataException(n + " " + name + " images asked for, but only " + got + " of the split's "
                    + split.n() + " decode (" + skipped[which] + " skipped)");
        return got;
    }

    private static List<Double> toList(double[] a) {
        List<Double> out = new ArrayList<>();
        for (double v : a) out.add(v);
        return out;
    }
}
