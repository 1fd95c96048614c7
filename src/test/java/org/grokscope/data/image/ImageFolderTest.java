package org.grokscope.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.grokscope.data.FeatureSet;
import org.grokscope.data.OnBadRow;
import org.grokscope.data.text.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder per class: decoding (gray rasters as stored, RGB, luma), resizing, splits, nesting, standardization, and
 * damage named by file.
 */
public class ImageFolderTest {
    @TempDir
    Path tmp;

    /**
     * Three classes of 8x8 RGB images, {@code perClass} each (class 0 red, 1 green, 2 blue, plus noise), as PNG; class
     * "b-green" as JPEG, so both decoders are used; a README beside them that is no image.
     */
    public static Path fixture(Path dir, int perClass) throws Exception {
        java.util.Random r = new java.util.Random(5);
        String[] names = {"a-red", "b-green", "c-blue"};
        for (int c = 0; c < 3; c++) {
            Path f = Files.createDirectories(dir.resolve(names[c]));
            for (int i = 0; i < perClass; i++) {
                BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 8; y++)
                    for (int x = 0; x < 8; x++) {
                        int[] v = {20 + r.nextInt(40), 20 + r.nextInt(40), 20 + r.nextInt(40)};
                        v[c] = 180 + r.nextInt(60);
                        img.setRGB(x, y, v[0] << 16 | v[1] << 8 | v[2]);
                    }
                String fmt = c == 1 ? "jpg" : "png";
                ImageIO.write(
                        img, fmt, f.resolve(String.format("%03d.%s", i, fmt)).toFile());
            }
            Files.writeString(f.resolve("README.txt"), "not an image");
        }
        return dir;
    }

    static ImageFolder.Settings settings(
            Path dir, Path test, Double holdout, int[] size, boolean rgb, Integer trainCount, boolean skip) {
        return ImageFolder.Settings.of(dir)
                .testDir(test)
                .holdout(holdout == null ? 0 : holdout)
                .size(size)
                .rgb(rgb)
                .counts(trainCount, 0)
                .splitSeed(7)
                .onBadFile(skip ? OnBadRow.SKIP : OnBadRow.ERROR)
                .build();
    }

    @Test
    void classesAreTheSortedSubFoldersAndSplitsAreStratifiedNestedAndStandardizedPerChannel() throws Exception {
        Path dir = fixture(tmp.resolve("set"), 10);
        FeatureSet all = ImageFolder.prepare(settings(dir, null, 0.2, null, true, null, false));
        assertThat(all.info().get("class_names")).isEqualTo(List.of("a-red", "b-green", "c-blue"));
        assertThat(all.channels()).isEqualTo(3);
        assertThat(all.dim()).isEqualTo(8 * 8 * 3);
        assertThat(all.train().size()).isEqualTo(24);
        assertThat(all.test().size())
                .as("round(0.2 x 10) of each class held out")
                .isEqualTo(6);
        assertThat(all.trainPool()).isEqualTo(24);
        assertThat(ImageFolder.trainingPool(settings(dir, null, 0.2, null, true, null, false)))
                .isEqualTo(24);
        assertThat(all.info().get("per_class_train")).isEqualTo(List.of(8, 8, 8));
        // per channel, over the training rows: mean 0, deviation 1
        int d = all.dim();
        for (int ch = 0; ch < 3; ch++) {
            double s = 0, q = 0;
            int n = 0;
            for (int i = ch; i < 24 * d; i += 3) {
                s += all.features()[i];
                q += all.features()[i] * all.features()[i];
                n++;
            }
            assertThat(s / n).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(q / n).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-4));
        }
        // the class shows in its channel: a red image's red values are high after standardization, its blue ones low
        int red = -1;
        for (int i = 0; i < 24; i++)
            if (all.train().labels()[i] == 0) {
                red = i;
                break;
            }
        assertThat(all.features()[red * d]).isGreaterThan(0.5f);
        assertThat(all.features()[red * d + 2]).isLessThan(0f);

        FeatureSet small = ImageFolder.prepare(settings(dir, null, 0.2, null, true, 9, false));
        FeatureSet raw9 = ImageFolder.prepare(ImageFolder.Settings.of(dir)
                .holdout(0.2)
                .rgb(true)
                .counts(9, 0)
                .splitSeed(7)
                .standardize(false)
                .build());
        FeatureSet raw15 = ImageFolder.prepare(ImageFolder.Settings.of(dir)
                .holdout(0.2)
                .rgb(true)
                .counts(15, 0)
                .splitSeed(7)
                .standardize(false)
                .build());
        assertThat(small.info().get("per_class_train")).isEqualTo(List.of(3, 3, 3));
        assertThat(Arrays.copyOf(raw15.features(), 9 * d))
                .as("the first 9 of 15 training rows are the 9-image set")
                .isEqualTo(Arrays.copyOf(raw9.features(), 9 * d));
        assertThat(Arrays.copyOfRange(raw15.features(), 15 * d, raw15.features().length))
                .as("the test split does not depend on train_count")
                .isEqualTo(Arrays.copyOfRange(raw9.features(), 9 * d, raw9.features().length));
    }

    @Test
    void grayIsReadAsStoredAndRgbAsLumaAndSizesAreAreaAveraged() throws Exception {
        Path dir = tmp.resolve("gray");
        for (String c : List.of("dark", "light")) {
            Path f = Files.createDirectories(dir.resolve(c));
            for (int i = 0; i < 2; i++) {
                BufferedImage g = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 4; y++)
                    for (int x = 0; x < 4; x++)
                        g.getRaster().setSample(x, y, 0, c.equals("dark") ? 16 * (y * 4 + x) : 128);
                ImageIO.write(g, "png", f.resolve(i + ".png").toFile());
            }
        }
        FeatureSet s = ImageFolder.prepare(ImageFolder.Settings.of(dir)
                .testDir(dir)
                .splitSeed(1)
                .standardize(false)
                .build());
        float[] row = Arrays.copyOf(s.features(), 16);
        int darkRow = s.train().labels()[0] == 0 ? 0 : 1; // the first row is a dark or a light image
        float[] first = Arrays.copyOfRange(s.features(), darkRow * 16, darkRow * 16 + 16);
        assertThat(first[5])
                .as("a gray PNG's stored value, not a gamma-converted one")
                .isEqualTo(80 / 255f);
        assertThat(row).isNotNull();
        // 4x4 -> 2x2: each output pixel the mean of its 2x2 block
        FeatureSet half = ImageFolder.prepare(ImageFolder.Settings.of(dir)
                .testDir(dir)
                .size(new int[] {2, 2})
                .splitSeed(1)
                .standardize(false)
                .build());
        float[] h = Arrays.copyOfRange(half.features(), darkRow * 4, darkRow * 4 + 4);
        assertThat(h[0]).isCloseTo((0 + 16 + 64 + 80) / 4f / 255f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(h[3]).isCloseTo((160 + 176 + 224 + 240) / 4f / 255f, org.assertj.core.data.Offset.offset(1e-6f));
        // 4x4 -> 3x3 keeps the mean of a uniform image
        FeatureSet odd = ImageFolder.prepare(ImageFolder.Settings.of(dir)
                .testDir(dir)
                .size(new int[] {3, 3})
                .rgb(true)
                .splitSeed(1)
                .standardize(false)
                .build());
        int lightRow = 1 - darkRow;
        for (int i = 0; i < 27; i++)
            assertThat(odd.features()[lightRow * 27 + i])
                    .isCloseTo(128 / 255f, org.assertj.core.data.Offset.offset(1e-6f));
        // luma of pure colours: BT.601 weights
        float[] px = ImageFolder.decode(colour(0xff0000), false);
        assertThat(px[0]).isCloseTo(0.299f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(ImageFolder.decode(colour(0x0000ff), false)[0])
                .isCloseTo(0.114f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(ImageFolder.decode(colour(0x00ff00), true)).containsExactly(0f, 1f, 0f);
    }

    private static BufferedImage colour(int rgb) {
        BufferedImage b = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        b.setRGB(0, 0, rgb);
        return b;
    }

    @Test
    void badFoldersAndFilesAreNamedOrCountedAndSkipped() throws Exception {
        Path dir = fixture(tmp.resolve("set"), 6);
        Path broken = dir.resolve("a-red").resolve("000.png");
        byte[] whole = Files.readAllBytes(broken);
        Files.write(broken, Arrays.copyOf(whole, 30)); // cut inside the first chunk
        assertThatThrownBy(() -> ImageFolder.prepare(settings(dir, null, 0.2, null, true, null, false)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("000.png");
        FeatureSet skipped = ImageFolder.prepare(settings(dir, null, 0.2, null, true, null, true));
        assertThat(skipped.info().get("skipped_images").toString()).contains("1");
        assertThat(skipped.train().size() + skipped.test().size()).isEqualTo(17);
        // a skipped image in a nested subset: the next in the order takes its place
        assertThat(ImageFolder.prepare(settings(dir, null, 0.2, null, true, 14, true))
                        .train()
                        .size())
                .isEqualTo(14);
        Files.write(broken, whole);

        Files.createDirectories(dir.resolve("d-empty"));
        Files.writeString(dir.resolve("d-empty").resolve("notes.txt"), "x");
        assertThatThrownBy(() -> ImageFolder.prepare(settings(dir, null, 0.2, null, true, null, false)))
                .hasMessageContaining("d-empty")
                .hasMessageContaining("holds no images");
        Files.delete(dir.resolve("d-empty").resolve("notes.txt"));
        Files.delete(dir.resolve("d-empty"));

        BufferedImage big = new BufferedImage(9, 8, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(big, "png", dir.resolve("c-blue").resolve("zzz.png").toFile());
        assertThatThrownBy(() -> ImageFolder.prepare(settings(dir, null, 0.01, null, true, null, false)))
                .hasMessageContaining("zzz.png: 8x9 where the first image is 8x8")
                .hasMessageContaining("task.image_size");
        assertThat(ImageFolder.prepare(settings(dir, null, 0.01, new int[] {8, 8}, true, null, false))
                        .train()
                        .size())
                .isEqualTo(19);

        Path test = Files.createDirectories(tmp.resolve("test").resolve("zebra"));
        ImageIO.write(big, "png", test.resolve("1.png").toFile());
        assertThatThrownBy(() -> ImageFolder.prepare(
                        settings(dir, tmp.resolve("test"), null, new int[] {8, 8}, true, null, false)))
                .hasMessageContaining("class 'zebra' is not among the training folder's classes");
        Path one = Files.createDirectories(tmp.resolve("one").resolve("only"));
        ImageIO.write(big, "png", one.resolve("1.png").toFile());
        assertThatThrownBy(() -> ImageFolder.prepare(settings(tmp.resolve("one"), null, 0.2, null, true, null, false)))
                .hasMessageContaining("a classifier needs at least two");
        assertThatThrownBy(
                        () -> ImageFolder.prepare(settings(tmp.resolve("nowhere"), null, 0.2, null, true, null, false)))
                .hasMessageContaining("no such folder");
        Files.writeString(dir.resolve("a-red").resolve("fake.png"), "this is text, not a PNG");
        assertThatThrownBy(() -> ImageFolder.prepare(settings(dir, null, 0.01, new int[] {8, 8}, true, null, false)))
                .hasMessageContaining("fake.png");
    }
}
