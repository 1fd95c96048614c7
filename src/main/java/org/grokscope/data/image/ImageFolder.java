package org.grokscope.data.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.grokscope.data.FeatureSet;
import org.grokscope.data.OnBadRow;
import org.grokscope.data.text.DataException;

/**
 * Images in a folder with one sub-folder per class (the layout of torchvision's ImageFolder): {@code root/cat/1.png},
 * {@code root/dog/a.jpg}, …; the classes are the sub-folders' names in sorted order, and every PNG, JPEG, GIF or BMP
 * file in one is an example (other files are left alone, hidden ones too). Images are decoded with the JDK's ImageIO,
 * only those a run uses, and brought to a fixed size by area averaging (each output pixel the mean of the input area it
 * covers; a box filter, which neither aliases when shrinking nor invents detail when growing), as grayscale (ITU-R
 * BT.601 luma) or RGB. A separate test folder with the same class names, or a seeded stratified holdout of the training
 * folder, is the test split.
 */
public final class ImageFolder {
    private ImageFolder() {}

    public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "gif", "bmp");

    /**
     * What a run asks for. {@code size} {height, width}, or null: every image must then have the first one's size.
     * {@code testDir} null: the test split is {@code holdout} of each class of {@code dir}, chosen by the split seed.
     * Made with {@link #of}'s builder: every field but the folder has a default (no test folder and no holdout, sizes
     * as found, gray, every image, split seed 0, standardized, a file that does not decode an error).
     */
    public record Settings(
            Path dir,
            Path testDir,
            double holdout,
            int[] size,
            boolean rgb,
            Integer trainCount,
            int testCount,
            long splitSeed,
            boolean standardize,
            OnBadRow onBadFile) {

        /**
         * The images in this folder's class sub-folders, every other field at its default until the builder sets it.
         */
        public static Builder of(Path dir) {
            return new Builder(dir);
        }

        boolean skipBad() {
            return onBadFile == OnBadRow.SKIP;
        }
    }

    /** Builds {@link Settings}; see the record for the defaults. */
    public static final class Builder {
        private final Path dir;
        private Path testDir;
        private double holdout;
        private int[] size;
        private boolean rgb;
        private Integer trainCount;
        private int testCount;
        private long splitSeed;
        private boolean standardize = true;
        private OnBadRow onBadFile = OnBadRow.ERROR;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** The test split's own folder (null: the {@link #holdout} share of each class). */
        public Builder testDir(Path d) {
            testDir = d;
            return this;
        }

        public Builder holdout(double share) {
            holdout = share;
            return this;
        }

        /** Resize every image to {height, width} (null: all must have the first one's size). */
        public Builder size(int[] heightWidth) {
            size = heightWidth;
            return this;
        }

        /** Three channels (red, green, blue) instead of one gray one. */
        public Builder rgb(boolean on) {
            rgb = on;
            return this;
        }

        /** How many training examples (null: all) and test examples (0: all) to use. */
        public Builder counts(Integer train, int test) {
            trainCount = train;
            testCount = test;
            return this;
        }

        public Builder splitSeed(long seed) {
            splitSeed = seed;
            return this;
        }

        public Builder standardize(boolean on) {
            standardize = on;
            return this;
        }

        public Builder onBadFile(OnBadRow o) {
            onBadFile = o;
            return this;
        }

        public Settings build() {
            return new Settings(
                    dir, testDir, holdout, size, rgb, trainCount, testCount, splitSeed, standardize, onBadFile);
        }
    }

    /** A class folder's image files, by class index. */
    record Listing(List<String> classes, List<Path> files, int[] labels) {}

    /**
     * The class sub-folders of {@code dir} and their image files, in sorted order; {@code classes} non-null: only those
     * names allowed.
     */
    static Listing list(Path dir, List<String> classes) {
        if (!Files.isDirectory(dir))
            throw new DataException(dir + ": no such folder (an image folder holds one sub-folder per class)");
        List<Path> folders = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .forEach(folders::add);
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list it: " + e.getMessage());
        }
        if (folders.isEmpty())
            throw new DataException(
                    dir + ": no class sub-folders (an image folder holds one sub-folder per class, e.g. "
                            + dir.resolve("cat") + "/1.png)");
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path f : folders) {
            String name = f.getFileName().toString();
            int label;
            if (classes == null) {
                label = names.size();
                names.add(name);
            } else {
                label = classes.indexOf(name);
                if (label < 0)
                    throw new DataException(
                            f + ": class '" + name + "' is not among the training folder's classes " + classes);
            }
            int before = files.size();
            try (Stream<Path> s = Files.list(f)) {
                s.filter(Files::isRegularFile)
                        .filter(ImageFolder::isImage)
                        .sorted()
                        .forEach(p -> {
                            files.add(p);
                            labels.add(label);
                        });
            } catch (IOException e) {
                throw new DataException(f + ": cannot list it: " + e.getMessage());
            }
            if (files.size() == before)
                throw new DataException(
                        f + ": class folder '" + name + "' holds no images (" + String.join(", ", EXTENSIONS) + ")");
        }
        if (classes == null && names.size() < 2)
            throw new DataException(
                    dir + ": one class sub-folder ('" + names.get(0) + "'); a classifier needs at least two");
        return new Listing(
                classes == null ? names : classes,
                files,
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return !n.startsWith(".") && dot > 0 && EXTENSIONS.contains(n.substring(dot + 1));
    }

    /** How many images the training split holds (a search's largest size). */
    public static int trainingPool(Settings s) {
        Listing all = list(s.dir(), null);
        return s.testDir() != null ? all.files().size() : all.files().size() - holdout(all, s).length;
    }

    /**
     * Indices of the training folder's files that the holdout sends to the test split: per class round(holdout ×
     * count), seeded.
     */
    private static int[] holdout(Listing all, Settings s) {
        boolean[] test = org.grokscope.data.Subsets.holdout(
                all.labels(), all.classes().size(), s.holdout(), s.splitSeed(), "image-holdout-class-");
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < test.length; i++) if (test[i]) out.add(i);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    public static FeatureSet prepare(Settings s) {
        Listing all = list(s.dir(), null);
        Listing train, test;
        if (s.testDir() != null) {
            train = all;
            test = list(s.testDir(), all.classes());
        } else {
            int[] held = holdout(all, s);
            boolean[] isTest = new boolean[all.files().size()];
            for (int i : held) isTest[i] = true;
            train = subset(all, isTest, false);
            test = subset(all, isTest, true);
        }
        int[] size = s.size() != null ? s.size() : sizeOf(train.files(), s.skipBad());
        int c = s.rgb() ? 3 : 1;
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("images", s.dir().toString());
        if (s.testDir() != null) info.put("test_images", s.testDir().toString());
        else info.put("holdout", s.holdout());
        info.put("image_size", size[0] + "x" + size[1]);
        info.put("class_names", all.classes());
        return ImageTask.assemble(
                split(train, size, s.rgb(), s.size() != null),
                split(test, size, s.rgb(), s.size() != null),
                size[0],
                size[1],
                c,
                all.classes().size(),
                s.trainCount(),
                s.testCount(),
                s.splitSeed(),
                s.standardize(),
                s.skipBad(),
                info);
    }

    private static Listing subset(Listing all, boolean[] isTest, boolean test) {
        List<Path> f = new ArrayList<>();
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < isTest.length; i++)
            if (isTest[i] == test) {
                f.add(all.files().get(i));
                l.add(all.labels()[i]);
            }
        return new Listing(
                all.classes(), f, l.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The size of the first image (with {@code skipBad}, the first that decodes). */
    private static int[] sizeOf(List<Path> files, boolean skipBad) {
        for (Path f : files) {
            try {
                BufferedImage img = read(f);
                return new int[] {img.getHeight(), img.getWidth()};
            } catch (DataException e) {
                if (!skipBad) throw e;
            }
        }
        throw new DataException(files.get(0).getParent().getParent() + ": no training image decodes");
    }

    private static ImageTask.Split split(Listing l, int[] size, boolean rgb, boolean resize) {
        return new ImageTask.Split() {
            @Override
            public int n() {
                return l.files().size();
            }

            @Override
            public int label(int i) {
                return l.labels()[i];
            }

            @Override
            public void pixels(int i, float[] dst, int off) {
                Path f = l.files().get(i);
                BufferedImage img = read(f);
                if (!resize && (img.getHeight() != size[0] || img.getWidth() != size[1]))
                    throw new DataException(
                            f + ": " + img.getHeight() + "x" + img.getWidth() + " where the first image is " + size[0]
                                    + "x" + size[1] + "; set task.image_size to bring every image to one size");
                float[] px = decode(img, rgb);
                resample(px, img.getHeight(), img.getWidth(), rgb ? 3 : 1, dst, off, size[0], size[1]);
            }
        };
    }

    /** The decoded image, or an error naming the file: it is not an image ImageIO reads, or it is damaged. */
    static BufferedImage read(Path f) {
        try {
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null)
                throw new DataException(f + ": not an image this reader knows (" + String.join(", ", EXTENSIONS) + ")");
            return img;
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) throw d;
            throw new DataException(f + ": a damaged image (" + e.getMessage() + ")");
        }
    }

    /**
     * Pixels in [0, 1], channels last: RGB from the sRGB values, grayscale as BT.601 luma of them. A single-band image
     * (gray PNG) is read from its raster: converting it to sRGB would apply a gamma curve to what is stored.
     */
    static float[] decode(BufferedImage img, boolean rgb) {
        int h = img.getHeight(), w = img.getWidth(), c = rgb ? 3 : 1;
        float[] out = new float[h * w * c];
        Raster r = img.getRaster();
        if (r.getNumBands() == 1 && img.getColorModel().getNumComponents() == 1) {
            double max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    float v = (float) (r.getSample(x, y, 0) / max);
                    for (int ch = 0; ch < c; ch++) out[(y * w + x) * c + ch] = v;
                }
            return out;
        }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                double red = (argb >> 16 & 0xff) / 255.0,
                        green = (argb >> 8 & 0xff) / 255.0,
                        blue = (argb & 0xff) / 255.0;
                int o = (y * w + x) * c;
                if (rgb) {
                    out[o] = (float) red;
                    out[o + 1] = (float) green;
                    out[o + 2] = (float) blue;
                } else out[o] = (float) (0.299 * red + 0.587 * green + 0.114 * blue);
            }
        return out;
    }

    /** Area-average resampling of src [h, w, c] into dst [oh, ow, c] at off; a plain copy when the sizes agree. */
    static void resample(float[] src, int h, int w, int c, float[] dst, int off, int oh, int ow) {
        if (h == oh && w == ow) {
            System.arraycopy(src, 0, dst, off, h * w * c);
            return;
        }
        double sy = (double) h / oh, sx = (double) w / ow;
        for (int y = 0; y < oh; y++) {
            double y0 = y * sy, y1 = y0 + sy;
            for (int x = 0; x < ow; x++) {
                double x0 = x * sx, x1 = x0 + sx;
                for (int ch = 0; ch < c; ch++) {
                    double sum = 0;
                    for (int iy = (int) y0; iy < Math.min(h, Math.ceil(y1)); iy++) {
                        double wy = Math.min(y1, iy + 1) - Math.max(y0, iy);
                        if (wy <= 0) continue;
                        for (int ix = (int) x0; ix < Math.min(w, Math.ceil(x1)); ix++) {
                            double wx = Math.min(x1, ix + 1) - Math.max(x0, ix);
                            if (wx > 0) sum += wy * wx * src[(iy * w + ix) * c + ch];
                        }
                    }
                    dst[off + (y * ow + x) * c + ch] = (float) (sum / (sy * sx));
                }
            }
        }
    }
}
