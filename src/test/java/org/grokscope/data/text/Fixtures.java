package org.grokscope.data.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Small dataset fixtures written by the tests themselves: tar.gz archives, aclImdb folders, CSV and JSON lines. */
final class Fixtures {
    private Fixtures() {}

    /** A ustar archive of the given entries (name → content), gzip-compressed. */
    static byte[] tarGz(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                byte[] data = e.getValue().getBytes(StandardCharsets.UTF_8);
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                if (name.length > 100) { // GNU long name record
                    gz.write(header("././@LongLink", name.length + 1, 'L'));
                    gz.write(name);
                    gz.write(new byte[(int) (512 - (name.length % 512))]);
                }
                gz.write(header(name.length > 100 ? e.getKey().substring(0, 100) : e.getKey(), data.length, '0'));
                gz.write(data);
                int pad = (512 - data.length % 512) % 512;
                gz.write(new byte[pad]);
            }
            gz.write(new byte[1024]);
        }
        return bytes.toByteArray();
    }

    static byte[] header(String name, long size, char type) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
        put(h, 100, String.format("%07o", 0644));
        put(h, 108, String.format("%07o", 0));
        put(h, 116, String.format("%07o", 0));
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 0));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    /** A tiny aclImdb: 3 + 3 train, 2 + 2 test reviews, plus an unsup review and the README that readers must skip. */
    static Map<String, String> imdbEntries() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("aclImdb/README", "readme");
        m.put("aclImdb/train/pos/10_9.txt", "A great film.<br /><br />Loved it!");
        m.put("aclImdb/train/neg/3_1.txt", "Terrible, boring film.");
        m.put("aclImdb/train/pos/2_8.txt", "Great acting and a great story.");
        m.put("aclImdb/train/unsup/0_0.txt", "unlabelled");
        m.put("aclImdb/train/neg/7_2.txt", "Boring. I don't recommend it.");
        m.put("aclImdb/train/pos/5_10.txt", "Wonderful and great.");
        m.put("aclImdb/train/neg/1_4.txt", "Bad film, bad acting.");
        m.put("aclImdb/test/pos/0_7.txt", "great great wonderful");
        m.put("aclImdb/test/neg/0_3.txt", "boring bad unseen");
        m.put("aclImdb/test/pos/1_10.txt", "a wonderful film");
        m.put("aclImdb/test/neg/1_2.txt", "terrible film");
        return m;
    }

    static Path writeImdbDir(Path root, Map<String, String> entries) throws IOException {
        for (Map.Entry<String, String> e : entries.entrySet()) {
            Path f = root.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
        }
        return root;
    }
}
