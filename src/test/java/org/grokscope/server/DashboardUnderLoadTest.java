package org.grokscope.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.grokscope.server.DashboardApiTest.JSON;
import static org.grokscope.server.DashboardApiTest.fakeRun;
import static org.grokscope.server.DashboardApiTest.get;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard against hostile and numerous clients, with real sockets: links out of a run, pages that never close,
 * clients that send their headers slowly, files that are not UTF-8, more connections than it takes.
 */
class DashboardUnderLoadTest {
    @TempDir
    Path tmp;

    /**
     * A socket that has sent {@code text} and reads with a timeout, so a hung server fails the test instead of hanging
     * it.
     */
    static Socket send(int port, String text) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** Reads until {@code marker} has arrived; what came. */
    static String readUntil(Socket s, String marker) throws Exception {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        byte[] buf = new byte[4096];
        while (!b.toString().contains(marker)) {
            int n = in.read(buf);
            if (n < 0) break;
            b.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    @Test
    void filesLinkedFromOutsideARunAreNotRead() throws Exception {
        Files.writeString(tmp.resolve("secret.json"), "{\"secret\": \"s3cr3t\"}");
        Files.writeString(tmp.resolve("secret.csv"), "step,s3cr3t\n1,2\n");
        Path run = fakeRun(tmp.resolve("served/run"), "x", 2);
        Files.createSymbolicLink(run.resolve("data.json"), tmp.resolve("secret.json"));
        Files.createSymbolicLink(run.resolve("provenance.json"), tmp.resolve("secret.json"));
        Path other = fakeRun(tmp.resolve("served/other"), "y", 2);
        Files.delete(other.resolve("metrics.csv"));
        Files.createSymbolicLink(other.resolve("metrics.csv"), tmp.resolve("secret.csv"));
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("served")), "127.0.0.1", 0)) {
            DashboardApiTest.Reply a = get(s.port(), "/api/run?id=0/run");
            assertThat(a.code()).isEqualTo(200);
            assertThat(a.body()).doesNotContain("s3cr3t");
            assertThat(JSON.readTree(a.body()).get("files").toString())
                    .contains("metrics.csv")
                    .doesNotContain("data.json");
            DashboardApiTest.Reply b = get(s.port(), "/api/run?id=0/other");
            assertThat(b.code()).isIn(200, 404);
            assertThat(b.body()).doesNotContain("s3cr3t");
            assertThat(get(s.port(), "/files?id=0/run/data.json").body()).doesNotContain("s3cr3t");
        }
    }

    @Test
    void aMetricsFileThatIsNotUtf8IsShownAsFarAsItReads() throws Exception {
        Path run = fakeRun(tmp.resolve("runs/a"), "x", 3);
        byte[] csv = Files.readAllBytes(run.resolve("metrics.csv"));
        byte[] bad = new byte[csv.length + 4];
        System.arraycopy(csv, 0, bad, 0, csv.length);
        bad[csv.length] = (byte) 0xff;
        bad[csv.length + 1] = (byte) 0xfe;
        bad[csv.length + 2] = (byte) 0xc3;
        bad[csv.length + 3] = '\n';
        Files.write(run.resolve("metrics.csv"), bad);
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("runs")), "127.0.0.1", 0)) {
            DashboardApiTest.Reply r = get(s.port(), "/api/run?id=0/a");
            assertThat(r.code()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).get("metrics").get("rows").asInt())
                    .isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void twoHundredOpenPagesAndAHundredSlowClientsLeaveTheServerAnswering() throws Exception {
        fakeRun(tmp.resolve("runs/a"), "x", 3);
        List<Socket> open = new ArrayList<>();
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("runs")), "127.0.0.1", 0)) {
            try {
                for (int i = 0; i < 200; i++) {
                    String watch = JSON.readTree(get(s.port(), "/api/home").body())
                            .get("watch")
                            .asText();
                    Socket sock =
                            send(s.port(), "GET /api/events?watch=" + watch + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    open.add(sock);
                    assertThat(readUntil(sock, ": watching"))
                            .as("stream " + i)
                            .startsWith("HTTP/1.1 200")
                            .contains("text/event-stream");
                }
                for (int i = 0; i < 100; i++)
                    open.add(send(s.port(), "GET /api/home HTTP/1.1\r\nHost: 127")); // and never the rest
                for (int i = 0; i < 20; i++) open.add(new Socket("127.0.0.1", s.port())); // connected, silent
                DashboardApiTest.Reply home = get(s.port(), "/api/home");
                assertThat(home.code()).isEqualTo(200);
                assertThat(JSON.readTree(home.body()).get("entries")).hasSize(1);
                assertThat(get(s.port(), "/").code()).isEqualTo(200);
                // the streams still flow: a change reaches the first page
                Files.writeString(tmp.resolve("runs/a/summary.json"), "{\"status\": \"completed\", \"steps\": 1000}\n");
                assertThat(readUntil(open.get(0), "event: entries")).contains("completed");
            } finally {
                for (Socket sock : open) sock.close();
            }
        }
    }

    @Test
    void aClientThatNeverFinishesItsRequestIsDroppedAtItsDeadline() throws Exception {
        fakeRun(tmp.resolve("runs/a"), "x", 2);
        var limits = new HttpCore.Limits(768, 512, 300, 16_384, 30_000, 1 << 20, 2);
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("runs")), "127.0.0.1", 0, limits);
                Socket slow = send(s.port(), "GET / HTTP/1.1\r\nHost: 12");
                Socket idle = send(s.port(), "")) {
            assertThat(slow.getInputStream().read())
                    .as("closed without a reply")
                    .isEqualTo(-1);
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            // a request within the deadline is answered, and its kept-alive connection is dropped after it too
            try (Socket ok = send(s.port(), "GET /api/home HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) {
                String reply = readUntil(ok, "\"watch\"");
                assertThat(reply).startsWith("HTTP/1.1 200");
                InputStream in = ok.getInputStream();
                int n;
                try {
                    while ((n = in.read()) >= 0) assertThat(n).isNotNegative();
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("a kept-alive connection was not dropped", e);
                }
            }
        }
    }

    @Test
    void connectionsAndStreamsBeyondTheLimitsAreRefusedNotQueued() throws Exception {
        fakeRun(tmp.resolve("runs/a"), "x", 2);
        var limits = new HttpCore.Limits(6, 2, 10_000, 16_384, 30_000, 1 << 20, 2);
        List<Socket> open = new ArrayList<>();
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("runs")), "127.0.0.1", 0, limits)) {
            try {
                for (int i = 0; i < 3; i++) {
                    String watch = JSON.readTree(get(s.port(), "/api/home").body())
                            .get("watch")
                            .asText();
                    Socket sock =
                            send(s.port(), "GET /api/events?watch=" + watch + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    open.add(sock);
                    String reply = readUntil(sock, "\r\n\r\n");
                    assertThat(reply).as("stream " + i).startsWith(i < 2 ? "HTTP/1.1 200" : "HTTP/1.1 503");
                }
                // two streams open; fill the rest of the six slots with silent connections
                for (int i = 0; i < 4; i++) open.add(send(s.port(), ""));
                // the server counts a connection once it has accepted it: wait until a seventh is turned away
                String refused = "";
                for (int tries = 0; tries < 100 && !refused.startsWith("HTTP/1.1 503"); tries++) {
                    try (Socket extra = send(s.port(), "GET /api/home HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) {
                        refused = readUntil(extra, "\r\n\r\n");
                    }
                    if (!refused.startsWith("HTTP/1.1 503")) Thread.sleep(50);
                }
                assertThat(refused).startsWith("HTTP/1.1 503");
            } finally {
                for (Socket sock : open) sock.close();
            }
            // closed connections free their slots
            String again = "";
            for (int tries = 0; tries < 100 && !again.startsWith("HTTP/1.1 200"); tries++) {
                again = get(s.port(), "/api/home").code() == 200 ? "HTTP/1.1 200" : "";
                if (again.isEmpty()) Thread.sleep(50);
            }
            assertThat(again).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aLoopbackAddressOtherThan127001ServesTheUrlItPrints() throws Exception {
        fakeRun(tmp.resolve("runs/a"), "x", 2);
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("runs")), "127.0.0.2", 0)) {
            assertThat(s.url()).startsWith("http://127.0.0.2:");
            java.net.HttpURLConnection c =
                    (java.net.HttpURLConnection) new java.net.URL(s.url() + "api/home").openConnection();
            assertThat(c.getResponseCode()).isEqualTo(200);
            assertThat(s.hostAllowed("127.0.0.2:" + s.port())).isTrue();
            assertThat(s.hostAllowed("localhost:" + s.port())).isTrue();
            assertThat(s.hostAllowed("evil.example:" + s.port())).isFalse();
            assertThat(s.hostAllowed("127.0.0.1.evil.example")).isFalse();
        }
    }

    @Test
    void theHomeIndexRebuildsOnlyWhatChanged() throws Exception {
        for (int i = 0; i < 30; i++) fakeRun(tmp.resolve("runs/r" + i), "r" + i, 2);
        for (int i = 0; i < 30; i++)
            Files.writeString(
                    tmp.resolve("runs/r" + i + "/summary.json"), "{\"status\": \"completed\", \"steps\": 1000}\n");
        HomeIndex index = new HomeIndex(new Catalog(List.of(tmp.resolve("runs"))));
        List<HomeIndex.Line> first = index.lines();
        assertThat(first).hasSize(30);
        assertThat(index.built()).isEqualTo(30);
        Thread.sleep(HomeIndex.CHECK_MILLIS + 50);
        // replaced as grokscope writes every run file: a new file renamed over the old (which is what changes the
        // directory)
        Files.writeString(tmp.resolve("runs/r3/.summary.tmp"), "{\"status\": \"failed\", \"steps\": 1000}\n");
        Files.move(
                tmp.resolve("runs/r3/.summary.tmp"),
                tmp.resolve("runs/r3/summary.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        List<HomeIndex.Line> second = index.lines();
        assertThat(index.built()).as("only the changed run is read again").isEqualTo(31);
        assertThat(second.get(0)).isSameAs(first.get(0));
        JsonNode changed = second.stream()
                .filter(l -> l.id().equals("0/r3"))
                .findFirst()
                .orElseThrow()
                .json();
        assertThat(changed.get("status").asText()).isEqualTo("failed");
    }

    /** Writes a request head one byte at a time (a client on a slow link): it is still answered. */
    @Test
    void aHeadThatArrivesInPiecesIsAnswered() throws Exception {
        fakeRun(tmp.resolve("runs/a"), "x", 2);
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("runs")), "127.0.0.1", 0);
                Socket sock = new Socket("127.0.0.1", s.port())) {
            sock.setSoTimeout(30_000);
            sock.setTcpNoDelay(true);
            OutputStream out = sock.getOutputStream();
            for (byte b : "GET /api/home HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
            }
            String reply = new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 200").contains("\"entries\"");
        }
    }

    /**
     * A finished sweep on read-only media: no {@code -shm} file, and none can be made. As an unprivileged user the
     * directory is made read-only; root writes anyway, so there the {@code -shm} path is a link into a directory that
     * does not exist, which SQLite cannot create either.
     */
    @Test
    void aFinishedSweepOnReadOnlyMediaIsServedAndReported() throws Exception {
        Path dir = tmp.resolve("media/sw");
        DashboardApiTest.sweep(tmp, dir, 20, "0.3, 0.6");
        Path wal = dir.resolve("sweep.db-wal"), shm = dir.resolve("sweep.db-shm");
        assertThat(!Files.exists(wal) || Files.size(wal) == 0)
                .as("a finished sweep leaves no commits in its -wal")
                .isTrue();
        Files.deleteIfExists(shm);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) Files.createSymbolicLink(shm, tmp.resolve("no-such-dir/sweep.db-shm"));
        else dir.toFile().setWritable(false, false);
        try {
            try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("media")), "127.0.0.1", 0)) {
                DashboardApiTest.Reply r = get(s.port(), "/api/sweep?id=0/sw");
                assertThat(r.code()).as(r.body()).isEqualTo(200);
                assertThat(JSON.readTree(r.body()).get("runs")).hasSize(2);
                assertThat(JSON.readTree(get(s.port(), "/api/home").body())
                                .get("entries")
                                .get(0)
                                .get("status")
                                .asText())
                        .isEqualTo("completed");
            }
            Path page = tmp.resolve("elsewhere.html");
            assertThat(org.grokscope.cli.Main.execute("report", dir.toString(), "--out", page.toString()))
                    .isZero();
            assertThat(page).isRegularFile();
        } finally {
            dir.toFile().setWritable(true, true);
        }
    }
}
