package org.grokscope.data.image;

import java.util.List;
import java.util.Locale;

/**
 * The image sets that {@code grokscope data fetch} knows: four gzipped IDX files each, from the address its authors (or
 * torchvision, for MNIST, whose original site throttles) serve, with the MD5 each file is published with.
 */
public enum KnownImageSet {
    MNIST(
            "mnist",
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            List.of(
                    new File("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", 9_912_422L),
                    new File("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", 28_881L),
                    new File("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3", 1_648_877L),
                    new File("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c", 4_542L))),
    FASHION_MNIST(
            "fashion-mnist",
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            List.of(
                    new File("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", 26_421_880L),
                    new File("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", 29_515L),
                    new File("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", 4_422_102L),
                    new File("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", 5_148L)));

    /** One file of a set: its name, published MD5 and size. */
    public record File(String name, String md5, long bytes) {}

    public final String id, baseUrl;
    public final List<File> files;

    KnownImageSet(String id, String baseUrl, List<File> files) {
        this.id = id;
        this.baseUrl = baseUrl;
        this.files = files;
    }

    /** The set called {@code s}, or null. */
    public static KnownImageSet find(String s) {
        for (KnownImageSet d : values()) if (d.id.equals(s.toLowerCase(Locale.ROOT))) return d;
        return null;
    }
}
