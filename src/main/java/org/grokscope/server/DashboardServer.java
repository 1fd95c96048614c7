package org.grokscope.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import java.util.zip.GZIPOutputStream;
import org.grokscope.config.Json;
import org.grokscope.run.RunDirectory;

/**
 * {@code grokscope serve}: the live dashboard over run, sweep and search directories, read-only, on {@link HttpCore} (a
 * selector thread and a few workers: an open page's event stream costs no thread, a slow client no more than a
 * connection slot until its deadline).
 *
 * <p>Routes: {@code /} the page; {@code /static/*} its script, style and uPlot from the jar; {@code /api/home},
 * {@code /api/run?id=}, {@code /api/sweep?id=&metrics=} snapshots (each opens a watch); {@code /api/events?watch=} the
 * page's event stream; {@code /files?id=} a file under a served directory.
 *
 * <p>Safe by default: binds to 127.0.0.1; any other address needs {@code --host} and then every request must carry a
 * random token (the printed URL sets it as a cookie). On loopback the Host header must name loopback (a page from
 * elsewhere cannot reach the server by DNS rebinding). Every response has a Content-Security-Policy allowing only the
 * server's own script; the page writes every value as text; files are read only through {@link Catalog#resolve} and,
 * inside a run or sweep, {@link Catalog#inside}.
 */
public final class DashboardServer implements AutoCloseable {
    static final String CSP =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                    + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** A served file is shown sandboxed: a report's inline scripts run, in an origin that cannot call the API. */
    static final String FILE_CSP =
            "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

    static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";
    static final Map<String, String[]> STATIC = Map.of(
            "/static/app.js", new String[] {"/dashboard/app.js", "text/javascript; charset=utf-8"},
            "/static/app.css", new String[] {"/dashboard/app.css", "text/css; charset=utf-8"},
            "/static/uPlot.iife.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "/static/uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});
    /** How long a watch waits for its page to open the stream. */
    static final long UNCLAIMED_MILLIS = 120_000;
    /** Watches waiting for their page at most (each snapshot makes one; the oldest go first). */
    static final int PENDING_WATCHES = 1_000;
    /** An idle event stream sends a comment this often, so a proxy keeps it open and a vanished client is found. */
    static final long PING_MILLIS = 15_000;

    private final Catalog catalog;
    private final HomeIndex homeIndex;
    private final HttpCore http;
    private final String token;
    private final boolean loopback;
    private final String boundHost;
    private final Map<String, Pending> watches = new ConcurrentHashMap<>();
    private final CdsCache cdsCache = new CdsCache();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean closed;

    private record Pending(Watch watch, long created) {}

    private DashboardServer(Catalog catalog, String host, int port, HttpCore.Limits limits) throws IOException {
        this.catalog = catalog;
        this.homeIndex = new HomeIndex(catalog);
        InetAddress addr = InetAddress.getByName(host);
        this.loopback = addr.isLoopbackAddress();
        this.boundHost = addr.isAnyLocalAddress() ? null : literal(addr);
        this.token = loopback ? null : newToken(random);
        this.http = new HttpCore(new InetSocketAddress(addr, port), limits, this::handle);
    }

    /** Starts serving {@code dirs} on {@code host:port} (port 0: any free port). */
    public static DashboardServer start(List<Path> dirs, String host, int port) throws IOException {
        return start(dirs, host, port, HttpCore.Limits.DEFAULT);
    }

    static DashboardServer start(List<Path> dirs, String host, int port, HttpCore.Limits limits) throws IOException {
        return new DashboardServer(new Catalog(dirs), host, port, limits);
    }

    static String newToken(SecureRandom r) {
        byte[] b = new byte[16];
        r.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String literal(InetAddress a) {
        String h = a.getHostAddress();
        int zone = h.indexOf('%');
        if (zone >= 0) h = h.substring(0, zone);
        return h.contains(":") ? "[" + h + "]" : h;
    }

    public int port() {
        return http.address().getPort();
    }

    /** The access token every request must carry, or null on loopback. */
    public String token() {
        return token;
    }

    /** The URL to open (with the token, when one is needed). */
    public String url() {
        String host = boundHost == null ? "127.0.0.1" : boundHost;
        return "http://" + host + ":" + port() + "/" + (token == null ? "" : "?token=" + token);
    }

    @Override
    public void close() {
        closed = true;
        http.close(); // open event streams end now, not at their next write
        cdsCache.close();
    }

    // ---- routing ------------------------------------------------------------------------------------------------

    private HttpCore.Reply handle(HttpCore.Request r) throws IOException {
        HttpCore.Reply reply = route(r);
        if (!reply.headers.containsKey("Content-Security-Policy")) reply.header("Content-Security-Policy", CSP);
        reply.header("X-Content-Type-Options", "nosniff");
        reply.header("Referrer-Policy", "no-referrer");
        if (!reply.headers.containsKey("Cache-Control")) reply.header("Cache-Control", "no-store");
        return reply;
    }

    private HttpCore.Reply route(HttpCore.Request r) throws IOException {
        if (!r.method().equals("GET") && !r.method().equals("HEAD"))
            return HttpCore.Reply.text(405, "read-only: GET only\n").header("Allow", "GET, HEAD");
        if (!hostAllowed(r.header("host"))) return HttpCore.Reply.text(403, "unexpected Host header\n");
        Map<String, String> q = query(r.rawQuery());
        String cookie = null;
        if (token != null) {
            String given = q.get("token");
            if (given != null && same(given, token))
                cookie = "grokscope_token=" + token + "; Path=/; HttpOnly; SameSite=Strict";
            else if (!hasTokenCookie(r))
                return HttpCore.Reply.text(
                        403, "this dashboard needs its access token: open the URL grokscope printed\n");
        }
        HttpCore.Reply reply;
        try {
            reply = switch (r.rawPath()) {
                case "/", "/index.html" -> resource("/dashboard/index.html", "text/html; charset=utf-8");
                case "/api/home" -> json(r, home());
                case "/api/run" -> json(r, run(q.get("id")));
                case "/api/sweep" -> json(r, sweep(q.get("id"), q.get("metrics")));
                case "/api/events" -> events(q.get("watch"));
                case "/files" -> file(q.get("id"));
                default -> {
                    String[] res = STATIC.get(r.rawPath());
                    yield res != null ? resource(res[0], res[1]) : HttpCore.Reply.text(404, "not found\n");
                }
            };
        } catch (Catalog.Refused e) {
            reply = HttpCore.Reply.text(
                    e.getMessage().equals("not found") ? 404 : 403, "refused: " + e.getMessage() + "\n");
        } catch (SQLException e) {
            reply = HttpCore.Reply.text(503, "the sweep store cannot be read now: " + e.getMessage() + "\n");
        }
        if (cookie != null) reply.add("Set-Cookie", cookie);
        return reply;
    }

    /**
     * On loopback the Host header must name loopback: a name that resolves elsewhere (DNS rebinding) is refused. The
     * address the server was bound to is accepted as written, as is any other loopback literal.
     */
    boolean hostAllowed(String host) {
        if (!loopback || host == null) return true; // elsewhere the token guards it
        String name = host.startsWith("[")
                ? host.substring(0, Math.max(1, host.indexOf(']') + 1))
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        name = name.toLowerCase(java.util.Locale.ROOT);
        if (name.equals("localhost") || name.equals("[::1]") || name.equals(boundHost)) return true;
        return name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private boolean hasTokenCookie(HttpCore.Request r) {
        for (String c : r.all("cookie"))
            for (String part : c.split(";")) {
                String p = part.trim();
                if (p.startsWith("grokscope_token=") && same(p.substring("grokscope_token=".length()), token))
                    return true;
            }
        return false;
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null) return m;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                m.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                // a malformed escape names nothing
            }
        }
        return m;
    }

    // ---- snapshots ----------------------------------------------------------------------------------------------

    private String register(Watch w) {
        long now = System.currentTimeMillis();
        watches.values().removeIf(p -> now - p.created() > UNCLAIMED_MILLIS);
        while (watches.size() >= PENDING_WATCHES) {
            String oldest = null;
            long at = Long.MAX_VALUE;
            for (var e : watches.entrySet())
                if (e.getValue().created() < at) {
                    at = e.getValue().created();
                    oldest = e.getKey();
                }
            if (oldest == null || watches.remove(oldest) == null) break;
        }
        String id = newToken(random);
        watches.put(id, new Pending(w, now));
        return id;
    }

    ObjectNode home() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode roots = o.putArray("roots");
        for (int i = 0; i < catalog.roots().size(); i++) roots.add(catalog.label(Integer.toString(i)));
        ArrayNode entries = o.putArray("entries");
        Map<String, String> shown = new LinkedHashMap<>();
        for (HomeIndex.Line line : homeIndex.lines()) {
            entries.add(line.json());
            shown.put(line.id(), line.text());
        }
        o.put("watch", register(new Watch.HomeWatch(homeIndex, shown)));
        return o;
    }

    ObjectNode run(String id) throws Catalog.Refused, IOException {
        Path dir = catalog.resolve(id);
        if (Catalog.kindOf(dir) != Catalog.Kind.RUN) throw new Catalog.Refused("not found");
        long ms = Watch.stamp(dir.resolve(RunDirectory.METRICS)), ss = Watch.RunWatch.statusStamp(dir);
        MetricsTable t = MetricsTable.read(dir, RunDirectory.METRICS, null);
        ObjectNode o = RunView.snapshot(dir, t);
        o.put("id", id);
        o.put("label", catalog.label(id));
        int runs = id.lastIndexOf("/runs/");
        if (runs > 0 && Catalog.kindOf(catalog.resolve(id.substring(0, runs))) == Catalog.Kind.SWEEP)
            o.put("sweep", id.substring(0, runs));
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
        ObjectNode o = Json.MAPPER.createObjectNode();
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
        o.set("scaling", RunView.readJson(dir, "scaling.json"));
        o.put("report", Files.exists(dir.resolve("report.html")));
        o.put("forecast", Files.exists(dir.resolve("forecast.html")));
        ArrayNode ms = o.putArray("metrics");
        metrics.forEach(ms::add);
        Map<String, Integer> sent = new HashMap<>();
        o.set("series", SweepView.series(dir, st, metrics, sent));
        o.put(
                "watch",
                register(new Watch.SweepWatch(
                        dir,
                        cdsCache,
                        metrics,
                        sent,
                        stamp,
                        runs.toString(),
                        cds.toString(),
                        st.definition() == null ? null : st.definition().toString())));
        return o;
    }

    // ---- the event stream ---------------------------------------------------------------------------------------

    private HttpCore.Reply events(String watchId) {
        Pending p = watchId == null ? null : watches.remove(watchId);
        if (p == null) return HttpCore.Reply.text(404, "no such watch (fetch the page's data again)\n");
        Watch watch = p.watch();
        HttpCore.Stream s = new HttpCore.Stream() {
            long lastWrite = System.currentTimeMillis();

            @Override
            public long periodMillis() {
                return watch.periodMillis();
            }

            @Override
            public byte[] next() throws IOException {
                if (closed) throw new IOException("the server is closing");
                List<Watch.Event> evs;
                try {
                    evs = watch.poll();
                } catch (IOException e) {
                    evs = List.of(); // a file mid-replacement: the next poll sees it whole
                }
                StringBuilder b = new StringBuilder();
                for (Watch.Event e : evs)
                    b.append("event: ")
                            .append(e.name())
                            .append("\ndata: ")
                            .append(compact(e.data()))
                            .append("\n\n");
                if (b.length() == 0 && System.currentTimeMillis() - lastWrite > PING_MILLIS) b.append(": ping\n\n");
                if (b.length() == 0) return null;
                lastWrite = System.currentTimeMillis();
                return b.toString().getBytes(StandardCharsets.UTF_8);
            }
        };
        return HttpCore.Reply.stream(
                        "text/event-stream; charset=utf-8", ": watching\n\n".getBytes(StandardCharsets.UTF_8), s)
                .header("X-Accel-Buffering", "no");
    }

    static String compact(JsonNode n) throws IOException {
        return Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(n);
    }

    // ---- files --------------------------------------------------------------------------------------------------

    private HttpCore.Reply file(String id) throws IOException, Catalog.Refused {
        Path f = catalog.resolve(id);
        if (!Files.isRegularFile(f)) throw new Catalog.Refused("not found");
        String name = f.getFileName().toString();
        String type = name.endsWith(".json")
                ? "application/json; charset=utf-8"
                : name.endsWith(".csv") || name.endsWith(".txt") || name.endsWith(".yaml")
                        ? "text/plain; charset=utf-8"
                        : name.endsWith(".html")
                                ? "text/html; charset=utf-8"
                                : name.endsWith(".png") ? "image/png" : "application/octet-stream";
        FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
        HttpCore.Reply reply = HttpCore.Reply.file(type, ch, ch.size()).header("Content-Security-Policy", FILE_CSP);
        if (type.equals("application/octet-stream"))
            reply.header(
                    "Content-Disposition", "attachment; filename=\"" + name.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
        return reply;
    }

    // ---- replies ------------------------------------------------------------------------------------------------

    private static HttpCore.Reply resource(String resource, String type) throws IOException {
        try (InputStream in = DashboardServer.class.getResourceAsStream(resource)) {
            if (in == null) return HttpCore.Reply.text(500, "missing from the jar: " + resource + "\n");
            return HttpCore.Reply.bytes(200, type, in.readAllBytes()).header("Cache-Control", "max-age=60");
        }
    }

    /** JSON, gzipped when it is large and the client takes it. */
    private static HttpCore.Reply json(HttpCore.Request r, JsonNode n) throws IOException {
        byte[] body = compact(n).getBytes(StandardCharsets.UTF_8);
        String ae = r.header("accept-encoding");
        if (body.length > 16_384 && ae != null && ae.contains("gzip")) {
            ByteArrayOutputStream bo = new ByteArrayOutputStream(body.length / 4);
            try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
                gz.write(body);
            }
            return HttpCore.Reply.bytes(200, "application/json; charset=utf-8", bo.toByteArray())
                    .header("Content-Encoding", "gzip")
                    .header("Vary", "Accept-Encoding");
        }
        return HttpCore.Reply.bytes(200, "application/json; charset=utf-8", body);
    }
}
