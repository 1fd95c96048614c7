package org.grokscope.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;
import org.grokscope.config.ConfigLoader;
import org.grokscope.run.RunDirectory;

/**
 * {@code grokscope serve}: the live dashboard over run, sweep and search directories, read-only, on the JDK's own HTTP
 * server (the API is a handful of GET routes and one Server-Sent Events stream per page; a thread per open stream is
 * plenty for the few pages one person opens).
 *
 * <p>Routes: {@code /} the page; {@code /static/*} its script, style and uPlot from the jar; {@code /api/home},
 * {@code /api/run?id=}, {@code /api/sweep?id=&metrics=} snapshots (each opens a watch); {@code /api/events?watch=}
 * the page's event stream; {@code /files?id=} a file under a served directory.
 *
 * <p>Safe by default: binds to 127.0.0.1; any other address needs {@code --host} and then every request must carry a
 * random token (the printed URL sets it as a cookie). On loopback the Host header must name loopback (a page from
 * elsewhere cannot reach the server by DNS rebinding). Every response has a Content-Security-Policy allowing only the
 * server's own script; the page writes every value as text; files are read only through {@link Catalog#resolve}.
 */
public final class DashboardServer implements AutoCloseable {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** A served file is shown sandboxed: a report's inline scripts run, in an origin that cannot call the API. */
    static final String FILE_CSP = "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
    static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";
    static final Map<String, String[]> STATIC = Map.of(
            "/static/app.js", new String[] {"/dashboard/app.js", "text/javascript; charset=utf-8"},
            "/static/app.css", new String[] {"/dashboard/app.css", "text/css; charset=utf-8"},
            "/static/uPlot.iife.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "/static/uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});
    /** How long a watch waits for its page to open the stream. */
    static final long UNCLAIMED_MILLIS = 120_000;

    private final Catalog catalog;
    private final HttpServer http;
    private final ExecutorService pool;
    private final String token;
    private final boolean loopback;
    private final Map<String, Pending> watches = new ConcurrentHashMap<>();
    private final java.util.Set<HttpExchange> streams = ConcurrentHashMap.newKeySet();
    private final CdsCache cdsCache = new CdsCache();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean closed;

    private record Pending(Watch watch, long created) {}

    private DashboardServer(Catalog catalog, String host, int port) throws IOException {
        this.catalog = catalog;
        InetAddress addr = InetAddress.getByName(host);
        this.loopback = addr.isLoopbackAddress();
        this.token = loopback ? null : newToken(random);
        this.http = HttpServer.create(new InetSocketAddress(addr, port), 64);
        this.pool = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "grokscope-serve");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        http.createContext("/", this::handle);
    }

    /** Starts serving {@code dirs} on {@code host:port} (port 0: any free port). */
    public static DashboardServer start(List<Path> dirs, String host, int port) throws IOException {
        DashboardServer s = new DashboardServer(new Catalog(dirs), host, port);
        s.http.start();
        return s;
    }

    static String newToken(SecureRandom r) {
        byte[] b = new byte[16];
        r.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public int port() { return http.getAddress().getPort(); }

    /** The access token every request must carry, or null on loopback. */
    public String token() { return token; }

    /** The URL to open (with the token, when one is needed). */
    public String url() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return "http://" + host + ":" + a.getPort() + "/" + (token == null ? "" : "?token=" + token);
    }

    @Override
    public void close() {
        closed = true;
        for (HttpExchange ex : streams) ex.close(); // open event streams end now, not at their next write
        pool.shutdownNow();
        cdsCache.close();
        http.stop(0);
    }

    // ---- routing ------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            var h = ex.getResponseHeaders();
            h.set("Content-Security-Policy", CSP);
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Referrer-Policy", "no-referrer");
            h.set("Cache-Control", "no-store");
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(ex, 405, "text/plain; charset=utf-8", "read-only: GET only\n");
                return;
            }
            if (!hostAllowed(ex)) {
                send(ex, 403, "text/plain; charset=utf-8", "unexpected Host header\n");
                return;
            }
            Map<String, String> q = query(ex.getRequestURI());
            if (!authorized(ex, q)) {
                send(ex, 403, "text/plain; charset=utf-8", "this dashboard needs its access token: open the URL grokscope printed\n");
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            try {
                switch (path) {
                    case "/", "/index.html" -> sendResource(ex, "/dashboard/index.html", "text/html; charset=utf-8");
                    case "/api/home" -> sendJson(ex, home());
                    case "/api/run" -> sendJson(ex, run(q.get("id")));
                    case "/api/sweep" -> sendJson(ex, sweep(q.get("id"), q.get("metrics")));
                    case "/api/events" -> events(ex, q.get("watch"));
                    case "/files" -> file(ex, q.get("id"));
                    default -> {
                        String[] res = STATIC.get(path);
                        if (res != null) sendResource(ex, res[0], res[1]);
                        else send(ex, 404, "text/plain; charset=utf-8", "not found\n");
                    }
                }
            } catch (Catalog.Refused e) {
                send(ex, e.getMessage().equals("not found") ? 404 : 403, "text/plain; charset=utf-8", "refused: " + e.getMessage() + "\n");
            } catch (SQLException e) {
                send(ex, 503, "text/plain; charset=utf-8", "the sweep store cannot be read now: " + e.getMessage() + "\n");
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private boolean hostAllowed(HttpExchange ex) {
        if (!loopback) return true; // the token guards it
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) return true;
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        return name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]");
    }

    private boolean authorized(HttpExchange ex, Map<String, String> q) {
        if (token == null) return true;
        String given = q.get("token");
        if (given != null && same(given, token)) {
            ex.getResponseHeaders().add("Set-Cookie", "grokscope_token=" + token + "; Path=/; HttpOnly; SameSite=Strict");
            return true;
        }
        for (String c : ex.getRequestHeaders().getOrDefault("Cookie", List.of()))
            for (String part : c.split(";")) {
                String p = part.trim();
                if (p.startsWith("grokscope_token=") && same(p.substring("grokscope_token=".length()), token)) return true;
            }
        return false;
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> m = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) return m;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            m.putIfAbsent(k, v);
        }
        return m;
    }

    // ---- snapshots ----------------------------------------------------------------------------------------------

    private String register(Watch w) {
        long now = System.currentTimeMillis();
        watches.values().removeIf(p -> now - p.created() > UNCLAIMED_MILLIS);
        String id = newToken(random);
        watches.put(id, new Pending(w, now));
        return id;
    }

    ObjectNode home() {
        ObjectNode o = ConfigLoader.JSON.createObjectNode();
        ArrayNode roots = o.putArray("roots");
        for (int i = 0; i < catalog.roots().size(); i++) roots.add(catalog.label(Integer.toString(i)));
        ArrayNode entries = o.putArray("entries");
        Map<String, String> shown = new LinkedHashMap<>();
        for (Catalog.Entry e : catalog.scan()) {
            ObjectNode line = Home.line(catalog, e);
            entries.add(line);
            shown.put(e.id(), line.toString());
        }
        o.put("watch", register(new Watch.HomeWatch(catalog, shown)));
        return o;
    }

    ObjectNode run(String id) throws Catalog.Refused, IOException {
        Path dir = catalog.resolve(id);
        if (Catalog.kindOf(dir) != Catalog.Kind.RUN) throw new Catalog.Refused("not found");
        long ms = Watch.stamp(dir.resolve(RunDirectory.METRICS)), ss = Watch.RunWatch.statusStamp(dir);
        MetricsTable t = MetricsTable.read(dir.resolve(RunDirectory.METRICS), null);
        ObjectNode o = RunView.snapshot(dir, t);
        o.put("id", id);
        o.put("label", catalog.label(id));
        int runs = id.lastIndexOf("/runs/");
        if (runs > 0 && Catalog.kindOf(catalog.resolve(id.substring(0, runs))) == Catalog.Kind.SWEEP) o.put("sweep", id.substring(0, runs));
        o.put("watch", register(new Watch.RunWatch(dir, t, ms, ss)));
        return o;
    }

    ObjectNode sweep(String id, String metricList) throws Catalog.Refused, IOException, SQLException {
        Path dir = catalog.resolve(id);
        if (Catalog.kindOf(dir) != Catalog.Kind.SWEEP) throw new Catalog.Refused("not found");
        List<String> metrics = new ArrayList<>();
        for (String m : (metricList == null || metricList.isBlank() ? "test_acc,train_acc" : metricList).split(","))
            if (!m.isBlank() && metrics.size() < 8) metrics.add(m.trim());
        long stamp = Watch.SweepWatch.storeStamp(dir);
        SweepView.Store st = SweepView.read(dir);
        ObjectNode o = ConfigLoader.JSON.createObjectNode();
        o.put("id", id);
        o.put("label", catalog.label(id));
        o.put("kind", st.search() ? "search" : "sweep");
        o.set("definition", st.definition());
        ArrayNode axes = o.putArray("axes");
        SweepView.axes(st).forEach(axes::add);
        ArrayNode runs = SweepView.runs(dir, st);
        o.set("runs", runs);
        ObjectNode cds = cdsCache.current(dir, stamp, () -> st);
        o.set("cds", cds);
        o.set("scaling", RunView.readJson(dir.resolve("scaling.json")));
        o.put("report", Files.exists(dir.resolve("report.html")));
        o.put("forecast", Files.exists(dir.resolve("forecast.html")));
        ArrayNode ms = o.putArray("metrics");
        metrics.forEach(ms::add);
        Map<String, Integer> sent = new HashMap<>();
        o.set("series", SweepView.series(dir, st, metrics, sent));
        o.put("watch", register(new Watch.SweepWatch(dir, cdsCache, metrics, sent, stamp, runs.toString(), cds.toString(),
                st.definition() == null ? null : st.definition().toString())));
        return o;
    }

    // ---- the event stream ---------------------------------------------------------------------------------------

    private void events(HttpExchange ex, String watchId) throws IOException {
        Pending p = watchId == null ? null : watches.remove(watchId);
        if (p == null) {
            send(ex, 404, "text/plain; charset=utf-8", "no such watch (fetch the page's data again)\n");
            return;
        }
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "text/event-stream; charset=utf-8");
        h.set("X-Accel-Buffering", "no");
        ex.sendResponseHeaders(200, 0);
        streams.add(ex);
        try {
            stream(ex, p.watch());
        } finally {
            streams.remove(ex);
        }
    }

    private void stream(HttpExchange ex, Watch watch) throws IOException {
        OutputStream out = ex.getResponseBody();
        long lastWrite = System.currentTimeMillis();
        out.write(": watching\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (!closed) {
            try {
                Thread.sleep(watch.periodMillis());
            } catch (InterruptedException e) {
                return;
            }
            List<Watch.Event> evs;
            try {
                evs = watch.poll();
            } catch (IOException e) {
                evs = List.of(); // a file mid-replacement: the next poll sees it whole
            }
            StringBuilder b = new StringBuilder();
            for (Watch.Event e : evs)
                b.append("event: ").append(e.name()).append("\ndata: ").append(compact(e.data())).append("\n\n");
            if (b.length() == 0 && System.currentTimeMillis() - lastWrite > 5_000) b.append(": ping\n\n"); // finds a closed page within 5 s
            if (b.length() > 0) {
                out.write(b.toString().getBytes(StandardCharsets.UTF_8)); // throws once the page is gone
                out.flush();
                lastWrite = System.currentTimeMillis();
            }
        }
    }

    static String compact(JsonNode n) throws IOException {
        return ConfigLoader.JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(n);
    }

    // ---- files --------------------------------------------------------------------------------------------------

    private void file(HttpExchange ex, String id) throws IOException, Catalog.Refused {
        Path f = catalog.resolve(id);
        if (!Files.isRegularFile(f)) throw new Catalog.Refused("not found");
        String name = f.getFileName().toString();
        String type = name.endsWith(".json") ? "application/json; charset=utf-8" : name.endsWith(".csv") || name.endsWith(".txt") || name.endsWith(".yaml")
                ? "text/plain; charset=utf-8" : name.endsWith(".html") ? "text/html; charset=utf-8" : name.endsWith(".png") ? "image/png" : "application/octet-stream";
        ex.getResponseHeaders().set("Content-Security-Policy", FILE_CSP);
        if (type.equals("application/octet-stream"))
            ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + name.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
        ex.getResponseHeaders().set("Content-Type", type);
        long size = Files.size(f);
        ex.sendResponseHeaders(200, ex.getRequestMethod().equals("HEAD") ? -1 : size == 0 ? -1 : size);
        if (!ex.getRequestMethod().equals("HEAD")) try (InputStream in = Files.newInputStream(f)) {
            in.transferTo(ex.getResponseBody());
        }
    }

    // ---- responses ----------------------------------------------------------------------------------------------

    private static void sendResource(HttpExchange ex, String resource, String type) throws IOException {
        try (InputStream in = DashboardServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                send(ex, 500, "text/plain; charset=utf-8", "missing from the jar: " + resource + "\n");
                return;
            }
            ex.getResponseHeaders().set("Cache-Control", "max-age=60");
            send(ex, 200, type, in.readAllBytes());
        }
    }

    private static void sendJson(HttpExchange ex, JsonNode n) throws IOException {
        send(ex, 200, "application/json; charset=utf-8", compact(n).getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        send(ex, code, type, body.getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        String ae = ex.getRequestHeaders().getFirst("Accept-Encoding");
        if (body.length > 16_384 && ae != null && ae.contains("gzip")) {
            ByteArrayOutputStream bo = new ByteArrayOutputStream(body.length / 4);
            try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
                gz.write(body);
            }
            body = bo.toByteArray();
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head || body.length == 0 ? -1 : body.length);
        if (!head) ex.getResponseBody().write(body);
    }
}
