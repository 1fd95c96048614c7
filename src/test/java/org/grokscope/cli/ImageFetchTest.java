package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.grokscope.data.image.ImageTask;
import org.grokscope.data.image.ImageTaskTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code data fetch mnist} against a local server that serves a small image set in MNIST's four files, honours Range
 * and drops the first connection half way: resumed, checked, then found by a run; a bad checksum keeps nothing.
 */
class ImageFetchTest {
    @TempDir
    Path tmp;

    HttpServer server;
    final Map<String, byte[]> files = new TreeMap<>();
    final AtomicBoolean cutFirst = new AtomicBoolean(true);

    @BeforeEach
    void start() throws Exception {
        Path set = ImageTaskTest.fixture(tmp.resolve("fixture"), 60, 30);
        for (String f : ImageTask.FILES) {
            Path p = Files.isRegularFile(set.resolve(f + ".gz")) ? set.resolve(f + ".gz") : set.resolve(f);
            byte[] b = Files.readAllBytes(p);
            files.put(f + ".gz", p.toString().endsWith(".gz") ? b : gzip(b));
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mirror/", ex -> {
            byte[] body = files.get(ex.getRequestURI().getPath().substring("/mirror/".length()));
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            String range = ex.getRequestHeaders().getFirst("Range");
            int from = range == null ? 0 : Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            if (from > 0)
                ex.getResponseHeaders()
                        .add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            ex.sendResponseHeaders(from > 0 ? 206 : 200, body.length - from);
            OutputStream out = ex.getResponseBody();
            if (body.length > 100 && cutFirst.getAndSet(false)) {
                out.write(body, from, (body.length - from) / 2);
                out.flush();
                throw new IOException("simulated network failure");
            }
            out.write(body, from, body.length - from);
            out.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(b);
        }
        return bo.toByteArray();
    }

    Path checksums(boolean wrong) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (var e : files.entrySet()) {
            String hex =
                    HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(e.getValue()));
            if (wrong && e.getKey().startsWith("t10k-labels")) hex = "0".repeat(32);
            sb.append(hex).append("  ").append(e.getKey()).append('\n');
        }
        return Files.writeString(tmp.resolve(wrong ? "bad.md5" : "sums.md5"), sb.toString());
    }

    @Test
    void fetchResumesChecksAndARunFindsTheSetInTheCache() throws Exception {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/mirror";
        Path cache = tmp.resolve("cache");
        CliTest.Out cut = CliTest.cli(
                "data",
                "fetch",
                "mnist",
                "--url",
                url,
                "--checksums",
                checksums(true).toString(),
                "--cache",
                cache.toString());
        assertThat(cutFirst)
                .as("the first file's connection was dropped half way")
                .isFalse();
        assertThat(cut.code()).isNotZero();
        assertThat(cut.err())
                .contains("train-images-idx3-ubyte.gz: download stopped")
                .contains("run the command again to resume");
        CliTest.Out bad = CliTest.cli(
                "data",
                "fetch",
                "mnist",
                "--url",
                url,
                "--checksums",
                checksums(true).toString(),
                "--cache",
                cache.toString());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.out()).containsPattern("train-images-idx3-ubyte.gz +verified .*resumed at \\d+");
        assertThat(bad.err()).contains("t10k-labels-idx1-ubyte.gz").contains("checksum mismatch");
        assertThat(cache.resolve("datasets/mnist/t10k-labels-idx1-ubyte.gz")).doesNotExist();

        CliTest.Out o = CliTest.cli(
                "data",
                "fetch",
                "mnist",
                "--url",
                url,
                "--checksums",
                checksums(false).toString(),
                "--cache",
                cache.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("mnist: 60 training images");
        for (String f : files.keySet())
            assertThat(Files.readAllBytes(cache.resolve("datasets/mnist").resolve(f)))
                    .isEqualTo(files.get(f));
        CliTest.Out list = CliTest.cli("data", "list", "--cache", cache.toString());
        assertThat(list.out()).containsPattern("mnist +4 IDX files in mnist/ +present");

        CliTest.Out noMd5 = CliTest.cli(
                "data", "fetch", "mnist", "--url", url, "--md5", "0".repeat(32), "--cache", cache.toString());
        assertThat(noMd5.code()).isEqualTo(2);
        assertThat(noMd5.err()).contains("--md5: an image set is four files");

        System.setProperty("grokscope.cache", cache.toString());
        try {
            Path cfg = Files.writeString(tmp.resolve("m.yaml"), """
                    name: m
                    task: {kind: image, dataset: mnist, train_count: 30}
                    model: {kind: mlp, hidden: 8, depth: 1}
                    training: {steps: 10, eval_every: 10}
                    """);
            CliTest.Out run = CliTest.cli(
                    "train",
                    "--config",
                    cfg.toString(),
                    "--out",
                    tmp.resolve("run").toString());
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(Files.readString(tmp.resolve("run").resolve("data.json")))
                    .contains(cache.resolve("datasets").resolve("mnist").toString());
        } finally {
            System.clearProperty("grokscope.cache");
        }

        CliTest.Out imported = CliTest.cli(
                "data",
                "import",
                tmp.resolve("fixture").toString(),
                "--as",
                "fashion-mnist",
                "--cache",
                cache.toString());
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("60 training and 30 test images read cleanly; imported as fashion-mnist");
        assertThat(List.of(
                        cache.resolve("datasets/fashion-mnist/train-images-idx3-ubyte.gz"),
                        cache.resolve("datasets/fashion-mnist/t10k-images-idx3-ubyte")))
                .allSatisfy(p -> assertThat(p).isRegularFile());
    }
}
