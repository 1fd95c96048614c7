package org.grokscope.data.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.grokscope.data.Csv;

/**
 * Streams the examples of a {@link TextSource} to a sink, one at a time: archives are decompressed on the fly, files
 * are read line by line, and nothing holds a whole file. Malformed rows are an error that names the file and line, or
 * (with {@code skipBadRows}) are skipped and counted.
 */
public final class TextReader {
    /**
     * Receives each example; {@code label} is the class index, or -1 with {@code rawLabel} set when discovered.
     * {@code order} sorts the examples of a split independently of how a folder or archive happens to list them
     * (aclImdb: label, then review id); elsewhere it is the row number.
     */
    public interface Sink {
        void accept(boolean test, String text, int label, String rawLabel, long order);
    }

    /** What a read saw: rows accepted, skipped as malformed (with the first reasons), dropped by a labelling rule. */
    public static final class Stats implements Csv.Problem {
        public long accepted, skipped, dropped;
        public final List<String> firstProblems = new ArrayList<>();

        @Override
        public void skipped(String where) {
            bad(where, true);
        }

        /** A problem at {@code where}: an error, or with {@code skip} counted (the first five kept). */
        public void bad(String where, boolean skip) {
            if (!skip) throw new DataException(where);
            skipped++;
            if (firstProblems.size() < 5) firstProblems.add(where);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IMDB_ENTRY =
            Pattern.compile("(?:.*/)?aclImdb/(train|test)/(pos|neg)/(\\d+)_(\\d+)\\.txt");

    private TextReader() {}

    public static Stats read(TextSource src, Sink sink) {
        Stats st = new Stats();
        try {
            switch (src.kind()) {
                case IMDB -> imdb(src, sink, st);
                case YELP_POLARITY, YELP_FULL -> zhang(src, sink, st);
                case YELP_JSON, JSONL -> {
                    jsonLines(src, src.path(), src.testPath() == null ? null : false, sink, st);
                    if (src.testPath() != null) jsonLines(src, src.testPath(), true, sink, st);
                }
                case CSV -> {
                    csvFile(src, src.path(), src.testPath() == null ? null : false, sink, st);
                    if (src.testPath() != null) csvFile(src, src.testPath(), true, sink, st);
                }
            }
        } catch (ZipException | EOFException e) {
            throw new DataException(src.path() + ": corrupt or truncated archive (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DataException(src.path() + ": cannot read: " + e.getMessage(), e);
        }
        return st;
    }

    // ------------------------------------------------------------------ aclImdb
    private static void imdb(TextSource src, Sink sink, Stats st) throws IOException {
        Path p = src.path();
        long[] found = new long[4];
        if (Files.isDirectory(p)) {
            Path root = Files.isDirectory(p.resolve("aclImdb")) ? p.resolve("aclImdb") : p;
            for (String split : List.of("train", "test"))
                for (String pol : List.of("neg", "pos")) {
                    Path dir = root.resolve(split).resolve(pol);
                    if (!Files.isDirectory(dir)) continue;
                    List<Path> files;
                    try (Stream<Path> s = Files.list(dir)) {
                        files = s.sorted().toList();
                    }
                    for (Path f : files) {
                        try (InputStream in = Files.newInputStream(f)) {
                            imdbEntry(
                                    "aclImdb/" + split + "/" + pol + "/" + f.getFileName(),
                                    f.toString(),
                                    in,
                                    sink,
                                    st,
                                    src.skipBadRows(),
                                    found);
                        }
                    }
                }
        } else {
            try (InputStream in = open(p)) {
                Tar.read(in, p.toString(), (name, size, content) -> {
                    if (name.contains("/train/unsup/")
                            || !name.endsWith(".txt")
                            || !(name.contains("/pos/") || name.contains("/neg/"))) return;
                    imdbEntry(name, p + "!" + name, content, sink, st, src.skipBadRows(), found);
                });
            }
        }
        if (found[0] + found[1] == 0 || found[2] + found[3] == 0)
            throw new DataException(p + ": no aclImdb/" + (found[0] + found[1] == 0 ? "train" : "test")
                    + "/{pos,neg}/ID_RATING.txt reviews found; is this the aclImdb archive or folder?");
    }

    private static void imdbEntry(
            String name, String where, InputStream in, Sink sink, Stats st, boolean skip, long[] found)
            throws IOException {
        Matcher m = IMDB_ENTRY.matcher(name);
        if (!m.matches()) {
            st.bad(where + ": not an ID_RATING.txt review file", skip);
            return;
        }
        boolean test = m.group(1).equals("test"), pos = m.group(2).equals("pos");
        int rating = Integer.parseInt(m.group(4));
        if (pos ? rating < 7 || rating > 10 : rating < 1 || rating > 4) {
            st.bad(
                    where + ": rating " + rating + " does not match the " + m.group(2) + " folder (neg 1-4, pos 7-10)",
                    skip);
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(in.readAllBytes()))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            st.bad(where + ": " + NOT_UTF8, skip);
            return;
        }
        found[(test ? 2 : 0) + (pos ? 1 : 0)]++;
        st.accepted++;
        sink.accept(test, text, pos ? 1 : 0, null, (pos ? 1L << 40 : 0L) + Long.parseLong(m.group(3)));
    }

    // ------------------------------------------------------------------ Zhang et al. CSV (Yelp)
    private static void zhang(TextSource src, Sink sink, Stats st) throws IOException {
        Path p = src.path();
        int classes = src.kind() == TextSource.Kind.YELP_FULL ? 5 : 2;
        boolean[] seen = new boolean[2];
        if (Files.isDirectory(p)) {
            for (String split : List.of("train", "test")) {
                Path f = findCsv(p, split);
                if (f == null) continue;
                try (InputStream in = Files.newInputStream(f)) {
                    zhangCsv(f.toString(), in, split.equals("test"), classes, sink, st, src.skipBadRows());
                }
                seen[split.equals("test") ? 1 : 0] = true;
            }
        } else if (p.toString().endsWith(".csv")) {
            try (InputStream in = Files.newInputStream(p)) {
                zhangCsv(
                        p.toString(),
                        in,
                        p.getFileName().toString().startsWith("test"),
                        classes,
                        sink,
                        st,
                        src.skipBadRows());
            }
            seen[0] = seen[1] = true; // a single CSV is one split by the user's choice
        } else {
            try (InputStream in = open(p)) {
                Tar.read(in, p.toString(), (name, size, content) -> {
                    String base = name.substring(name.lastIndexOf('/') + 1);
                    if (!base.equals("train.csv") && !base.equals("test.csv")) return;
                    boolean test = base.equals("test.csv");
                    zhangCsv(p + "!" + name, content, test, classes, sink, st, src.skipBadRows());
                    seen[test ? 1 : 0] = true;
                });
            }
        }
        if (!seen[0] || !seen[1])
            throw new DataException(p + ": no " + (seen[0] ? "test" : "train")
                    + ".csv found; expected Zhang et al.'s yelp_review_*_csv layout");
    }

    private static Path findCsv(Path dir, String split) throws IOException {
        Path direct = dir.resolve(split + ".csv");
        if (Files.isRegularFile(direct)) return direct;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path sub : s.filter(Files::isDirectory).sorted().toList())
                if (Files.isRegularFile(sub.resolve(split + ".csv"))) return sub.resolve(split + ".csv");
        }
        return null;
    }

    private static void zhangCsv(
            String label, InputStream in, boolean test, int classes, Sink sink, Stats st, boolean skip)
            throws IOException {
        Csv csv = new Csv(reader(in), label);
        List<String> row;
        while ((row = csv.next(skip ? st : null)) != null) {
            String where = label + ":" + csv.recordLine();
            if (replaced(row)) {
                st.bad(where + ": " + NOT_UTF8, skip);
                continue;
            }
            if (row.size() < 2) {
                st.bad(where + ": expected \"class\",\"text\", got " + row.size() + " field(s)", skip);
                continue;
            }
            int c;
            try {
                c = Integer.parseInt(row.get(0).trim());
            } catch (NumberFormatException e) {
                c = -1;
            }
            if (c < 1 || c > classes) {
                st.bad(
                        where + ": class must be 1.." + classes + ", got '" + org.grokscope.data.Excerpt.of(row.get(0))
                                + "'",
                        skip);
                continue;
            }
            // a third column (title, text) appears in some of Zhang's sets: the text is the last field
            String text = String.join(" ", row.subList(1, row.size()))
                    .replace("\\n", "\n")
                    .replace("\\\"", "\"");
            st.accepted++;
            sink.accept(test, text, c - 1, null, csv.recordLine());
        }
    }

    // ------------------------------------------------------------------ JSON lines (Yelp dump, generic)
    private static void jsonLines(TextSource src, Path p, Boolean test, Sink sink, Stats st) throws IOException {
        boolean yelp = src.kind() == TextSource.Kind.YELP_JSON, skip = src.skipBadRows();
        String textField = yelp ? "text" : src.textField(), labelField = yelp ? "stars" : src.labelField();
        List<String> names = src.classNames();
        try (BufferedReader r = new BufferedReader(fileReader(open(p)), 1 << 16)) {
            String line;
            long no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) continue;
                String where = p + ":" + no;
                if (line.indexOf('\uFFFD') >= 0) {
                    st.bad(where + ": " + NOT_UTF8, skip);
                    continue;
                }
                JsonNode o;
                try {
                    o = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    st.bad(
                            where + ": not valid JSON (" + org.grokscope.data.Excerpt.of(e.getOriginalMessage(), 120)
                                    + ")",
                            skip);
                    continue;
                }
                if (o == null || !o.isObject()) {
                    st.bad(where + ": expected a JSON object", skip);
                    continue;
                }
                JsonNode t = o.get(textField), l = o.get(labelField);
                if (t == null || t.isNull()) {
                    st.bad(where + ": missing text field \"" + textField + "\"", skip);
                    continue;
                }
                if (!t.isTextual()) {
                    st.bad(
                            where + ": text field \"" + textField + "\" must be a string, got "
                                    + org.grokscope.data.Excerpt.of(t.toString()),
                            skip);
                    continue;
                }
                if (l == null || l.isNull() || l.isContainerNode()) {
                    st.bad(where + ": missing label field \"" + labelField + "\"", skip);
                    continue;
                }
                int label;
                String raw = null;
                if (yelp) {
                    double stars = l.asDouble(Double.NaN);
                    if (!l.isNumber() || stars != Math.rint(stars) || stars < 1 || stars > 5) {
                        st.bad(where + ": \"stars\" must be 1..5, got " + l, skip);
                        continue;
                    }
                    int s = (int) stars;
                    if (src.starsRule() == StarsRule.STARS) label = s - 1;
                    else if (s == 3) {
                        st.dropped++;
                        continue;
                    } else label = s >= 4 ? 1 : 0;
                } else {
                    raw = l.asText();
                    label = labelIndex(names, raw);
                    if (names != null && label < 0) {
                        st.bad(
                                where + ": label '" + org.grokscope.data.Excerpt.of(raw) + "' is not one of "
                                        + org.grokscope.data.Excerpt.of(String.valueOf(names), 200),
                                skip);
                        continue;
                    }
                }
                st.accepted++;
                sink.accept(test != null ? test : heldOut(src, no), t.asText(), label, raw, no);
            }
        }
    }

    // ------------------------------------------------------------------ generic CSV with a header
    private static void csvFile(TextSource src, Path p, Boolean test, Sink sink, Stats st) throws IOException {
        boolean skip = src.skipBadRows();
        List<String> names = src.classNames();
        try (InputStream in = open(p)) {
            Csv csv = new Csv(fileReader(in), p.toString());
            List<String> header = csv.next(null);
            if (header == null) throw DataException.at(p.toString(), 1, "empty file; expected a header row");
            int ti = header.indexOf(src.textField()), li = header.indexOf(src.labelField());
            if (ti < 0)
                throw DataException.at(
                        p.toString(),
                        1,
                        "no column \"" + src.textField() + "\" in the header "
                                + org.grokscope.data.Excerpt.of(String.valueOf(header), 200)
                                + " (set task.text_field)");
            if (li < 0)
                throw DataException.at(
                        p.toString(),
                        1,
                        "no column \"" + src.labelField() + "\" in the header "
                                + org.grokscope.data.Excerpt.of(String.valueOf(header), 200)
                                + " (set task.label_field)");
            List<String> row;
            while ((row = csv.next(skip ? st : null)) != null) {
                String where = p + ":" + csv.recordLine();
                if (replaced(row)) {
                    st.bad(where + ": " + NOT_UTF8, skip);
                    continue;
                }
                if (row.size() != header.size()) {
                    st.bad(where + ": expected " + header.size() + " fields, got " + row.size(), skip);
                    continue;
                }
                String raw = row.get(li).trim();
                int label = labelIndex(names, raw);
                if (raw.isEmpty() || (names != null && label < 0)) {
                    st.bad(
                            where + ": label '" + org.grokscope.data.Excerpt.of(raw) + "' is not one of "
                                    + (names != null
                                            ? org.grokscope.data.Excerpt.of(String.valueOf(names), 200)
                                            : "the labels (empty)"),
                            skip);
                    continue;
                }
                st.accepted++;
                sink.accept(
                        test != null ? test : heldOut(src, csv.recordLine()),
                        row.get(ti),
                        label,
                        raw,
                        csv.recordLine());
            }
        }
    }

    // the readers decode with replacement (so a skipped row does not end the file); a replaced byte shows as U+FFFD
    static final String NOT_UTF8 =
            "not valid UTF-8 (bytes that decode to no character, shown as U+FFFD); fix the file, or set task.on_bad_row: skip";

    private static boolean replaced(List<String> row) {
        for (String f : row) if (f.indexOf('\uFFFD') >= 0) return true;
        return false;
    }

    private static int labelIndex(List<String> names, String raw) {
        return names == null ? -1 : names.indexOf(raw);
    }

    /** Row-hash holdout: the same rows are test rows whatever else changes (seed, row number). */
    static boolean heldOut(TextSource src, long row) {
        long z = src.holdoutSeed() * 0x9E3779B97F4A7C15L + row * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53 < src.holdout();
    }

    /** A file, decompressed when its name ends in .gz / .tgz. */
    public static InputStream open(Path p) throws IOException {
        if (!Files.exists(p)) throw new DataException(p + ": no such file or directory");
        InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".gz") || n.endsWith(".tgz")
                ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16)
                : in;
    }

    // a file of the user's own: UTF-8 text, less a leading byte-order mark (Excel's "CSV UTF-8" and Windows editors
    // write one; left in, it became an invisible first character of the header's first column name). open() gives a
    // buffered stream of this file alone, so peeking at three bytes and stepping back is safe (not so in an archive)
    public static Reader fileReader(InputStream in) throws IOException {
        in.mark(3);
        if (!(in.read() == 0xEF && in.read() == 0xBB && in.read() == 0xBF)) in.reset();
        return reader(in);
    }

    private static Reader reader(InputStream in) {
        return new InputStreamReader(
                in,
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE));
    }
}
