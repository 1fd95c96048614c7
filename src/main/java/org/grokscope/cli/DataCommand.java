package org.grokscope.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigException;
import org.grokscope.data.image.ImageTask;
import org.grokscope.data.image.KnownImageSet;
import org.grokscope.data.text.DataHome;
import org.grokscope.data.text.Fetcher;
import org.grokscope.data.text.KnownDataset;
import org.grokscope.data.text.TextReader;
import org.grokscope.data.text.TextSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Datasets in the local cache: fetch the official archives, import a file the user has, list what is there. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description =
                "Datasets in the local cache (GROKSCOPE_CACHE, else ~/.cache/grokscope): text archives and image sets.",
        subcommands = {DataCommand.Fetch.class, DataCommand.Import.class, DataCommand.List.class})
public final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** --cache DIR, shared by the subcommands. */
    static final class CacheOption {
        @Option(
                names = "--cache",
                paramLabel = "DIR",
                description = "cache directory (default: GROKSCOPE_CACHE, else ~/.cache/grokscope)")
        Path dir;

        Path resolve() {
            return dir != null ? dir : DataHome.cache();
        }
    }

    static KnownDataset known(String name) throws ConfigException {
        try {
            return KnownDataset.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("DATASET: " + e.getMessage());
        }
    }

    /** The folder of a known image set in the cache (where image tasks look for it). */
    static Path imageDir(Path cache, KnownImageSet d) {
        return DataHome.dataset(cache, d.id);
    }

    @Command(
            name = "fetch",
            mixinStandardHelpOptions = true,
            description = {
                "Download an official archive or image set into the cache.",
                "With a progress bar; an interrupted download resumes, and a file is kept only if its MD5 matches the published checksum."
            })
    static final class Fetch implements Callable<Integer> {
        @Parameters(paramLabel = "DATASET", description = "imdb, yelp-polarity, mnist or fashion-mnist")
        String name;

        @Option(
                names = "--url",
                paramLabel = "URL",
                description =
                        "download from this address instead (a mirror; for an image set, the folder that holds its four files)")
        String url;

        @Option(names = "--md5", paramLabel = "HEX", description = "expected MD5 when --url serves a different file")
        String md5;

        @Option(
                names = "--checksums",
                paramLabel = "FILE",
                description = "for an image set whose --url serves other files (a repack): their MD5s, "
                        + "one 'HEX  NAME' line each, as md5sum writes them")
        Path checksums;

        @picocli.CommandLine.Mixin
        CacheOption cache;

        @Override
        public Integer call() throws Exception {
            KnownImageSet img = KnownImageSet.find(name);
            if (img != null) return images(img);
            KnownDataset d = known(name);
            Path target = DataHome.archive(cache.resolve(), d);
            URI uri;
            try {
                uri = URI.create(url != null ? url : d.url);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--url: not a valid address: " + e.getMessage());
            }
            String want = md5 != null ? md5 : d.md5;
            if (!want.matches("[0-9a-fA-F]{32}"))
                throw new ConfigException("--md5: expected 32 hexadecimal digits, got '" + want + "'");
            System.out.println("fetching " + d.id + " from " + uri + " to " + target);
            Fetcher.Result r = Fetcher.fetch(uri, target, want, d.approxBytes, System.out, System.console() != null);
            if (r.alreadyPresent()) System.out.println("already present and verified (MD5 " + r.md5() + "): " + target);
            else
                System.out.printf(
                        Locale.ROOT,
                        "verified MD5 %s, %,d bytes%s: %s%n",
                        r.md5(),
                        r.bytes(),
                        r.resumedFrom() > 0 ? String.format(Locale.ROOT, " (resumed at %,d)", r.resumedFrom()) : "",
                        target);
            return 0;
        }

        /** An md5sum listing: every file of the set must be named once, with 32 hexadecimal digits. */
        private static java.util.Map<String, String> readChecksums(Path file, KnownImageSet d) throws Exception {
            if (!Files.isRegularFile(file)) throw new ConfigException("--checksums: " + file + ": no such file");
            java.util.Map<String, String> out = new java.util.HashMap<>();
            java.util.List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).trim();
                if (l.isEmpty()) continue;
                String[] parts = l.split("\\s+\\*?", 2);
                if (parts.length != 2 || !parts[0].matches("[0-9a-fA-F]{32}"))
                    throw new ConfigException(file + ":" + (i + 1)
                            + ": expected 'HEX  NAME' (32 hexadecimal digits, then the file name), got '"
                            + org.grokscope.data.Excerpt.of(l) + "'");
                out.put(Path.of(parts[1].trim()).getFileName().toString(), parts[0]);
            }
            for (KnownImageSet.File f : d.files)
                if (!out.containsKey(f.name()))
                    throw new ConfigException("--checksums: " + file + " names no " + f.name());
            return out;
        }

        /**
         * The four files of an image set, each resumable and checked against its published MD5; then read once, to
         * count.
         */
        private int images(KnownImageSet d) throws Exception {
            if (md5 != null)
                throw new ConfigException(
                        "--md5: an image set is four files, each checked against its published MD5; --md5 is for a single archive");
            java.util.Map<String, String> sums = checksums == null ? java.util.Map.of() : readChecksums(checksums, d);
            String base = url != null ? (url.endsWith("/") ? url : url + "/") : d.baseUrl;
            Path dir = imageDir(cache.resolve(), d);
            System.out.println("fetching " + d.id + " from " + base + " to " + dir);
            for (KnownImageSet.File f : d.files) {
                URI uri;
                try {
                    uri = URI.create(base + f.name());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("--url: not a valid address: " + e.getMessage());
                }
                Fetcher.Result r = Fetcher.fetch(
                        uri,
                        dir.resolve(f.name()),
                        sums.getOrDefault(f.name(), f.md5()),
                        f.bytes(),
                        System.out,
                        System.console() != null);
                System.out.printf(
                        Locale.ROOT,
                        "  %-28s %s (MD5 %s, %,d bytes%s)%n",
                        f.name(),
                        r.alreadyPresent() ? "already present and verified" : "verified",
                        r.md5(),
                        r.bytes(),
                        r.resumedFrom() > 0 ? String.format(Locale.ROOT, ", resumed at %,d", r.resumedFrom()) : "");
            }
            System.out.printf(
                    Locale.ROOT, "%s: %,d training images, ready in %s%n", d.id, ImageTask.trainingPool(dir), dir);
            return 0;
        }
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = {
                "Copy an archive you already have into the cache, where presets find it.",
                "An official archive is recognized by its MD5; any other file (a subset, a repack) is accepted after it reads cleanly."
            })
    static final class Import implements Callable<Integer> {
        @Parameters(
                paramLabel = "PATH",
                description = "the archive (aclImdb .tar.gz, yelp_review_polarity_csv .tar.gz)")
        Path path;

        @Option(
                names = "--as",
                paramLabel = "DATASET",
                description = "imdb, yelp-polarity, mnist or fashion-mnist (default: guessed from the name)")
        String as;

        @picocli.CommandLine.Mixin
        CacheOption cache;

        @Override
        public Integer call() throws Exception {
            if (!Files.exists(path)) throw new ConfigException(path + ": no such file");
            KnownImageSet img = as != null ? KnownImageSet.find(as) : null;
            if (img == null && Files.isDirectory(path)) {
                String n = path.getFileName() == null
                        ? ""
                        : path.getFileName().toString().toLowerCase(Locale.ROOT);
                img = KnownImageSet.find(n.contains("fashion") ? "fashion-mnist" : n.contains("mnist") ? "mnist" : "");
                if (img == null)
                    throw new ConfigException(
                            path
                                    + ": a folder; set task.path to it instead of importing, or import an image set with --as mnist or --as fashion-mnist");
            }
            if (img != null) return images(img);
            String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
            String guess = as != null ? as : n.contains("imdb") ? "imdb" : n.contains("yelp") ? "yelp-polarity" : null;
            if (guess == null)
                throw new ConfigException("--as: cannot tell the dataset from the name '" + path.getFileName()
                        + "'; add --as imdb or --as yelp-polarity");
            KnownDataset d = known(guess);
            String md5 = Fetcher.md5(path);
            boolean official = md5.equalsIgnoreCase(d.md5);
            TextSource src = TextSource.of(d.kind, path).build();
            long[] counts = new long[2];
            TextReader.read(
                    src,
                    (test, text, label, raw, order) -> counts[test ? 1 : 0]++); // refuses a damaged or foreign archive
            Path target = DataHome.archive(cache.resolve(), d);
            Fetcher.importFile(path, target);
            System.out.printf(
                    Locale.ROOT,
                    "%s: MD5 %s (%s); %,d train + %,d test documents read cleanly%n",
                    path,
                    md5,
                    official
                            ? "the official archive"
                            : "not the official archive's " + d.md5 + ": a subset or repack, accepted",
                    counts[0],
                    counts[1]);
            System.out.println("imported as " + d.id + ": " + target);
            return 0;
        }

        /** A folder holding an image set's four IDX files (gzipped or not): read whole first, then copied. */
        private int images(KnownImageSet d) throws Exception {
            if (!Files.isDirectory(path))
                throw new ConfigException(
                        path + ": an image set is imported from the folder that holds its four IDX files");
            var set = ImageTask.prepare(
                    new ImageTask.Settings(path, null, 0, 0, false)); // refuses a damaged or incomplete set
            Path dir = imageDir(cache.resolve(), d);
            for (String f : ImageTask.FILES) {
                Path src = Files.isRegularFile(path.resolve(f + ".gz")) ? path.resolve(f + ".gz") : path.resolve(f);
                Fetcher.importFile(src, dir.resolve(src.getFileName().toString()));
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s: %,d training and %,d test images read cleanly; imported as %s: %s%n",
                    path,
                    set.train().size(),
                    set.test().size(),
                    d.id,
                    dir);
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Show the known datasets and whether the cache has them.")
    static final class List implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        CacheOption cache;

        @Override
        public Integer call() throws Exception {
            Path c = cache.resolve();
            System.out.println("cache: " + c);
            for (KnownDataset d : KnownDataset.values()) {
                Path a = DataHome.archive(c, d);
                String state = Files.isRegularFile(a)
                        ? String.format(Locale.ROOT, "present, %,d bytes", Files.size(a))
                        : Files.isRegularFile(a.resolveSibling(a.getFileName() + ".part"))
                                ? "partly downloaded (run 'grokscope data fetch " + d.id + "' to resume)"
                                : "absent (grokscope data fetch " + d.id + ")";
                System.out.printf(Locale.ROOT, "%-14s %-34s %s%n", d.id, d.fileName, state);
            }
            for (KnownImageSet d : KnownImageSet.values()) {
                Path dir = imageDir(c, d);
                long have = d.files.stream()
                        .filter(f -> Files.isRegularFile(dir.resolve(f.name()))
                                || Files.isRegularFile(dir.resolve(f.name().replace(".gz", ""))))
                        .count();
                boolean part = d.files.stream().anyMatch(f -> Files.isRegularFile(dir.resolve(f.name() + ".part")));
                String state = have == d.files.size()
                        ? "present"
                        : part
                                ? "partly downloaded (run 'grokscope data fetch " + d.id + "' to resume)"
                                : have > 0
                                        ? have + " of " + d.files.size() + " files (grokscope data fetch " + d.id + ")"
                                        : "absent (grokscope data fetch " + d.id + ")";
                System.out.printf(Locale.ROOT, "%-14s %-34s %s%n", d.id, "4 IDX files in " + d.id + "/", state);
            }
            return 0;
        }
    }
}
