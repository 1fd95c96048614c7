package org.grokscope.data.text;

import java.util.Locale;

/** The official archives that {@code grokscope data fetch} knows, with their published checksums. */
public enum KnownDataset {
    IMDB(
            "imdb",
            "aclImdb_v1.tar.gz",
            "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
            "7c2ac02c03563afcf9b574c7e56c153a",
            84_125_825L,
            TextSource.Kind.IMDB),
    YELP_POLARITY(
            "yelp-polarity",
            "yelp_review_polarity_csv.tar.gz",
            "https://s3.amazonaws.com/fast-ai-nlp/yelp_review_polarity_csv.tgz",
            "620c8ae4bd5a150b730f1ba9a7c6a4d3",
            166_373_201L,
            TextSource.Kind.YELP_POLARITY);
    public final String id, fileName, url, md5;
    public final long approxBytes;
    public final TextSource.Kind kind;

    KnownDataset(String id, String fileName, String url, String md5, long approxBytes, TextSource.Kind kind) {
        this.id = id;
        this.fileName = fileName;
        this.url = url;
        this.md5 = md5;
        this.approxBytes = approxBytes;
        this.kind = kind;
    }

    public static KnownDataset parse(String s) {
        for (KnownDataset d : values()) if (d.id.equals(s.toLowerCase(Locale.ROOT))) return d;
        throw new IllegalArgumentException("unknown dataset '" + s + "' (imdb, yelp-polarity)");
    }

    public static KnownDataset of(TextSource.Kind k) {
        for (KnownDataset d : values()) if (d.kind == k) return d;
        return null;
    }
}
