package org.grokscope.data.text;

import java.nio.file.Path;

/**
 * Where downloaded archives and token caches live: the system property {@code grokscope.cache}, else the environment
 * variable {@code GROKSCOPE_CACHE}, else {@code $XDG_CACHE_HOME/grokscope}, else {@code ~/.cache/grokscope}. Archives
 * go to {@code datasets/NAME/}, token ids to {@code tokens/}.
 */
public final class DataHome {
    private DataHome() {}

    public static Path cache() {
        String p = System.getProperty("grokscope.cache");
        if (p == null || p.isBlank()) p = System.getenv("GROKSCOPE_CACHE");
        if (p != null && !p.isBlank()) return Path.of(p);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "grokscope");
        return Path.of(System.getProperty("user.home"), ".cache", "grokscope");
    }

    /** The archive of a known dataset inside the cache (fetched or imported). */
    public static Path archive(KnownDataset d) {
        return archive(cache(), d);
    }

    public static Path archive(Path cache, KnownDataset d) {
        return dataset(cache, d.id).resolve(d.fileName);
    }

    /**
     * The folder of data set {@code id} in the cache: archives, image sets' IDX files, the bundled tables ("tables").
     */
    public static Path dataset(Path cache, String id) {
        return cache.resolve("datasets").resolve(id);
    }
}
