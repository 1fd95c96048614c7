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
    @TempDir
    Path tmp;

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
            if (from >= archive.length) {
                ex.sendResponseHeaders(416, -1);
                ex.close();
                return;
            }
            ex.getResponseHeaders().add("Content-Type", "application/gzip");
            if (from > 0)
                ex.getResponseHeaders()
                        .add("Content-Range", "bytes " + from + "-" + (archive.length - 1) + "/" + archive.length);
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
        server.createContext(
                "/stall",
                ex -> { // sends 1,000 bytes of a longer body, then nothing
                    ex.sendResponseHeaders(200, 100_000);
                    ex.getResponseBody().write(new byte[1000]);
                    ex.getResponseBody().flush();
                    try {
                        Thread.sleep(30_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ex.close();
                });
        server.createContext("/loop", ex -> {
            ex.getResponseHeaders().add("Location", "/loop2");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/loop2", ex -> {
            ex.getResponseHeaders().add("Location", "/loop");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext(
                "/away",
                ex -> { // to the same server under another host name
                    ex.getResponseHeaders()
                            .add(
                                    "Location",
                                    "http://localhost:" + server.getAddress().getPort() + "/aclImdb_v1.tar.gz");
                    ex.sendResponseHeaders(302, -1);
                    ex.close();
                });
        server.createContext("/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.setExecutor(
                java.util.concurrent.Executors
                        .newCachedThreadPool()); // the stalling handler must not hold up the others
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
                .isInstanceOf(IOException.class)
                .hasMessageContaining("run the command again to resume");
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
        Corpus c = Corpus.build(TextSource.of(TextSource.Kind.IMDB, target).build(), new WordTokenizer(true));
        assertThat(c.train.size()).isEqualTo(6);
        // a second fetch verifies what is there and downloads nothing
        int before = ranges.size();
        assertThat(Fetcher.fetch(url(), target, md5, 0, null, false).alreadyPresent())
                .isTrue();
        assertThat(ranges).hasSize(before);
    }

    @Test
    void aWrongChecksumIsRefusedAndNothingIsKept() throws Exception {
        Path target = tmp.resolve("c/datasets/imdb/aclImdb_v1.tar.gz");
        assertThatThrownBy(() -> Fetcher.fetch(url(), target, "7c2ac02c03563afcf9b574c7e56c153a", 0, null, false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("7c2ac02c03563afcf9b574c7e56c153a");
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
            fetch = Main.execute(
                    "data",
                    "fetch",
                    "imdb",
                    "--url",
                    url().toString(),
                    "--md5",
                    md5(archive),
                    "--cache",
                    cache.toString());
            list = Main.execute("data", "list", "--cache", cache.toString());
            Path mine = tmp.resolve("my-imdb.tar.gz");
            Files.write(mine, archive);
            imp = Main.execute(
                    "data",
                    "import",
                    mine.toString(),
                    "--cache",
                    tmp.resolve("other").toString());
            Path junk = tmp.resolve("imdb-junk.tar.gz");
            Files.write(junk, java.util.Arrays.copyOf(archive, archive.length / 3));
            bad = Main.execute(
                    "data",
                    "import",
                    junk.toString(),
                    "--cache",
                    tmp.resolve("third").toString());
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
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
    }

    URI at(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void aStalledServerLoopsAndOtherHostsAndBadSchemesAreHandledInWords() throws Exception {
        Path target = tmp.resolve("d/aclImdb_v1.tar.gz");
        String md5 = md5(archive);
        System.setProperty("grokscope.fetch.stall_seconds", "2");
        try {
            assertThatThrownBy(() -> Fetcher.fetch(at("/stall"), target, md5, 0, null, false))
                    .hasMessageContaining("stopped at 1000 bytes (the server sent nothing for 2 s)");
        } finally {
            System.clearProperty("grokscope.fetch.stall_seconds");
        }
        Files.deleteIfExists(target.resolveSibling("aclImdb_v1.tar.gz.part"));
        assertThatThrownBy(() -> Fetcher.fetch(at("/loop"), target, md5, 0, null, false))
                .hasMessageContaining("redirect loop");
        java.io.ByteArrayOutputStream notes = new java.io.ByteArrayOutputStream();
        Fetcher.fetch(at("/away"), target, md5, 0, new java.io.PrintStream(notes, true), false);
        assertThat(notes.toString()).contains("note: 127.0.0.1 redirects to another host, localhost");
        assertThat(Files.readAllBytes(target)).isEqualTo(archive);
        for (String u : new String[] {"file:///etc/passwd", "ftp://example.invalid/x", "relative/path.tar.gz"})
            assertThatThrownBy(() -> Fetcher.fetch(URI.create(u), tmp.resolve("e/x"), md5, 0, null, false))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("only http:// and https://");
    }

    @Test
    void aGoodArchiveStaysWhenItsReplacementFails() throws Exception {
        Path target = tmp.resolve("k/aclImdb_v1.tar.gz");
        Files.createDirectories(target.getParent());
        byte[] repack = java.util.Arrays.copyOf(archive, archive.length);
        Files.write(target, repack); // an imported repack: not the official MD5
        assertThatThrownBy(
                        () -> Fetcher.fetch(at("/missing"), target, "0123456789abcdef0123456789abcdef", 0, null, false))
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("is left as it was");
        assertThat(Files.readAllBytes(target)).isEqualTo(repack);
    }

    @Test
    void aClosedPortIsSaidInWords() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> Fetcher.fetch(
                        URI.create("http://127.0.0.1:" + port + "/x"), tmp.resolve("p/x"), "00", 0, null, false))
                .hasMessageContaining("cannot connect")
                .hasMessageNotContaining("null");
    }
}
