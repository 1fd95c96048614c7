package org.grokscope.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.grokscope.data.text.DataHome;
import org.grokscope.data.text.Fetcher;
import org.grokscope.data.text.KnownDataset;
import org.grokscope.data.text.TextReader;
import org.grokscope.data.text.TextSource;
import org.grokscope.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Datasets in the local cache: fetch the official archives, import a file the user has, list what is there. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Text datasets in the local cache (GROKSCOPE_CACHE, else ~/.cache/grokscope).",
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
        @Option(names = "--cache", paramLabel = "DIR", description = "cache directory (default: GROKSCOPE_CACHE, else ~/.cache/grokscope)")
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

    @Command(name = "fetch", mixinStandardHelpOptions = true, description = {"Download an official archive into the cache.",
            "With a progress bar; an interrupted download resumes, and the file is kept only if its MD5 matches the published checksum."})
    static final class Fetch implements Callable<Integer> {
        @Parameters(paramLabel = "DATASET", description = "imdb or yelp-polarity")
        String name;

        @Option(names = "--url", paramLabel = "URL", description = "download from this address instead (a mirror)")
        String url;

        @Option(names = "--md5", paramLabel = "HEX", description = "expected MD5 when --url serves a different file")
        String md5;

        @picocli.CommandLine.Mixin
        CacheOption cache;

        @Override
        public Integer call() throws Exception {
            KnownDataset d = known(name);
            Path target = DataHome.archive(cache.resolve(), d);
            URI uri;
            try {
                uri = URI.create(url != null ? url : d.url);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--url: not a valid address: " + e.getMessage());
            }
            String want = md5 != null ? md5 : d.md5;
            if (!want.matches("[0-9a-fA-F]{32}")) throw new ConfigException("--md5: expected 32 hexadecimal digits, got '" + want + "'");
            System.out.println("fetching " + d.id + " from " + uri + " to " + target);
            Fetcher.Result r = Fetcher.fetch(uri, target, want, d.approxBytes, System.out, System.console() != null);
            if (r.alreadyPresent()) System.out.println("already present and verified (MD5 " + r.md5() + "): " + target);
            else System.out.printf(Locale.ROOT, "verified MD5 %s, %,d bytes%s: %s%n", r.md5(), r.bytes(),
                    r.resumedFrom() > 0 ? String.format(Locale.ROOT, " (resumed at %,d)", r.resumedFrom()) : "", target);
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = {"Copy an archive you already have into the cache, where presets find it.",
            "An official archive is recognized by its MD5; any other file (a subset, a repack) is accepted after it reads cleanly."})
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "PATH", description = "the archive (aclImdb .tar.gz, yelp_review_polarity_csv .tar.gz)")
        Path path;

        @Option(names = "--as", paramLabel = "DATASET", description = "imdb or yelp-polarity (default: guessed from the file name)")
        String as;

        @picocli.CommandLine.Mixin
        CacheOption cache;

        @Override
        public Integer call() throws Exception {
            if (!Files.exists(path)) throw new ConfigException(path + ": no such file");
            if (Files.isDirectory(path)) throw new ConfigException(path + ": a folder; set task.path to it instead of importing");
            String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
            String guess = as != null ? as : n.contains("imdb") ? "imdb" : n.contains("yelp") ? "yelp-polarity" : null;
            if (guess == null) throw new ConfigException("--as: cannot tell the dataset from the name '" + path.getFileName() + "'; add --as imdb or --as yelp-polarity");
            KnownDataset d = known(guess);
            String md5 = Fetcher.md5(path);
            boolean official = md5.equalsIgnoreCase(d.md5);
            TextSource src = new TextSource(d.kind, path, null, "text", "label", null, "polarity", 0.25, 0, false);
            long[] counts = new long[2];
            TextReader.read(src, (test, text, label, raw, order) -> counts[test ? 1 : 0]++); // refuses a damaged or foreign archive
            Path target = DataHome.archive(cache.resolve(), d);
            Fetcher.importFile(path, target);
            System.out.printf(Locale.ROOT, "%s: MD5 %s (%s); %,d train + %,d test documents read cleanly%n", path, md5,
                    official ? "the official archive" : "not the official archive's " + d.md5 + ": a subset or repack, accepted", counts[0], counts[1]);
            System.out.println("imported as " + d.id + ": " + target);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Show the known datasets and whether the cache has them.")
    static final class List implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        CacheOption cache;

        @Override
        public Integer call() throws Exception {
            Path c = cache.resolve();
            System.out.println("cache: " + c);
            for (KnownDataset d : KnownDataset.values()) {
                Path a = DataHome.archive(c, d);
                String state = Files.isRegularFile(a) ? String.format(Locale.ROOT, "present, %,d bytes", Files.size(a))
                        : Files.isRegularFile(a.resolveSibling(a.getFileName() + ".part")) ? "partly downloaded (run 'grokscope data fetch " + d.id + "' to resume)"
                        : "absent (grokscope data fetch " + d.id + ")";
                System.out.printf(Locale.ROOT, "%-14s %-34s %s%n", d.id, d.fileName, state);
            }
            return 0;
        }
    }
}
