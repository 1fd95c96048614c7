package org.grokscope.data.text;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A streaming reader for (gzip-decompressed) tar archives: ustar and GNU headers, GNU long names ('L') and pax path
 * records ('x'). Each regular file is handed to the visitor as a stream bounded to the entry; nothing is buffered
 * beyond one 512-byte block. Header checksums are verified, so a damaged archive is refused rather than misread.
 */
public final class Tar {
    public interface Visitor {
        void file(String name, long size, InputStream content) throws IOException;
    }

    private Tar() {}

    public static void read(InputStream in, String label, Visitor v) throws IOException {
        byte[] h = new byte[512];
        String longName = null;
        long offset = 0;
        while (true) {
            if (!readBlock(in, h))
                throw new DataException(
                        label + ": truncated tar archive (no end-of-archive marker after byte " + offset + ")");
            offset += 512;
            if (allZero(h)) return;
            long stored = octal(h, 148, 8, label, offset);
            long sum = 0;
            for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
            if (sum != stored)
                throw new DataException(
                        label + ": corrupt tar archive (header checksum mismatch at byte " + (offset - 512) + ")");
            String name = string(h, 0, 100);
            String prefix = (h[257] == 'u' && h[258] == 's') ? string(h, 345, 155) : "";
            if (!prefix.isEmpty()) name = prefix + "/" + name;
            long size = octal(h, 124, 12, label, offset);
            char type = (char) h[156];
            long padded = (size + 511) / 512 * 512;
            if (type == 'L' || type == 'x') {
                byte[] data = in.readNBytes((int) size);
                if (data.length < size)
                    throw new DataException(label + ": truncated tar archive (inside a header record)");
                skip(in, padded - size, label);
                String text = new String(data, StandardCharsets.UTF_8);
                if (type == 'L') longName = text.replace("\0", "");
                else longName = paxPath(text, longName);
            } else {
                if (longName != null) {
                    name = longName;
                    longName = null;
                }
                if (type == '0' || type == 0) {
                    Bounded b = new Bounded(in, size);
                    v.file(name, size, b);
                    skip(in, b.remaining, label);
                    skip(in, padded - size, label);
                } else {
                    skip(in, padded, label);
                }
            }
            offset += padded;
        }
    }

    private static String paxPath(String records, String fallback) {
        for (String rec : records.split("\n")) {
            int sp = rec.indexOf(' '), eq = rec.indexOf('=');
            if (sp > 0 && eq > sp && rec.substring(sp + 1, eq).equals("path")) return rec.substring(eq + 1);
        }
        return fallback;
    }

    private static boolean readBlock(InputStream in, byte[] b) throws IOException {
        int n = in.readNBytes(b, 0, 512);
        if (n == 0) return false;
        if (n < 512) throw new EOFException("tar block cut short");
        return true;
    }

    private static void skip(InputStream in, long n, String label) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) throw new DataException(label + ": truncated tar archive");
                s = 1;
            }
            n -= s;
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static String string(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len, String label, long offset) {
        if ((b[off] & 0x80) != 0) { // GNU base-256 for large sizes
            long v = b[off] & 0x7f;
            for (int i = 1; i < len; i++) v = (v << 8) | (b[off + i] & 0xff);
            return v;
        }
        long v = 0;
        boolean any = false;
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == 0 || (c == ' ' && any)) break;
            if (c == ' ') continue;
            if (c < '0' || c > '7')
                throw new DataException(
                        label + ": corrupt tar archive (bad number in the header at byte " + (offset - 512) + ")");
            v = v * 8 + (c - '0');
            any = true;
        }
        return v;
    }

    /** The content of one entry; closing it does not close the archive. */
    private static final class Bounded extends FilterInputStream {
        long remaining;

        Bounded(InputStream in, long size) {
            super(in);
            remaining = size;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int c = super.read();
            if (c < 0) throw new EOFException("archive ends inside an entry");
            remaining--;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) throw new EOFException("archive ends inside an entry");
            remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(Math.min(n, remaining));
            remaining -= s;
            return s;
        }

        @Override
        public void close() {}
    }
}
