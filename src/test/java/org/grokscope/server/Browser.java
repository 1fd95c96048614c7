package org.grokscope.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.grokscope.report.ReportInBrowserTest;

/**
 * A real headless Chromium driven over the DevTools protocol (a WebSocket, the JDK's own client): navigate, evaluate
 * script in the page, wait for a condition, take a screenshot, and record JavaScript dialogs (an alert() from an
 * injected payload would show up there).
 */
final class Browser implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Path profile;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    final List<String> dialogs = new CopyOnWriteArrayList<>();
    final List<String> consoleErrors = new CopyOnWriteArrayList<>();

    private Browser(Process process, Path profile, WebSocket ws) {
        this.process = process;
        this.profile = profile;
        this.ws = ws;
    }

    static Browser launch(int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("grokscope-chromium");
        Process p = new ProcessBuilder(
                        ReportInBrowserTest.chromium(),
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-first-run",
                        "--disable-extensions",
                        "--remote-debugging-port=0",
                        "--user-data-dir=" + profile,
                        "--window-size=" + width + "," + height,
                        "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        // stderr is read on its own thread, which hands over the DevTools address and then keeps the pipe empty: a
        // browser that prints nothing can then not hold the launch past its deadline (a read on this thread would
        // block)
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = err.readLine()) != null; ) {
                    int at = line.indexOf("ws://");
                    if (!endpoint.isDone() && line.contains("DevTools listening on") && at >= 0)
                        endpoint.complete(line.substring(at).trim());
                }
            } catch (IOException e) {
                /* gone */
            }
            endpoint.complete(null); // ended without the line (a no-op once completed)
        });
        reader.setDaemon(true);
        reader.start();
        String browserWs;
        try {
            browserWs = endpoint.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            browserWs = null;
        }
        if (browserWs == null) {
            p.destroyForcibly();
            throw new IOException("chromium did not start its DevTools endpoint within 60 s");
        }
        URI u = URI.create(browserWs);
        HttpClient http = HttpClient.newHttpClient();
        String pageWs = null;
        for (int i = 0; i < 50 && pageWs == null; i++) {
            JsonNode list = JSON.readTree(http.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://" + u.getHost() + ":" + u.getPort() + "/json/list"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            for (JsonNode t : list)
                if (t.path("type").asText().equals("page")) {
                    pageWs = t.path("webSocketDebuggerUrl").asText();
                    break;
                }
            if (pageWs == null) Thread.sleep(100);
        }
        if (pageWs == null) {
            p.destroyForcibly();
            throw new IOException("chromium has no page target");
        }
        Browser[] self = new Browser[1];
        StringBuilder partial = new StringBuilder();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create(pageWs), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            String msg = partial.toString();
                            partial.setLength(0);
                            self[0].onMessage(msg);
                        }
                        w.request(1);
                        return null;
                    }
                })
                .get(30, TimeUnit.SECONDS);
        Browser b = new Browser(p, profile, ws);
        self[0] = b;
        b.call("Page.enable", null);
        b.call("Runtime.enable", null);
        return b;
    }

    private void onMessage(String msg) {
        try {
            JsonNode m = JSON.readTree(msg);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                if (f != null) f.complete(m);
                return;
            }
            String method = m.path("method").asText();
            if (method.equals("Page.javascriptDialogOpening")) {
                dialogs.add(m.path("params").path("message").asText());
                ObjectNode p = JSON.createObjectNode().put("accept", true);
                sendOnly("Page.handleJavaScriptDialog", p);
            } else if (method.equals("Runtime.exceptionThrown")) {
                consoleErrors.add(m.path("params").path("exceptionDetails").toString());
            } else if (method.equals("Runtime.consoleAPICalled")
                    && m.path("params").path("type").asText().equals("error")) {
                // an error the page caught and logged (the dashboard logs what its own handlers catch): still an error
                consoleErrors.add(m.path("params").path("args").toString());
            }
        } catch (IOException e) {
            // a message we cannot parse is not ours
        }
    }

    private void sendOnly(String method, ObjectNode params) {
        ObjectNode m = JSON.createObjectNode().put("id", ids.incrementAndGet()).put("method", method);
        if (params != null) m.set("params", params);
        synchronized (ws) { // one send at a time: a WebSocket refuses a send while another is in flight
            try {
                ws.sendText(m.toString(), true).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                consoleErrors.add("could not send " + method + ": " + e);
            }
        }
    }

    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode m = JSON.createObjectNode().put("id", id).put("method", method);
        if (params != null) m.set("params", params);
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        synchronized (ws) {
            ws.sendText(m.toString(), true).get(30, TimeUnit.SECONDS);
        }
        JsonNode r = f.get(60, TimeUnit.SECONDS);
        if (r.has("error")) throw new IOException(method + ": " + r.get("error"));
        return r.path("result");
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", JSON.createObjectNode().put("url", url));
    }

    /** The value of a JavaScript expression in the page (promises awaited). */
    JsonNode eval(String expression) throws Exception {
        JsonNode r = call(
                "Runtime.evaluate",
                JSON.createObjectNode()
                        .put("expression", expression)
                        .put("returnByValue", true)
                        .put("awaitPromise", true));
        if (r.has("exceptionDetails")) throw new IOException("script failed: " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /** Waits until the expression is truthy in the page; fails with {@code what} after the timeout. */
    void waitFor(String expression, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode v = eval("!!(" + expression + ")");
                if (v.asBoolean()) return;
            } catch (IOException e) {
                // the page is between documents
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                "timed out after " + timeout.toSeconds() + " s waiting for " + what + " (" + expression + ")");
    }

    static void until(BooleanSupplier ok, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    void screenshot(Path png) throws Exception {
        JsonNode r = call(
                "Page.captureScreenshot",
                JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true));
        Files.write(png, Base64.getDecoder().decode(r.path("data").asText()));
    }

    /** Sets the page's size (for a full-page screenshot, its scroll height). */
    void resize(int width, int height) throws Exception {
        call(
                "Emulation.setDeviceMetricsOverride",
                JSON.createObjectNode()
                        .put("width", width)
                        .put("height", height)
                        .put("deviceScaleFactor", 1)
                        .put("mobile", false));
    }

    @Override
    public void close() throws Exception {
        try {
            ws.abort();
        } finally {
            // Chromium's helpers (network service, renderers) outlive a killed parent for a moment and keep writing
            // into the profile: end them all first, then delete what is left, tolerating files that vanish meanwhile
            List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS))
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            for (ProcessHandle h : family) h.destroyForcibly();
            for (ProcessHandle h : family) {
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    // gone or stuck: the profile is deleted as far as it can be either way
                }
            }
            for (int attempt = 0; attempt < 3 && Files.exists(profile); attempt++) {
                try (var s = Files.walk(profile)) {
                    List<Path> all = new ArrayList<>();
                    s.forEach(all::add);
                    for (int i = all.size() - 1; i >= 0; i--) Files.deleteIfExists(all.get(i));
                } catch (IOException | java.io.UncheckedIOException e) {
                    // a file vanished during the walk, or a directory refilled: walk again; a temp profile left behind
                    // is harmless
                }
            }
        }
    }

    /** Screenshots of dashboard pages for the README and for looking at: {@code Browser URL PNG [URL PNG ...]}. */
    public static void main(String[] args) throws Exception {
        try (Browser b = launch(1400, 1000)) {
            for (int i = 0; i + 1 < args.length; i += 2) {
                b.navigate(args[i]);
                Thread.sleep(2500);
                try {
                    b.waitFor("!document.querySelector('#fit-pending')", Duration.ofSeconds(20), "the fitted estimate");
                } catch (AssertionError e) {
                    System.out.println("(still fitting after 20 s; taken as it is)");
                }
                int h = b.eval("document.documentElement.scrollHeight").asInt();
                b.resize(1400, Math.min(h, 4000));
                Thread.sleep(500);
                b.screenshot(Path.of(args[i + 1]));
                System.out.println(args[i + 1] + " (" + h + " px tall); script errors: " + b.consoleErrors
                        + "; dialogs: " + b.dialogs);
            }
        }
    }
}
