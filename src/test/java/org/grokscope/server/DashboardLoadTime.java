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
 * the charts (what a smoothing change costs). Prints one JSON object.
 *
 * <p>usage: DashboardLoadTime DIR SWEEP_ID [ROUNDS], e.g. DashboardLoadTime /tmp/big 0/big 3
 */
public final class DashboardLoadTime {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String id = args[1];
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<Double> api = new ArrayList<>(), page = new ArrayList<>(), redraw = new ArrayList<>();
        long bytes = 0, gzBytes = 0;
        int points = 0;
        try (DashboardServer s = DashboardServer.start(List.of(dir), "127.0.0.1", 0); Browser b = Browser.launch(1400, 1000)) {
            HttpClient http = HttpClient.newHttpClient();
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> plain = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/sweep?id=" + id)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                api.add((System.nanoTime() - t0) / 1e6);
                bytes = plain.body().length;
                HttpResponse<byte[]> gz = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/sweep?id=" + id))
                        .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
                gzBytes = gz.body().length;
                b.navigate("about:blank");
                Thread.sleep(300);
                long t1 = System.nanoTime();
                b.navigate(s.url() + "#/sweep/" + id);
                try {
                    b.waitFor("+((document.querySelector('[data-chart=sweep-1]') || {dataset: {}}).dataset.points || 0) > 0"
                            + " && document.querySelectorAll('#runs tbody tr').length > 0", Duration.ofSeconds(120), "the sweep page");
                } catch (AssertionError e) {
                    System.err.println(b.eval("location.href + ' | ' + document.querySelector('main').textContent.slice(0, 300) + ' | ' + [...document.querySelectorAll('[data-chart]')].map(e => e.dataset.chart + ':' + e.dataset.points).join(' ')").asText());
                    throw e;
                }
                page.add((System.nanoTime() - t1) / 1e6);
                points = b.eval("+document.querySelector('[data-chart=sweep-0]').dataset.points").asInt();
                redraw.add(b.eval("(() => { const t = performance.now(); charts.forEach((c) => c.render()); return performance.now() - t; })()").asDouble());
            }
        }
        System.out.printf(Locale.ROOT, "{\"dir\": \"%s\", \"points_in_main_chart\": %d, \"snapshot_bytes\": %d, \"snapshot_gzip_bytes\": %d,%n"
                        + " \"snapshot_ms\": %s, \"page_load_ms\": %s, \"redraw_ms\": %s}%n",
                dir, points, bytes, gzBytes, api, page, redraw);
    }
}
