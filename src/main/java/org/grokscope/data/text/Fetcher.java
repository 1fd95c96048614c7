package org.grokscope.data.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Downloads an archive into the data cache: bytes go to {@code NAME.part}, an interrupted download resumes from where
 * it stopped (HTTP Range), and only a file whose MD5 matches the published checksum is moved into place; a mismatch
 * deletes the partial file and fails, so a corrupt archive is never used. A file already in the cache stays until its
 * replacement verifies. Only http and https are fetched; redirects are followed by hand (at most
 * {@value #MAX_REDIRECTS}, a loop is named, a move to another host is announced), and a server that stops sending for
 * {@code grokscope.fetch.stall_seconds} (60) ends the download with a message.
 */
public final class Fetcher {
    public record Result(Path file, long bytes, String md5, boolean alreadyPresent, long resumedFrom) {}

    static final int MAX_REDIRECTS = 5;

    private Fetcher() {}

    public static Result fetch(URI url, Path target, String md5, long approxBytes, PrintStream progress, boolean tty)
            throws IOException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null)
            throw new DataException(
                    url
                            + ": only http:// and https:// URLs are fetched; for a file you have, use 'grokscope data import FILE'");
        Files.createDirectories(target.toAbsolutePath().getParent());
        if (Files.isRegularFile(target)) {
            String have = md5(target);
            if (have.equalsIgnoreCase(md5)) return new Result(target, Files.size(target), have, true, 0);
            if (progress != null)
                progress.println(target + " exists but its MD5 is " + have + ", not " + md5
                        + "; downloading the official one (the file stays until it verifies)");
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        HttpResponse<InputStream> resp = null;
        java.util.List<URI> seen = new java.util.ArrayList<>();
        URI at = url;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder req =
                    HttpRequest.newBuilder(at).timeout(Duration.ofMinutes(2)).GET();
            if (have > 0) req.header("Range", "bytes=" + have + "-");
            try {
                resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("download interrupted");
            } catch (java.net.ConnectException e) {
                throw new IOException(at + ": cannot connect ("
                        + (e.getMessage() != null ? e.getMessage() : "connection refused") + ")");
            } catch (java.net.http.HttpTimeoutException e) {
                throw new IOException(at + ": no answer within "
                        + (e instanceof java.net.http.HttpConnectTimeoutException
                                ? "30 s of connecting"
                                : "2 minutes"));
            }
            int c = resp.statusCode();
            if (c < 300 || c >= 400 || c == 304) break;
            resp.body().close();
            String loc = resp.headers().firstValue("Location").orElse(null);
            if (loc == null) throw new IOException(at + ": HTTP " + c + " redirect without a Location");
            URI next = at.resolve(loc);
            seen.add(at);
            if (seen.contains(next))
                throw new IOException(url + ": a redirect loop (" + seen.size() + " hops, back to " + next + ")");
            if (hop + 1 >= MAX_REDIRECTS)
                throw new IOException(url + ": more than " + MAX_REDIRECTS + " redirects (last to " + next + ")");
            String ns = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            if (!ns.equals("http") && !ns.equals("https"))
                throw new IOException(at + ": redirected to " + next + ", which is not http or https");
            if (progress != null && !java.util.Objects.equals(next.getHost(), at.getHost()))
                progress.println(
                        "note: " + at.getHost() + " redirects to another host, " + next.getHost() + " (" + next + ")");
            at = next;
        }
        int code = resp.statusCode();
        long resumedFrom = 0;
        boolean append;
        if (code == 206 && have > 0) {
            append = true;
            resumedFrom = have;
        } else if (code == 416 && have > 0) { // nothing left to fetch: the partial file is complete
            resp.body().close();
            append = true;
            resumedFrom = have;
            return finish(part, target, md5, have, resumedFrom);
        } else if (code == 200) {
            append = false;
            have = 0;
        } else {
            resp.body().close();
            throw new IOException(at + ": HTTP " + code + (code == 404 ? " (not found)" : "")
                    + (Files.isRegularFile(target) ? "; " + target + " is left as it was" : ""));
        }
        long total = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
        boolean knownLength = total >= 0;
        if (total >= 0) total += have;
        else total = approxBytes;
        long done = have, t0 = System.nanoTime(), lastShown = 0;
        long stall = Long.getLong("grokscope.fetch.stall_seconds", 60);
        java.util.concurrent.atomic.AtomicLong lastRead = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        java.util.concurrent.atomic.AtomicBoolean stalled = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledExecutorService watch =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "grokscope-fetch-watchdog");
                    t.setDaemon(true);
                    return t;
                });
        InputStream body = resp.body();
        // a read that waits longer than the stall limit: close the stream under it (the only way to end a blocked read)
        watch.scheduleAtFixedRate(
                () -> {
                    if (System.nanoTime() - lastRead.get() > stall * 1_000_000_000L
                            && stalled.compareAndSet(false, true)) {
                        try {
                            body.close();
                        } catch (IOException e) {
                            /* the reader sees the stream closed */
                        }
                    }
                },
                1,
                1,
                java.util.concurrent.TimeUnit.SECONDS);
        try (InputStream in = body;
                OutputStream out = Files.newOutputStream(
                        part,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                lastRead.set(System.nanoTime());
                out.write(buf, 0, n);
                done += n;
                long now = System.nanoTime();
                if (progress != null && now - lastShown > (tty ? 200_000_000L : 5_000_000_000L)) {
                    lastShown = now;
                    progress.print(bar(done, total, resumedFrom, (now - t0) / 1e9, tty));
                    progress.flush();
                }
            }
        } catch (IOException e) {
            String why = stalled.get()
                    ? "the server sent nothing for " + stall + " s"
                    : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new IOException(
                    url + ": download stopped at " + done + " bytes (" + why + "); run the command again to resume", e);
        } finally {
            watch.shutdownNow();
        }
        if (stalled.get())
            throw new IOException(url + ": download stopped at " + done + " bytes (the server sent nothing for " + stall
                    + " s); run the command again to resume");
        if (knownLength && done < total)
            throw new IOException(url + ": the connection closed at " + done + " of " + total
                    + " bytes; run the command again to resume");
        if (progress != null)
            progress.print(bar(done, total, resumedFrom, (System.nanoTime() - t0) / 1e9, tty) + (tty ? "\n" : ""));
        return finish(part, target, md5, done, resumedFrom);
    }

    private static Result finish(Path part, Path target, String md5, long bytes, long resumedFrom) throws IOException {
        String got = md5(part);
        if (!got.equalsIgnoreCase(md5)) {
            Files.deleteIfExists(part);
            throw new IOException(target.getFileName() + ": checksum mismatch: MD5 " + got + ", expected " + md5
                    + "; the download was deleted (run again to fetch it afresh, or check --url)");
        }
        org.grokscope.data.FileMoves.replace(part, target);
        return new Result(target, bytes, got, false, resumedFrom);
    }

    static String bar(long done, long total, long resumedFrom, double seconds, boolean tty) {
        double rate = (done - resumedFrom) / Math.max(seconds, 1e-3);
        String eta = total > 0 && rate > 0
                ? String.format(Locale.ROOT, ", ETA %ds", Math.max(0, Math.round((total - done) / rate)))
                : "";
        String line;
        if (total > 0) {
            int w = 30, filled = (int) Math.min(w, w * done / total);
            line = String.format(
                    Locale.ROOT,
                    "[%s%s] %5.1f%% %,.1f / %,.1f MB, %.1f MB/s%s",
                    "#".repeat(filled),
                    " ".repeat(w - filled),
                    100.0 * done / total,
                    done / 1e6,
                    total / 1e6,
                    rate / 1e6,
                    eta);
        } else {
            line = String.format(Locale.ROOT, "%,.1f MB, %.1f MB/s", done / 1e6, rate / 1e6);
        }
        return tty ? "\r" + line : line + "\n";
    }

    public static String md5(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a file the user already has into the cache (temp file, then rename). */
    public static void importFile(Path source, Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            org.grokscope.data.FileMoves.replace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
