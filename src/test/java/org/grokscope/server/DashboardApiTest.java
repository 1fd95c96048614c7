package org.grokscope.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.grokscope.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's HTTP API and its guards, without a browser: snapshots, the event stream's deltas, refusals. */
class DashboardApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String HEADER =
            "step,lr,train_loss,train_acc,test_loss,test_acc,reg_loss,l2_norm,linf_norm,dist_from_init,zero_loss_share,zero_grad_share,softmax_one_share,ntk_rel\n";

    @TempDir
    Path tmp;

    record Reply(int code, String body, java.util.Map<String, List<String>> headers) {}

    static Reply get(int port, String path, String... headers) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        c.setConnectTimeout(30_000);
        c.setReadTimeout(30_000); // a server that stopped answering fails the test instead of hanging the suite
        for (int i = 0; i + 1 < headers.length; i += 2) c.setRequestProperty(headers[i], headers[i + 1]);
        int code = c.getResponseCode();
        InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
        if (in != null && "gzip".equals(c.getContentEncoding())) in = new java.util.zip.GZIPInputStream(in);
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        java.util.Map<String, List<String>> h = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        c.getHeaderFields().forEach((k, v) -> {
            if (k != null) h.put(k, v);
        });
        return new Reply(code, body, h);
    }

    /** A run directory as a running grokscope leaves it: config, progress.json from this (live) process, some rows. */
    static Path fakeRun(Path dir, String name, int rows) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("config.json"),
                "{\"name\": " + JSON.writeValueAsString(name) + ", \"training\": {\"steps\": 1000}}\n");
        Files.writeString(
                dir.resolve("progress.json"),
                "{\"status\": \"running\", \"pid\": " + ProcessHandle.current().pid() + ", \"host\": "
                        + JSON.writeValueAsString(org.grokscope.run.RunDirectory.HOST) + ", \"step\": "
                        + (rows - 1) * 10 + ", \"steps\": 1000, \"eta_s\": 12}\n");
        writeRows(dir, rows);
        return dir;
    }

    static void writeRows(Path dir, int rows) throws Exception {
        StringBuilder b = new StringBuilder(HEADER);
        for (int i = 0; i < rows; i++)
            b.append(i * 10)
                    .append(",0.001,")
                    .append(1.0 / (i + 1))
                    .append(",0.5,2.0,")
                    .append(i / 100.0)
                    .append(",0,10,1,0.5,0,0,0,")
                    .append(i % 2 == 0 ? "0.1" : "")
                    .append('\n');
        Path t = dir.resolve(".metrics.tmp");
        Files.writeString(t, b);
        Files.move(
                t,
                dir.resolve("metrics.csv"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void snapshotsListRunsAndTheEventStreamSendsOnlyNewRows() throws Exception {
        Path run = fakeRun(tmp.resolve("runs/a"), "first", 5);
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("runs")), "127.0.0.1", 0)) {
            JsonNode home = JSON.readTree(get(s.port(), "/api/home").body());
            assertThat(home.get("entries")).hasSize(1);
            JsonNode e = home.get("entries").get(0);
            assertThat(e.get("id").asText()).isEqualTo("0/a");
            assertThat(e.get("status").asText()).isEqualTo("running");
            assertThat(e.get("name").asText()).isEqualTo("first");
            assertThat(e.get("fraction").asDouble()).isEqualTo(0.04);

            JsonNode snap = JSON.readTree(get(s.port(), "/api/run?id=0/a").body());
            JsonNode m = snap.get("metrics");
            assertThat(m.get("rows").asInt()).isEqualTo(5);
            assertThat(m.get("data").get(0)).hasSize(5);
            int ntk =
                    List.of(JSON.convertValue(m.get("columns"), String[].class)).indexOf("ntk_rel");
            assertThat(m.get("data").get(ntk).get(1).isNull())
                    .as("an empty probe cell is null, not 0")
                    .isTrue();
            assertThat(snap.get("files").toString()).contains("metrics.csv").doesNotContain(".metrics.tmp");

            // the stream: rows 5.. once the file grows, then a status change
            BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + s.port() + "/api/events?watch="
                            + snap.get("watch").asText())
                    .openConnection();
            assertThat(c.getResponseCode()).isEqualTo(200);
            assertThat(c.getContentType()).startsWith("text/event-stream");
            Thread reader = new Thread(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                    String name = null;
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("event: ")) name = line.substring(7);
                        else if (line.startsWith("data: ")) events.add(new String[] {name, line.substring(6)});
                    }
                } catch (Exception ex) {
                    // closed at the end of the test
                }
            });
            reader.setDaemon(true);
            reader.start();
            writeRows(run, 8);
            String[] ev = events.poll(10, TimeUnit.SECONDS);
            assertThat(ev).as("an event within 10 s").isNotNull();
            assertThat(ev[0]).isEqualTo("rows");
            JsonNode d = JSON.readTree(ev[1]);
            assertThat(d.get("from").asInt()).isEqualTo(5);
            assertThat(d.get("data").get(0)).as("only the three new rows").hasSize(3);
            assertThat(d.get("data").get(0).get(0).asInt()).isEqualTo(50);
            Files.writeString(
                    run.resolve("summary.json"),
                    "{\"status\": \"completed\", \"steps\": 1000, \"final_test_acc\": 0.99, \"generalization_step\": 70}\n");
            ev = events.poll(10, TimeUnit.SECONDS);
            assertThat(ev).isNotNull();
            assertThat(ev[0]).isEqualTo("status");
            assertThat(JSON.readTree(ev[1]).get("status").get("status").asText())
                    .isEqualTo("completed");

            // a watch is used once; an unknown one is refused
            assertThat(get(s.port(), "/api/events?watch=" + snap.get("watch").asText())
                            .code())
                    .isEqualTo(404);
        }
    }

    @Test
    void aSweepPageBuiltBeforeTheStoreSaidWhatItIsIsRebuilt() throws Exception {
        Path dir = tmp.resolve("search");
        Files.createDirectories(dir);
        try (org.grokscope.sweep.SweepStore store = new org.grokscope.sweep.SweepStore(dir.resolve("sweep.db"))) {
            // the store exists, its definition not yet: the page cannot know it is a search
        }
        try (DashboardServer s = DashboardServer.start(List.of(dir), "127.0.0.1", 0)) {
            JsonNode snap = JSON.readTree(get(s.port(), "/api/sweep?id=0").body());
            assertThat(snap.get("kind").asText()).isEqualTo("sweep");
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + s.port() + "/api/events?watch="
                            + snap.get("watch").asText())
                    .openConnection();
            c.setReadTimeout(20_000);
            try (org.grokscope.sweep.SweepStore store = new org.grokscope.sweep.SweepStore(dir.resolve("sweep.db"))) {
                store.initSweep("{\"growth\":2,\"tolerance\":1.1,\"success_fraction\":0.5,\"seeds\":1}", dir, false);
            }
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null && !line.startsWith("event: ")) {
                    /* the stream's opening comment */
                }
                assertThat(line).isEqualTo("event: reset");
            }
            assertThat(JSON.readTree(get(s.port(), "/api/sweep?id=0").body())
                            .get("kind")
                            .asText())
                    .isEqualTo("search");
        }
    }

    /**
     * A search's confirmation run is shown once, as the seed it continues: the stopped row folds into it and
     * "continues" is no axis.
     */
    @Test
    void aContinuationFoldsIntoTheRunItContinues() throws Exception {
        Path dir = tmp.resolve("search");
        Files.createDirectories(dir);
        org.grokscope.config.RunConfig c = org.grokscope.config.ConfigLoader.load(
                new org.grokscope.config.ConfigLoader.Source(
                        "b.yaml", "name: b\ntask: {op: add, p: 11, train_count: 20}\n", false),
                List.of());
        java.util.LinkedHashMap<String, String> first =
                new java.util.LinkedHashMap<>(java.util.Map.of("task.train_count", "20", "seed", "0"));
        java.util.LinkedHashMap<String, String> second = new java.util.LinkedHashMap<>(first);
        second.put(org.grokscope.sweep.SweepConfig.Point.CONTINUES, "0000");
        try (org.grokscope.sweep.SweepStore store = new org.grokscope.sweep.SweepStore(dir.resolve("sweep.db"))) {
            store.initSweep("{\"growth\":2,\"tolerance\":1.1,\"success_fraction\":0.5,\"seeds\":1}", dir, false);
            store.ensureRuns(List.of(
                    new org.grokscope.sweep.SweepConfig.Point(0, first, c),
                    new org.grokscope.sweep.SweepConfig.Point(1, second, c)));
            store.finish(
                    "0000",
                    org.grokscope.sweep.SweepStore.Status.COMPLETED,
                    null,
                    "{\"status\":\"stopped_stalled\",\"reason\":\"predicted not to generalize\",\"steps\":300}",
                    List.of());
            store.finish(
                    "0001",
                    org.grokscope.sweep.SweepStore.Status.COMPLETED,
                    null,
                    "{\"status\":\"completed\",\"steps\":1000,\"final_test_acc\":0.97}",
                    List.of());
        }
        SweepView.Store st = SweepView.read(dir);
        com.fasterxml.jackson.databind.node.ArrayNode runs = SweepView.runs(dir, st);
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).get("id").asText()).isEqualTo("0001");
        assertThat(runs.get(0).get("continues").asText()).isEqualTo("0000");
        assertThat(runs.get(0).get("params").has(org.grokscope.sweep.SweepConfig.Point.CONTINUES))
                .isFalse();
        assertThat(runs.get(0).get("steps").asInt()).isEqualTo(1000);
        assertThat(SweepView.axes(st)).containsExactlyInAnyOrder("task.train_count", "seed");
    }

    /**
     * A run that ended before its budget says why on the sweep page: the store's "completed", the summary's outcome and
     * reason.
     */
    @Test
    void aSweepRunStoppedEarlySaysWhyItStopped() throws Exception {
        Files.writeString(tmp.resolve("base.yaml"), """
                name: base
                task: {op: add, p: 11, train_fraction: 0.6}
                model: {kind: mlp, embed_dim: 8, hidden: 32}
                optimizer: {lr: 1.0e-2, weight_decay: 1.0}
                training: {steps: 3000, eval_every: 10, stop_at_test_acc: 0.5, stop_patience: 1}
                """);
        Files.writeString(
                tmp.resolve("s.yaml"),
                "name: s\nbase: {config: base.yaml}\nseeds: [0]\naxes:\n  task.train_fraction: [0.9]\n");
        Path dir = tmp.resolve("early");
        assertThat(Main.execute("sweep", "--config", tmp.resolve("s.yaml").toString(), "--out", dir.toString()))
                .isZero();
        try (DashboardServer s = DashboardServer.start(List.of(dir), "127.0.0.1", 0)) {
            JsonNode run = JSON.readTree(get(s.port(), "/api/sweep?id=0").body())
                    .get("runs")
                    .get(0);
            assertThat(run.get("status").asText()).isEqualTo("completed");
            assertThat(run.get("outcome").asText()).isEqualTo("stopped_early");
            assertThat(run.get("reason").asText()).isEqualTo("test accuracy >= 0.5 for 1 evaluations");
        }
    }

    @Test
    void aRunWhoseWriterIsGoneReadsStoppedNotRunning() throws Exception {
        Path run = fakeRun(tmp.resolve("r"), "orphan", 3);
        Files.writeString(
                run.resolve("progress.json"),
                "{\"status\": \"running\", \"pid\": 999999999, \"host\": "
                        + JSON.writeValueAsString(org.grokscope.run.RunDirectory.HOST) + ", \"step\": 20}\n");
        try (DashboardServer s = DashboardServer.start(List.of(run), "127.0.0.1", 0)) {
            JsonNode e = JSON.readTree(get(s.port(), "/api/home").body())
                    .get("entries")
                    .get(0);
            assertThat(e.get("id").asText()).isEqualTo("0");
            assertThat(e.get("status").asText()).isEqualTo("stopped");
        }
    }

    @Test
    void aRealSweepIsServedWithItsRunsCurvesAndEstimate() throws Exception {
        Path dir = tmp.resolve("sw");
        sweep(tmp, dir, 40, "0.3, 0.5, 0.7");
        try (DashboardServer s = DashboardServer.start(List.of(tmp), "127.0.0.1", 0)) {
            JsonNode home = JSON.readTree(get(s.port(), "/api/home").body());
            assertThat(home.get("entries").toString())
                    .contains("\"id\":\"0/sw\"")
                    .contains("\"kind\":\"sweep\"")
                    .doesNotContain("0/sw/runs/");
            Reply r = get(s.port(), "/api/sweep?id=0/sw&metrics=test_acc,l2_norm", "Accept-Encoding", "gzip");
            assertThat(r.code()).isEqualTo(200);
            JsonNode sw = JSON.readTree(r.body());
            assertThat(sw.get("kind").asText()).isEqualTo("sweep");
            assertThat(sw.get("runs")).hasSize(3);
            assertThat(sw.get("runs").get(0).get("status").asText()).isEqualTo("completed");
            assertThat(sw.get("series").get("0000").get("columns").toString())
                    .isEqualTo("[\"step\",\"test_acc\",\"l2_norm\"]");
            assertThat(sw.get("series").get("0000").get("data").get(0)).hasSize(5);
            assertThat(sw.get("cds").get("size_axis").asText()).isEqualTo("task.train_fraction");
            // the fit is computed off the request path: a later request has it
            JsonNode cds = sw.get("cds");
            for (int i = 0; i < 300 && cds.path("fit_pending").asBoolean(); i++) {
                Thread.sleep(100);
                cds = JSON.readTree(get(s.port(), "/api/sweep?id=0/sw").body()).get("cds");
            }
            assertThat(cds.has("fit_pending")).isFalse();
            assertThat(cds.get("groups")).hasSize(1);
            assertThat(cds.get("groups").get(0).get("statement").asText()).isNotEmpty();
            // a sweep's run has its own page, which knows its sweep
            JsonNode run =
                    JSON.readTree(get(s.port(), "/api/run?id=0/sw/runs/0001").body());
            assertThat(run.get("sweep").asText()).isEqualTo("0/sw");
            assertThat(get(s.port(), "/files?id=0/sw/runs/0001/metrics.csv").body())
                    .startsWith("step,lr,");
        }
    }

    @Test
    void nothingOutsideTheServedDirectoriesCanBeRead() throws Exception {
        Path served = fakeRun(tmp.resolve("served/run"), "x", 2);
        Files.writeString(tmp.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(served.resolve("link-out"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(tmp.resolve("served/dir-out"), tmp);
        Files.writeString(served.resolve(".hidden"), "h");
        Catalog cat = new Catalog(List.of(tmp.resolve("served")));
        for (String id : List.of(
                "0/../secret.txt",
                "0/run/../../secret.txt",
                "0/./run",
                "0/run/link-out",
                "0/dir-out/secret.txt",
                "0/run/.hidden",
                "/etc/passwd",
                "1/run",
                "-0/run",
                "00/run",
                "0//run",
                "0/run\\..\\..\\secret.txt",
                "x")) assertThatThrownBy(() -> cat.resolve(id)).as(id).isInstanceOf(Catalog.Refused.class);
        assertThat(cat.resolve("0/run/config.json")).isRegularFile();
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("served")), "127.0.0.1", 0)) {
            for (String q : List.of(
                    "/files?id=0/../secret.txt",
                    "/files?id=0%2F..%2F..%2Fsecret.txt",
                    "/files?id=0/run/link-out",
                    "/files?id=0/dir-out/secret.txt",
                    "/files?id=%2Fetc%2Fpasswd",
                    "/api/run?id=0/..",
                    "/api/sweep?id=0/dir-out")) {
                Reply r = get(s.port(), q);
                assertThat(r.code()).as(q).isIn(403, 404);
                assertThat(r.body()).as(q).doesNotContain("secret");
            }
            // a raw request line with dots the client would otherwise normalize
            assertThat(raw(s.port(), "GET /../../secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 404")
                    .doesNotContain("secret");
            assertThat(get(s.port(), "/files?id=0/run/config.json").code()).isEqualTo(200);
            Reply page = get(s.port(), "/");
            assertThat(page.headers().get("Content-Security-Policy").get(0))
                    .contains("script-src 'self'")
                    .contains("default-src 'none'");
            assertThat(raw(s.port(), "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"))
                    .as("DNS rebinding: a foreign Host header")
                    .startsWith("HTTP/1.1 403");
            HttpURLConnection post =
                    (HttpURLConnection) new URL("http://127.0.0.1:" + s.port() + "/api/home").openConnection();
            post.setRequestMethod("POST");
            assertThat(post.getResponseCode()).isEqualTo(405);
            assertThat(get(s.port(), "/static/uPlot.iife.min.js").body())
                    .as("uPlot comes from the jar")
                    .contains("uPlot");
        }
    }

    @Test
    void anotherAddressNeedsTheAccessToken() throws Exception {
        fakeRun(tmp.resolve("run"), "x", 2);
        try (DashboardServer s = DashboardServer.start(List.of(tmp), "0.0.0.0", 0)) {
            assertThat(s.token()).hasSize(32);
            assertThat(s.url()).endsWith("/?token=" + s.token());
            assertThat(get(s.port(), "/").code()).isEqualTo(403);
            assertThat(get(s.port(), "/api/home").code()).isEqualTo(403);
            assertThat(get(s.port(), "/api/home?token=" + "0".repeat(32)).code())
                    .isEqualTo(403);
            Reply ok = get(s.port(), "/?token=" + s.token());
            assertThat(ok.code()).isEqualTo(200);
            String cookie = ok.headers().get("Set-Cookie").get(0);
            assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
            assertThat(get(s.port(), "/api/home", "Cookie", cookie.substring(0, cookie.indexOf(';')))
                            .code())
                    .as("the page's later requests carry the cookie")
                    .isEqualTo(200);
        }
        try (DashboardServer s = DashboardServer.start(List.of(tmp), "127.0.0.1", 0)) {
            assertThat(s.token()).as("loopback: no token").isNull();
            assertThat(get(s.port(), "/api/home").code()).isEqualTo(200);
        }
    }

    @Test
    void serveRefusesWhatItCannotServe() {
        assertThat(Main.execute("serve", tmp.resolve("missing").toString())).isEqualTo(2);
        assertThat(Main.execute("serve", "--port", "70000", tmp.toString())).isEqualTo(2);
    }

    /**
     * A finished sweep of tiny runs (p 11, MLP 8/16) into {@code dir}, one seed per training fraction; its configs in
     * {@code tmp}.
     */
    static void sweep(Path tmp, Path dir, int steps, String fractions) throws Exception {
        Files.writeString(tmp.resolve("base.yaml"), """
                name: base
                task: {op: add, p: 11, train_fraction: 0.5}
                model: {kind: mlp, embed_dim: 8, hidden: 16}
                training: {steps: %d, eval_every: 10}
                """.formatted(steps));
        Files.writeString(
                tmp.resolve("s.yaml"),
                "name: s\nbase: {config: base.yaml}\nseeds: [0]\naxes:\n  task.train_fraction: [" + fractions + "]\n");
        assertThat(Main.execute("sweep", "--config", tmp.resolve("s.yaml").toString(), "--out", dir.toString()))
                .isZero();
    }

    /** A request written byte for byte (no client normalizes its path or fills its Host header). */
    static String raw(int port, String request) throws Exception {
        try (Socket sock = new Socket("127.0.0.1", port)) {
            sock.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
