package org.grokscope.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.grokscope.data.OnBadRow;

/**
 * Image classification (see {@link org.grokscope.data.image.ImageTask}): {@code dataset} mnist or fashion-mnist (read
 * from {@code path}, else the data cache, else Debian's dataset-fashion-mnist folder), idx (any set in that layout,
 * {@code path} required), or folder ({@code path} holds one sub-folder of PNG/JPEG/GIF/BMP files per class; see
 * {@link org.grokscope.data.image.ImageFolder}): its test split is the folder {@code test_path}, else a stratified
 * {@code holdout} share of each class (default 0.2); {@code image_size} [height, width] resizes every image (absent:
 * all must share the first one's size); {@code color} gray or rgb (IDX sets are gray); a file that does not decode
 * stops the run, or with {@code on_bad_file: skip} is left out and counted. Every training image is used unless
 * {@code train_count} picks a stratified nested subset; {@code test_count} images of the test split are scored (0: all
 * of them). Pixels are standardized per channel from the training images.
 */
@JsonPropertyOrder({
    "dataset",
    "path",
    "test_path",
    "holdout",
    "image_size",
    "color",
    "on_bad_file",
    "train_count",
    "test_count",
    "split_seed",
    "standardize"
})
public record Image(
        String dataset,
        String path,
        String testPath,
        Double holdout,
        java.util.List<Integer> imageSize,
        ImageColor color,
        OnBadRow onBadFile,
        Integer trainCount,
        Integer testCount,
        Long splitSeed,
        Boolean standardize)
        implements TaskSpec {
    public static final java.util.List<String> DATASETS = java.util.List.of("mnist", "fashion-mnist", "idx", "folder");

    public Image {
        if (dataset == null) dataset = "mnist";
        if (color == null) color = dataset.equals("folder") ? ImageColor.RGB : ImageColor.GRAY;
        if (holdout == null && dataset.equals("folder") && testPath == null) holdout = 0.2;
        if (onBadFile == null) onBadFile = OnBadRow.ERROR;
        if (testCount == null) testCount = 0;
        if (standardize == null) standardize = true;
    }

    /** The IDX layout (mnist, fashion-mnist, idx) rather than a folder of image files. */
    public boolean idx() {
        return !dataset.equals("folder");
    }

    @Override
    public Double trainFraction() {
        return null;
    }

    @Override
    public void validate(Problems p) {
        p.require(DATASETS.contains(dataset), "task.dataset", "must be one of " + DATASETS + ", got '" + dataset + "'");
        if (dataset.equals("idx"))
            p.require(path != null, "task.path", "dataset idx needs a path (the folder holding the four IDX files)");
        if (dataset.equals("folder"))
            p.require(
                    path != null,
                    "task.path",
                    "dataset folder needs a path (the folder with one sub-folder of images per class)");
        if (idx()) {
            p.require(color == ImageColor.GRAY, "task.color", "IDX images are grayscale; rgb is for dataset folder");
            p.require(
                    imageSize == null,
                    "task.image_size",
                    "IDX images keep their size; image_size is for dataset folder");
            p.require(
                    testPath == null,
                    "task.test_path",
                    "an IDX set holds its test split; test_path is for dataset folder");
            p.require(
                    holdout == null, "task.holdout", "an IDX set holds its test split; holdout is for dataset folder");
        } else {
            if (testPath != null) p.require(holdout == null, "task.holdout", "give test_path or holdout, not both");
            if (holdout != null)
                p.require(
                        holdout > 0 && holdout < 1,
                        "task.holdout",
                        "must be in (0, 1) (the test share of each class), got " + holdout);
        }
        if (imageSize != null) {
            p.require(imageSize.size() == 2, "task.image_size", "is [height, width], got " + imageSize);
            if (imageSize.size() == 2)
                for (int i = 0; i < 2; i++) {
                    Integer v = imageSize.get(i);
                    p.require(
                            v != null && v >= 1 && v <= 4096,
                            "task.image_size[" + i + "]",
                            "must be in [1, 4096], got " + v);
                }
        }
        if (trainCount != null) p.require(trainCount >= 2, "task.train_count", "must be >= 2, got " + trainCount);
        p.require(testCount >= 0, "task.test_count", "must be >= 0 (0 = the whole test split), got " + testCount);
    }
}
