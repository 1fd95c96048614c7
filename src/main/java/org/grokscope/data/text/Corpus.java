package org.grokscope.data.text;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A tokenized dataset: every document of both splits as token ids, untruncated, with labels. Word-level ids index
 * {@link #words} (every distinct word, in first-seen order; the training vocabulary is chosen later from the subset a
 * run trains on); WordPiece ids are the vocab.txt ids. Built by streaming the source once; cached on disk under a key
 * of the source file (path, size, modification time), the reading options and the tokenizer, so a second run (or a
 * sweep's fifty) reads ids instead of text.
 */
public final class Corpus {
    private static final int FORMAT = 1;

    public record Split(int[][] docs, int[] labels) {
        public int size() {
            return labels.length;
        }
    }

    public final String[] words;
    public final Split train, test;
    public final List<String> classNames;
    public final String tokenizer;
    public final long skipped, dropped;
    public final List<String> problems;

    Corpus(
            String[] words,
            Split train,
            Split test,
            List<String> classNames,
            String tokenizer,
            long skipped,
            long dropped,
            List<String> problems) {
        this.words = words;
        this.train = train;
        this.test = test;
        this.classNames = classNames;
        this.tokenizer = tokenizer;
        this.skipped = skipped;
        this.dropped = dropped;
        this.problems = problems;
    }

    /** From the cache when present, otherwise read, tokenize and cache (cacheDir null: no cache). */
    public static Corpus load(TextSource src, Tokenizer tok, Path cacheDir, java.io.PrintStream log) {
        Path file = cacheDir == null ? null : cacheDir.resolve("tokens").resolve(key(src, tok) + ".bin");
        if (file != null && Files.isRegularFile(file)) {
            try {
                return readCache(file);
            } catch (IOException | RuntimeException e) {
                if (log != null)
                    log.println("token cache " + file + " unreadable (" + e.getMessage() + "); rebuilding");
            }
        }
        long t0 = System.nanoTime();
        Corpus c = build(src, tok);
        if (log != null)
            log.printf(
                    java.util.Locale.ROOT,
                    "tokenized %s: %,d train + %,d test documents in %.1f s%s%n",
                    src.path(),
                    c.train.size(),
                    c.test.size(),
                    (System.nanoTime() - t0) / 1e9,
                    c.skipped > 0
                            ? String.format(
                                    java.util.Locale.ROOT,
                                    " (%,d malformed rows skipped, first: %s)",
                                    c.skipped,
                                    c.problems.get(0))
                            : "");
        if (file != null) {
            try {
                writeCache(c, file);
            } catch (IOException e) {
                if (log != null) log.println("cannot write the token cache " + file + ": " + e.getMessage());
            }
        }
        return c;
    }

    public static Corpus build(TextSource src, Tokenizer tok) {
        Map<String, Integer> dict = new HashMap<>();
        List<String> words = new ArrayList<>();
        WordPiece wp = tok instanceof WordPiece w ? w : null;
        List<String> fixed = src.classNames();
        List<String> seenLabels = new ArrayList<>();
        Map<String, Integer> seenIndex = new HashMap<>();
        @SuppressWarnings("unchecked")
        List<Object[]>[] rows = new List[] {new ArrayList<>(), new ArrayList<>()};
        int[] buf = new int[1 << 12];
        int[] len = {0};
        TextReader.Stats st = TextReader.read(src, (test, text, label, raw, order) -> {
            len[0] = 0;
            int[][] b = {buf};
            java.util.function.IntConsumer add = id -> {
                if (len[0] == b[0].length) b[0] = Arrays.copyOf(b[0], b[0].length * 2);
                b[0][len[0]++] = id;
            };
            if (wp != null) wp.ids(text, add);
            else
                tok.tokenize(text, w -> {
                    Integer id = dict.get(w);
                    if (id == null) {
                        id = words.size();
                        dict.put(w, id);
                        words.add(w);
                    }
                    add.accept(id);
                });
            int lab = label;
            if (fixed == null)
                lab = seenIndex.computeIfAbsent(raw, r -> {
                    seenLabels.add(r);
                    return seenLabels.size() - 1;
                });
            rows[test ? 1 : 0].add(new Object[] {Arrays.copyOf(b[0], len[0]), lab, order});
        });
        List<String> names = fixed;
        int[] remap = null;
        if (fixed == null) { // discovered labels: sorted, so the class index does not depend on row order
            names = new ArrayList<>(new TreeSet<>(seenLabels));
            remap = new int[seenLabels.size()];
            for (int i = 0; i < remap.length; i++) remap[i] = names.indexOf(seenLabels.get(i));
            if (names.size() < 2)
                throw new DataException(src.path() + ": only " + names.size() + " distinct label(s) " + names
                        + "; a classifier needs at least two");
        }
        Split[] sp = new Split[2];
        for (int s = 0; s < 2; s++) {
            rows[s].sort((a, b) -> Long.compare((Long) a[2], (Long) b[2]));
            int n = rows[s].size();
            int[][] docs = new int[n][];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                Object[] r = rows[s].get(i);
                docs[i] = (int[]) r[0];
                labels[i] = remap == null ? (Integer) r[1] : remap[(Integer) r[1]];
            }
            sp[s] = new Split(docs, labels);
        }
        if (sp[0].size() == 0) throw new DataException(src.path() + ": no training examples");
        if (Arrays.stream(sp[0].docs()).allMatch(d -> d.length == 0)) // it would train at chance without a word
        throw new DataException(src.path() + ": every training text is empty (no tokens in "
                + (src.kind() == TextSource.Kind.CSV || src.kind() == TextSource.Kind.JSONL
                        ? "the \"" + src.textField() + "\" " + (src.kind() == TextSource.Kind.CSV ? "column" : "field")
                        : "the texts")
                + "); there is nothing to learn from"
                + (src.kind() == TextSource.Kind.CSV || src.kind() == TextSource.Kind.JSONL
                        ? " (is task.text_field the column with the text?)"
                        : ""));
        if (sp[1].size() == 0)
            throw new DataException((src.testPath() != null ? src.testPath() : src.path()) + ": no test examples"
                    + (src.kind().hasSplit() || src.testPath() != null ? "" : " (raise task.holdout)"));
        String[] w = wp != null ? wp.pieces.toArray(new String[0]) : words.toArray(new String[0]);
        return new Corpus(
                w,
                sp[0],
                sp[1],
                List.copyOf(names),
                tok.describe(),
                st.skipped,
                st.dropped,
                List.copyOf(st.firstProblems));
    }

    /** Cache key: format version, the source's identity and options, and the tokenizer. */
    static String key(TextSource src, Tokenizer tok) {
        StringBuilder b = new StringBuilder();
        b.append(FORMAT)
                .append('|')
                .append(src.kind())
                .append('|')
                .append(identity(src.path()))
                .append('|')
                .append(src.testPath() == null ? "-" : identity(src.testPath()))
                .append('|')
                .append(src.textField())
                .append('|')
                .append(src.labelField())
                .append('|')
                .append(src.labels())
                .append('|')
                .append(src.starsRule().key())
                .append('|')
                .append(src.holdout())
                .append('|')
                .append(src.holdoutSeed())
                .append('|')
                .append(src.skipBadRows())
                .append('|')
                .append(tok.describe());
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of()
                    .formatHex(md.digest(b.toString().getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String identity(Path p) {
        try {
            Path a = p.toAbsolutePath().normalize();
            if (Files.isDirectory(a)) { // a folder: its files' names, sizes and times
                StringBuilder b = new StringBuilder(a.toString());
                long[] agg = new long[3];
                try (var s = Files.walk(a)) {
                    s.filter(Files::isRegularFile).forEach(f -> {
                        try {
                            agg[0]++;
                            agg[1] += Files.size(f);
                            agg[2] = Math.max(
                                    agg[2], Files.getLastModifiedTime(f).toMillis());
                        } catch (IOException e) {
                            agg[0] = -1;
                        }
                    });
                }
                return b.append(':')
                        .append(agg[0])
                        .append(':')
                        .append(agg[1])
                        .append(':')
                        .append(agg[2])
                        .toString();
            }
            return a + ":" + Files.size(a) + ":" + Files.getLastModifiedTime(a).toMillis();
        } catch (IOException e) {
            throw new DataException(p + ": cannot read: " + e.getMessage());
        }
    }

    private static void writeCache(Corpus c, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp);
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
                out.writeInt(FORMAT);
                out.writeUTF(c.tokenizer);
                out.writeInt(c.words.length);
                for (String w : c.words) out.writeUTF(w);
                out.writeInt(c.classNames.size());
                for (String n : c.classNames) out.writeUTF(n);
                out.writeLong(c.skipped);
                out.writeLong(c.dropped);
                out.writeInt(c.problems.size());
                for (String p : c.problems) out.writeUTF(p.length() > 2000 ? p.substring(0, 2000) : p);
                for (Split s : new Split[] {c.train, c.test}) {
                    out.writeInt(s.size());
                    for (int i = 0; i < s.size(); i++) {
                        out.writeInt(s.labels()[i]);
                        out.writeInt(s.docs()[i].length);
                        for (int id : s.docs()[i]) out.writeInt(id);
                    }
                }
            }
            org.grokscope.data.FileMoves.replace(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Corpus readCache(Path file) throws IOException {
        try (InputStream is = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
            if (in.readInt() != FORMAT) throw new IOException("old cache format");
            String tok = in.readUTF();
            String[] words = new String[in.readInt()];
            for (int i = 0; i < words.length; i++) words[i] = in.readUTF();
            List<String> names = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) names.add(in.readUTF());
            long skipped = in.readLong(), dropped = in.readLong();
            List<String> problems = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) problems.add(in.readUTF());
            Split[] sp = new Split[2];
            for (int s = 0; s < 2; s++) {
                int n = in.readInt();
                int[][] docs = new int[n][];
                int[] labels = new int[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = in.readInt();
                    int[] d = new int[in.readInt()];
                    for (int j = 0; j < d.length; j++) d[j] = in.readInt();
                    docs[i] = d;
                }
                sp[s] = new Split(docs, labels);
            }
            return new Corpus(words, sp[0], sp[1], List.copyOf(names), tok, skipped, dropped, List.copyOf(problems));
        }
    }
}
