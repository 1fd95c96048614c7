package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real images: Omnigrok's preset on Debian's Fashion-MNIST (bin/test installs dataset-fashion-mnist), the first 2,000
 * steps. The MLP fits its 1,000 images by step ~3,500 at chance-level test accuracy; by 2,000 it is well on the way
 * while the test accuracy has barely moved. A broken reader, label order or standardization shows here as a test
 * accuracy that rises with the training accuracy, or a training accuracy that does not.
 */
class RealImagesTest {
    @TempDir
    Path tmp;

    @Test
    void omnigrokOnFashionMnistFitsTheTrainingImagesBeforeTheTestImages() throws Exception {
        assertThat(Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
                .as("Debian's dataset-fashion-mnist (bin/test installs it)")
                .isRegularFile();
        Path out = tmp.resolve("run");
        CliTest.Out o = CliTest.cli(
                "train",
                "--preset",
                "omnigrok-fashion",
                "--set",
                "training.steps=2000",
                "--set",
                "training.eval_every=1000",
                "--set",
                "task.test_count=2000",
                "--out",
                out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        String data = Files.readString(out.resolve("data.json"));
        assertThat(data)
                .contains("\"image_size\" : \"28x28\"")
                .contains("\"train_examples\" : 1000")
                .contains("\"test_examples\" : 2000")
                .contains("\"per_class_train\" : [ 100, 100, 100, 100, 100, 100, 100, 100, 100, 100 ]");
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        String[] at0 = rows.get(1).split(","),
                at2000 = rows.get(rows.size() - 1).split(",");
        assertThat(Double.parseDouble(at0[3]))
                .as("train accuracy at step 0: chance")
                .isBetween(0.03, 0.2);
        assertThat(Double.parseDouble(at2000[3]))
                .as("train accuracy at step 2,000")
                .isGreaterThan(0.6);
        assertThat(Double.parseDouble(at2000[5]))
                .as("test accuracy at step 2,000: still near chance (alpha 8)")
                .isLessThan(0.25);
    }
}
