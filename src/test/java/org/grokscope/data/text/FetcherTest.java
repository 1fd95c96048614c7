package org.grokscope.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.grokscope.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a local HTTP server that serves a fixture archive, honours Range, and can cut a response short. */
class FetcherTest {
    @TempDir Path tmp;
    HttpServer server;
    byte[] archive;
    final AtomicBoolean cutFirst = new AtomicBoolean();
    final List<String> ranges = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        archive = Fixtures.tarGz(Fixtures.imdbEntries());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/aclImdb_v1.tar.gz", ex -> {
            String range = ex.getRequestHeaders().getFirst("Range");
            ranges.add(range == null ? "none" : range);
            int from = range == null ? 0 : Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            if (from >= archive.length) { ex.sendResponseHeaders(416, -1); ex.close(); return; }
            ex.getResponseHeaders().add("Content-Type", "application/gzip");
            if (from > 0) ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (archive.length - 1) + "/" + archive.length);
            ex.sendResponseHeaders(from > 0 ? 206 : 200, archive.length - from);
            OutputStream out = ex.getResponseBody();
            if (cutFirst.getAndSet(false)) { // the connection drops half way
                out.write(archive, from, (archive.length - from) / 2);
                out.flush();
                throw new IOException("simulated network failure");
            }
            out.write(archive, from, archive.length - from);
            out.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/aclImdb_v1.tar.gz");
    }

    @Test
    void anInterruptedDownloadResumesAndIsVerified() throws Exception {
        Path target = tmp.resolve("cache/datasets/imdb/aclImdb_v1.tar.gz");
        String md5 = md5(archive);
        cutFirst.set(true);
        assertThatThrownBy(() -> Fetcher.fetch(url(), target, md5, 0, null, false))
                .isInstanceOf(IOException.class).hasMessageContaining("run the command again to resume");
        Path part = target.resolveSibling("aclImdb_v1.tar.gz.part");
        assertThat(part).exists();
        assertThat(target).doesNotExist();
        long partial = Files.size(part);
        assertThat(partial).isGreaterThan(0).isLessThan(archive.length);
        Fetcher.Result r = Fetcher.fetch(url(), target, md5, 0, null, false);
        assertThat(r.resumedFrom()).isEqualTo(partial);
        assertThat(ranges.get(ranges.size() - 1)).isEqualTo("bytes=" + partial + "-");
        assertThat(Files.readAllBytes(target)).isEqualTo(archive);
        assertThat(part).doesNotExist();
        // fetched archive reads as aclImdb
        Corpus c = Corpus.build(new TextSource(TextSource.Kind.IMDB, target, null, "text", "label", null, "polarity", 0.25, 0, false), new WordTokenizer(true));
        assertThat(c.train.size()).isEqualTo(6);
        // a second fetch verifies what is there and downloads nothing
        int before = ranges.size();
        assertThat(Fetcher.fetch(url(), target, md5, 0, null, false).alreadyPresent()).isTrue();
        assertThat(ranges).hasSize(before);
    }

    @Test
    void aWrongChecksumIsRefusedAndNothingIsKept() throws Exception {
        Path target = tmp.resolve("c/datasets/imdb/aclImdb_v1.tar.gz");
        assertThatThrownBy(() -> Fetcher.fetch(url(), target, "7c2ac02c03563afcf9b574c7e56c153a", 0, null, false))
                .isInstanceOf(IOException.class).hasMessageContaining("checksum mismatch").hasMessageContaining("7c2ac02c03563afcf9b574c7e56c153a");
        assertThat(target).doesNotExist();
        assertThat(target.resolveSibling("aclImdb_v1.tar.gz.part")).doesNotExist();
    }

    @Test
    void theCliFetchesImportsAndLists() throws Exception {
        Path cache = tmp.resolve("cli-cache");
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int fetch, list, imp, bad;
        try {
            System.setOut(new java.io.PrintStream(buf, true));
            fetch = Main.execute("data", "fetch", "imdb", "--url", url().toString(), "--md5", md5(archive), "--cache", cache.toString());
            list = Main.execute("data", "list", "--cache", cache.toString());
            Path mine = tmp.resolve("my-imdb.tar.gz");
            Files.write(mine, archive);
            imp = Main.execute("data", "import", mine.toString(), "--cache", tmp.resolve("other").toString());
            Path junk = tmp.resolve("imdb-junk.tar.gz");
            Files.write(junk, java.util.Arrays.copyOf(archive, archive.length / 3));
            bad = Main.execute("data", "import", junk.toString(), "--cache", tmp.resolve("third").toString());
        } finally {
            System.setOut(old);
        }
        String out = buf.toString();
        assertThat(fetch).isZero();
        assertThat(list).isZero();
        assertThat(out).contains("verified MD5 " + md5(archive)).containsPattern("imdb +aclImdb_v1.tar.gz +present");
        assertThat(imp).isZero();
        assertThat(out).contains("not the official archive").contains("6 train + 4 test documents read cleanly");
        assertThat(tmp.resolve("other/datasets/imdb/aclImdb_v1.tar.gz")).exists();
        assertThat(bad).isEqualTo(2);
        assertThat(tmp.resolve("third/datasets/imdb/aclImdb_v1.tar.gz")).doesNotExist();
    }

    static String md5(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
    }
}
