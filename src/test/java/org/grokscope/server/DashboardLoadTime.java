package org.grokscope.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark, not a test: how long the sweep page of a large sweep takes, in a real headless Chromium. Serves DIR
 * (e.g. the synthetic 100 x 10,000 sweep of tools/bench/big-sweep.py), then {@code rounds} times: the snapshot's size
 * and time over HTTP, the page from navigation to both charts drawn and the run table filled, and one full redraw of
 * the charts (what a smoothing change costs). With STREAMS, that many other clients first open the sweep page's event
 * stream each (a snapshot, then /api/events held open and read), and /api/home's time is measured while they stay.
 * Prints one JSON object.
 *
 * <p>usage: DashboardLoadTime DIR SWEEP_ID [ROUNDS [STREAMS]], e.g. DashboardLoadTime /tmp/big 0/big 3 50
 */
public final class DashboardLoadTime {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String id = args[1];
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int streams = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        List<Double> api = new ArrayList<>(),
                page = new ArrayList<>(),
                redraw = new ArrayList<>(),
                home = new ArrayList<>();
        List<java.io.InputStream> held = new ArrayList<>();
        java.util.concurrent.atomic.AtomicLong streamed = new java.util.concurrent.atomic.AtomicLong();
        long bytes = 0, gzBytes = 0;
        int points = 0;
        try (DashboardServer s = DashboardServer.start(List.of(dir), "127.0.0.1", 0);
                Browser b = Browser.launch(1400, 1000)) {
            HttpClient http = HttpClient.newHttpClient();
            long ts = System.nanoTime();
            for (int c = 0; c < streams; c++) { // other open pages of the same sweep, each holding its event stream
                String body = http.send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + s.port() + "/api/sweep?id=" + id))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                String watch = org.grokscope.config.Json.MAPPER
                        .readTree(body)
                        .path("watch")
                        .asText();
                java.io.InputStream in = http.send(
                                HttpRequest.newBuilder(URI.create(
                                                "http://127.0.0.1:" + s.port() + "/api/events?watch=" + watch))
                                        .build(),
                                HttpResponse.BodyHandlers.ofInputStream())
                        .body();
                held.add(in);
                Thread t = new Thread(() -> {
                    byte[] buf = new byte[8192];
                    try {
                        for (int n; (n = in.read(buf)) > 0; ) streamed.addAndGet(n);
                    } catch (java.io.IOException e) {
                        /* closed at the end */
                    }
                });
                t.setDaemon(true);
                t.start();
            }
            double streamsOpenMs = (System.nanoTime() - ts) / 1e6;
            if (streams > 0) System.err.printf(Locale.ROOT, "%d streams open after %.0f ms%n", streams, streamsOpenMs);
            for (int r = 0; r < rounds; r++) {
                long th = System.nanoTime();
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/home"))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                home.add((System.nanoTime() - th) / 1e6);
                long t0 = System.nanoTime();
                HttpResponse<byte[]> plain = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/sweep?id=" + id))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                api.add((System.nanoTime() - t0) / 1e6);
                bytes = plain.body().length;
                HttpResponse<byte[]> gz = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/sweep?id=" + id))
                                .header("Accept-Encoding", "gzip")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                gzBytes = gz.body().length;
                b.navigate("about:blank");
                Thread.sleep(300);
                long t1 = System.nanoTime();
                b.navigate(s.url() + "#/sweep/" + id);
                try {
                    b.waitFor(
                            "+((document.querySelector('[data-chart=sweep-1]') || {dataset: {}}).dataset.points || 0) > 0"
                                    + " && document.querySelectorAll('#runs tbody tr').length > 0",
                            Duration.ofSeconds(120),
                            "the sweep page");
                } catch (AssertionError e) {
                    System.err.println(b.eval(
                                    "location.href + ' | ' + document.querySelector('main').textContent.slice(0, 300) + ' | ' + [...document.querySelectorAll('[data-chart]')].map(e => e.dataset.chart + ':' + e.dataset.points).join(' ')")
                            .asText());
                    throw e;
                }
                page.add((System.nanoTime() - t1) / 1e6);
                points = b.eval("+document.querySelector('[data-chart=sweep-0]').dataset.points")
                        .asInt();
                redraw.add(b.eval(
                                "(() => { const t = performance.now(); charts.forEach((c) => c.render()); return performance.now() - t; })()")
                        .asDouble());
            }
        }
        for (java.io.InputStream in : held) in.close();
        System.out.printf(
                Locale.ROOT,
                "{\"dir\": \"%s\", \"points_in_main_chart\": %d, \"snapshot_bytes\": %d, \"snapshot_gzip_bytes\": %d,%n"
                        + " \"snapshot_ms\": %s, \"page_load_ms\": %s, \"redraw_ms\": %s, \"streams_held\": %d, \"home_ms_with_streams\": %s, \"bytes_streamed\": %d}%n",
                dir,
                points,
                bytes,
                gzBytes,
                api,
                page,
                redraw,
                streams,
                home,
                streamed.get());
    }
}
