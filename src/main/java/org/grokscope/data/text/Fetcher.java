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
 * Downloads an archive into the data cache: bytes go to {@code NAME.part}, an interrupted download
 * resumes from where it stopped (HTTP Range), and only a file whose MD5 matches the published checksum
 * is moved into place; a mismatch deletes the partial file and fails, so a corrupt archive is never used.
 */
public final class Fetcher {
    public record Result(Path file, long bytes, String md5, boolean alreadyPresent, long resumedFrom) {}

    private Fetcher() {}

    public static Result fetch(URI url, Path target, String md5, long approxBytes, PrintStream progress, boolean tty) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        if (Files.isRegularFile(target)) {
            String have = md5(target);
            if (have.equalsIgnoreCase(md5)) return new Result(target, Files.size(target), have, true, 0);
            if (progress != null) progress.println(target + " exists but its MD5 is " + have + ", not " + md5 + "; downloading again");
            Files.delete(target);
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(30)).build();
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(30)).GET();
        if (have > 0) req.header("Range", "bytes=" + have + "-");
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download interrupted");
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
            throw new IOException(url + ": HTTP " + code);
        }
        long total = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (total >= 0) total += have;
        else total = approxBytes;
        long done = have, t0 = System.nanoTime(), lastShown = 0;
        try (InputStream in = resp.body();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
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
            throw new IOException(url + ": download stopped at " + done + " bytes (" + e.getMessage() + "); run the command again to resume", e);
        }
        if (progress != null) progress.print(bar(done, total, resumedFrom, (System.nanoTime() - t0) / 1e9, tty) + (tty ? "\n" : ""));
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
        String eta = total > 0 && rate > 0 ? String.format(Locale.ROOT, ", ETA %ds", Math.max(0, Math.round((total - done) / rate))) : "";
        String line;
        if (total > 0) {
            int w = 30, filled = (int) Math.min(w, w * done / total);
            line = String.format(Locale.ROOT, "[%s%s] %5.1f%% %,.1f / %,.1f MB, %.1f MB/s%s", "#".repeat(filled), " ".repeat(w - filled),
                    100.0 * done / total, done / 1e6, total / 1e6, rate / 1e6, eta);
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
