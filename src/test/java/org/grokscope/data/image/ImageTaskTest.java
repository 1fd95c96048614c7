package org.grokscope.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.grokscope.data.text.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IDX files as MNIST ships them (gzipped or not), their damage said in words, and the image task's nested stratified
 * subsets.
 */
public class ImageTaskTest {
    @TempDir
    Path tmp;

    /**
     * A small image set in MNIST's layout: {@code n} 4x4 images per split half, three classes, each class a bright
     * quadrant plus noise; the training files gzipped, the test files not.
     */
    public static Path fixture(Path dir, int nTrain, int nTest) throws Exception {
        Files.createDirectories(dir);
        java.util.Random r = new java.util.Random(3);
        for (String split : new String[] {"train", "t10k"}) {
            int n = split.equals("train") ? nTrain : nTest;
            byte[] px = new byte[n * 16], lab = new byte[n];
            for (int i = 0; i < n; i++) {
                int c = (i * 7 + 1) % 3;
                lab[i] = (byte) c;
                for (int p = 0; p < 16; p++) {
                    boolean bright = (p / 4 < 2) == (c != 2) && (p % 4 < 2) == (c == 0);
                    px[i * 16 + p] = (byte) Math.min(255, (bright ? 180 : 20) + r.nextInt(60));
                }
            }
            boolean gz = split.equals("train");
            write(
                    dir.resolve(split + "-images-idx3-ubyte" + (gz ? ".gz" : "")),
                    Idx.encode(new int[] {n, 4, 4}, px),
                    gz);
            write(dir.resolve(split + "-labels-idx1-ubyte" + (gz ? ".gz" : "")), Idx.encode(new int[] {n}, lab), gz);
        }
        return dir;
    }

    static void write(Path f, byte[] data, boolean gz) throws Exception {
        if (!gz) {
            Files.write(f, data);
            return;
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(data);
        }
        Files.write(f, bo.toByteArray());
    }

    @Test
    void idxFilesReadGzippedOrNotAndDamageIsSaidWithTheFile() throws Exception {
        Path dir = fixture(tmp.resolve("set"), 60, 30);
        Idx.Images img = Idx.images(dir.resolve("train-images-idx3-ubyte.gz"));
        assertThat(img.n()).isEqualTo(60);
        assertThat(img.rows()).isEqualTo(4);
        assertThat(Idx.labels(dir.resolve("t10k-labels-idx1-ubyte"))).hasSize(30);
        byte[] whole = Files.readAllBytes(dir.resolve("t10k-images-idx3-ubyte"));
        Path cut = tmp.resolve("cut-idx3-ubyte");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 5));
        assertThatThrownBy(() -> Idx.images(cut))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("cut-idx3-ubyte")
                .hasMessageContaining("truncated");
        Path labelsAsImages = dir.resolve("t10k-labels-idx1-ubyte");
        assertThatThrownBy(() -> Idx.images(labelsAsImages)).hasMessageContaining("1 dimensions where 3 are expected");
        Path text = tmp.resolve("readme");
        Files.writeString(text, "not an image set at all");
        assertThatThrownBy(() -> Idx.images(text)).hasMessageContaining("not an IDX file");
        Path longer = tmp.resolve("long-idx3-ubyte");
        Files.write(longer, Arrays.copyOf(whole, whole.length + 3));
        assertThatThrownBy(() -> Idx.images(longer)).hasMessageContaining("longer than its header says");
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        assertThatThrownBy(() -> ImageTask.prepare(new ImageTask.Settings(dir, null, 0, 0, true)))
                .hasMessageContaining("no t10k-labels-idx1-ubyte(.gz)");
    }

    @Test
    void aLargerTrainingSetContainsEverySmallerOneInTheClassesProportions() throws Exception {
        Path dir = fixture(tmp.resolve("set"), 60, 30);
        org.grokscope.data.FeatureSet small = ImageTask.prepare(new ImageTask.Settings(dir, 12, 0, 4, false));
        org.grokscope.data.FeatureSet large = ImageTask.prepare(new ImageTask.Settings(dir, 30, 10, 4, false));
        int d = small.dim();
        assertThat(d).isEqualTo(16);
        assertThat(Arrays.copyOf(large.features(), 12 * d))
                .as("the first 12 training rows are the small set's")
                .isEqualTo(Arrays.copyOf(small.features(), 12 * d));
        assertThat(Arrays.copyOf(large.train().labels(), 12))
                .isEqualTo(small.train().labels());
        assertThat(large.info().get("per_class_train")).isEqualTo(java.util.List.of(10, 10, 10));
        assertThat(small.info().get("per_class_train")).isEqualTo(java.util.List.of(4, 4, 4));
        assertThat(small.test().size()).as("test_count 0: the whole test split").isEqualTo(30);
        assertThat(large.test().size()).isEqualTo(10);
        assertThat(large.train().tokens()[0]).isZero();
        assertThat(large.test().tokens()[0])
                .as("test rows follow the training rows in the table")
                .isEqualTo(30);
        // standardized by the training rows only: their mean is 0 and their deviation 1
        org.grokscope.data.FeatureSet z = ImageTask.prepare(new ImageTask.Settings(dir, 30, 0, 4, true));
        double sum = 0, sq = 0;
        for (int i = 0; i < 30 * d; i++) {
            sum += z.features()[i];
            sq += z.features()[i] * z.features()[i];
        }
        assertThat(sum / (30 * d)).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(sq / (30 * d)).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-4));
        assertThatThrownBy(() -> ImageTask.prepare(new ImageTask.Settings(dir, 61, 0, 4, true)))
                .hasMessageContaining("task.train_count: 61");
    }
}
