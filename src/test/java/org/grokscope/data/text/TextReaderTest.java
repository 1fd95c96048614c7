package org.grokscope.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grokscope.data.OnBadRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextReaderTest {
    @TempDir
    Path tmp;

    record Row(boolean test, String text, int label, String raw) {}

    static List<Row> read(TextSource src) {
        List<Row> out = new ArrayList<>();
        TextReader.read(src, (test, text, label, raw, order) -> out.add(new Row(test, text, label, raw)));
        return out;
    }

    static TextSource src(TextSource.Kind k, Path p, boolean skip) {
        return TextSource.of(k, p)
                .onBadRow(skip ? OnBadRow.SKIP : OnBadRow.ERROR)
                .build();
    }

    @Test
    void aclImdbFolderAndArchiveGiveTheSameCorpus() throws Exception {
        Path archive = tmp.resolve("imdb.tar.gz");
        Files.write(archive, Fixtures.tarGz(Fixtures.imdbEntries()));
        Path dir = Fixtures.writeImdbDir(tmp.resolve("folder"), Fixtures.imdbEntries());
        Corpus a = Corpus.build(src(TextSource.Kind.IMDB, archive, false), new WordTokenizer(true));
        Corpus b = Corpus.build(src(TextSource.Kind.IMDB, dir, false), new WordTokenizer(true));
        assertThat(a.train.size()).isEqualTo(6); // unsup and README skipped
        assertThat(a.test.size()).isEqualTo(4);
        assertThat(a.train.labels()).containsExactly(0, 0, 0, 1, 1, 1); // sorted by label, then review id
        assertThat(words(a, a.train.docs()[0])).containsExactly("bad", "film", ",", "bad", "acting", "."); // neg/1_4
        for (int i = 0; i < 6; i++)
            assertThat(words(a, a.train.docs()[i])).isEqualTo(words(b, b.train.docs()[i]));
        assertThat(words(a, a.train.docs()[5]))
                .containsExactly("a", "great", "film", ".", "loved", "it", "!"); // pos/10_9, <br /> removed
    }

    static List<String> words(Corpus c, int[] doc) {
        return Arrays.stream(doc).mapToObj(i -> c.words[i]).toList();
    }

    @Test
    void imdbRatingThatContradictsItsFolderIsAnErrorNamingTheEntryOrIsSkipped() throws Exception {
        Map<String, String> e = new LinkedHashMap<>(Fixtures.imdbEntries());
        e.put("aclImdb/train/pos/99_2.txt", "mislabelled");
        Path archive = tmp.resolve("bad.tar.gz");
        Files.write(archive, Fixtures.tarGz(e));
        assertThatThrownBy(() -> read(src(TextSource.Kind.IMDB, archive, false)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("bad.tar.gz!aclImdb/train/pos/99_2.txt")
                .hasMessageContaining("rating 2");
        TextReader.Stats st = TextReader.read(src(TextSource.Kind.IMDB, archive, true), (t, x, l, r, o) -> {});
        assertThat(st.skipped).isEqualTo(1);
        assertThat(st.accepted).isEqualTo(10);
        assertThat(st.firstProblems.get(0)).contains("99_2.txt");
    }

    @Test
    void truncatedOrCorruptArchivesAreRefused() throws Exception {
        byte[] good = Fixtures.tarGz(Fixtures.imdbEntries());
        Path cut = tmp.resolve("cut.tar.gz");
        Files.write(cut, Arrays.copyOf(good, good.length / 2));
        assertThatThrownBy(() -> read(src(TextSource.Kind.IMDB, cut, false)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("cut.tar.gz")
                .hasMessageContaining("truncated");
        Path notGzip = tmp.resolve("junk.tar.gz");
        Files.writeString(notGzip, "this is not an archive");
        assertThatThrownBy(() -> read(src(TextSource.Kind.IMDB, notGzip, false)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("junk.tar.gz")
                .hasMessageContaining("corrupt");
        // a flipped byte inside a tar header: the checksum catches it
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(good))) {
            in.transferTo(raw);
        }
        byte[] tar = raw.toByteArray();
        tar[10] ^= 0x20;
        java.io.ByteArrayOutputStream re = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(re)) {
            gz.write(tar);
        }
        Path flipped = tmp.resolve("flipped.tar.gz");
        Files.write(flipped, re.toByteArray());
        assertThatThrownBy(() -> read(src(TextSource.Kind.IMDB, flipped, false)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("checksum");
        Path empty = tmp.resolve("other.tar.gz");
        Files.write(empty, Fixtures.tarGz(Map.of("x/readme.txt", "hi")));
        assertThatThrownBy(() -> read(src(TextSource.Kind.IMDB, empty, false)))
                .hasMessageContaining("is this the aclImdb archive");
    }

    @Test
    void zhangCsvHandlesQuotesEscapesAndLineBreaksAndNamesBadLines() throws Exception {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("yelp_review_polarity_csv/readme.txt", "x");
        e.put(
                "yelp_review_polarity_csv/train.csv",
                "\"2\",\"Great \"\"tacos\"\", fast.\\nWill return\"\n\"1\",\"Cold food,\nrude staff\"\r\n\"1\",\"meh\"\n");
        e.put("yelp_review_polarity_csv/test.csv", "\"2\",\"good\"\n\"1\",\"bad\"\n");
        Path archive = tmp.resolve("yelp.tgz");
        Files.write(archive, Fixtures.tarGz(e));
        List<Row> rows = read(src(TextSource.Kind.YELP_POLARITY, archive, false));
        assertThat(rows).hasSize(5);
        assertThat(rows.get(0)).isEqualTo(new Row(false, "Great \"tacos\", fast.\nWill return", 1, null));
        assertThat(rows.get(1).text()).isEqualTo("Cold food,\nrude staff");
        assertThat(rows.get(2).label()).isZero();
        assertThat(rows.get(3).test()).isTrue();

        Path dir = tmp.resolve("yelp_full");
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("train.csv"), "\"5\",\"ok\"\n\"1\",\"fine\"\n\"7\",\"bad class\"\n\"2\",\"x\" junk\n");
        Files.writeString(dir.resolve("test.csv"), "\"3\",\"t\"\n");
        assertThatThrownBy(() -> read(src(TextSource.Kind.YELP_FULL, dir, false)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("train.csv:3")
                .hasMessageContaining("class must be 1..5");
        TextReader.Stats st = TextReader.read(src(TextSource.Kind.YELP_FULL, dir, true), (t, x, l, r, o) -> {});
        assertThat(st.accepted).isEqualTo(3);
        assertThat(st.skipped).isEqualTo(2);
        assertThat(st.firstProblems.get(1)).contains("train.csv:4").contains("closing quote");
        Files.writeString(dir.resolve("train.csv"), "\"5\",\"never closed\n");
        assertThatThrownBy(() -> read(src(TextSource.Kind.YELP_FULL, dir, true)))
                .hasMessageContaining("train.csv:1")
                .hasMessageContaining("unterminated");
    }

    @Test
    void yelpJsonLinesMapStarsByTheRuleAndHoldOutAFixedShare() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 400; i++)
            b.append("{\"review_id\":\"r")
                    .append(i)
                    .append("\",\"stars\":")
                    .append(1 + i % 5)
                    .append(".0,\"text\":\"review ")
                    .append(i)
                    .append("\"}\n");
        Path f = tmp.resolve("review.json");
        Files.writeString(f, b.toString());
        List<Row> pol = read(src(TextSource.Kind.YELP_JSON, f, false));
        assertThat(pol).hasSize(320); // 3-star reviews dropped
        assertThat(pol.stream()
                        .filter(r -> r.text().equals("review 0"))
                        .findFirst()
                        .orElseThrow()
                        .label())
                .isZero();
        assertThat(pol.stream()
                        .filter(r -> r.text().equals("review 3"))
                        .findFirst()
                        .orElseThrow()
                        .label())
                .isEqualTo(1);
        long test = pol.stream().filter(Row::test).count();
        assertThat(test).isBetween(50L, 110L); // 25 % of 320, by row hash
        assertThat(read(src(TextSource.Kind.YELP_JSON, f, false))).isEqualTo(pol); // the same rows every time
        TextSource stars = TextSource.of(TextSource.Kind.YELP_JSON, f)
                .starsRule(StarsRule.STARS)
                .build();
        assertThat(read(stars)).hasSize(400);
        Files.writeString(f, b + "{\"stars\": 4, \"text\": \"ok\"\n");
        assertThatThrownBy(() -> read(src(TextSource.Kind.YELP_JSON, f, false)))
                .hasMessageContaining("review.json:401")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void genericCsvAndJsonLinesWithAColumnMapping() throws Exception {
        Path csv = tmp.resolve("mine.csv");
        Files.writeString(csv, "id,body,sentiment\n1,\"good, really\",positive\n2,awful,negative\n3,fine,neutral\n");
        Path csvTest = tmp.resolve("mine-test.csv");
        Files.writeString(csvTest, "id,body,sentiment\n9,nice,positive\n");
        TextSource s = TextSource.of(TextSource.Kind.CSV, csv)
                .testPath(csvTest)
                .fields("body", "sentiment")
                .build();
        Corpus c = Corpus.build(s, new WordTokenizer(true));
        assertThat(c.classNames).containsExactly("negative", "neutral", "positive"); // discovered, sorted
        assertThat(c.train.labels()).containsExactly(2, 0, 1);
        assertThat(c.test.labels()).containsExactly(2);
        TextSource listed = TextSource.of(TextSource.Kind.CSV, csv)
                .testPath(csvTest)
                .fields("body", "sentiment")
                .labels(List.of("negative", "positive"))
                .build();
        assertThatThrownBy(() -> Corpus.build(listed, new WordTokenizer(true)))
                .hasMessageContaining("mine.csv:4")
                .hasMessageContaining("'neutral'");
        TextSource wrongColumn = TextSource.of(TextSource.Kind.CSV, csv)
                .fields("text", "sentiment")
                .build();
        assertThatThrownBy(() -> Corpus.build(wrongColumn, new WordTokenizer(true)))
                .hasMessageContaining("mine.csv:1")
                .hasMessageContaining("no column \"text\"");
        Files.writeString(csv, "id,body,sentiment\n1,good,positive\n2,too,many,fields\n");
        assertThatThrownBy(() -> read(TextSource.of(TextSource.Kind.CSV, csv)
                        .testPath(csvTest)
                        .fields("body", "sentiment")
                        .build()))
                .hasMessageContaining("mine.csv:3")
                .hasMessageContaining("expected 3 fields, got 4");

        Path jl = tmp.resolve("mine.jsonl");
        Files.writeString(jl, "{\"t\":\"yes\",\"y\":1}\n\n{\"t\":\"no\",\"y\":0}\n{\"t\":\"no label\"}\n");
        TextSource js = TextSource.of(TextSource.Kind.JSONL, jl)
                .fields("t", "y")
                .holdout(0.5, 3)
                .onBadRow(OnBadRow.SKIP)
                .build();
        TextReader.Stats st = TextReader.read(js, (t, x, l, r, o) -> {});
        assertThat(st.accepted).isEqualTo(2);
        assertThat(st.skipped).isEqualTo(1);
        assertThat(st.firstProblems.get(0)).contains("mine.jsonl:4").contains("missing label field \"y\"");
    }

    /**
     * Excel's "CSV UTF-8" starts with a byte-order mark: it used to become an invisible first character of the header
     * ("no column text").
     */
    @Test
    void aByteOrderMarkBeforeTheHeaderIsNotPartOfIt() throws Exception {
        Path csv = tmp.resolve("bom.csv");
        byte[] body = "text,label\ngood film,1\nbad film,0\nfine film,1\npoor film,0\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        Files.write(csv, withBom);
        List<Row> rows = read(TextSource.of(TextSource.Kind.CSV, csv).build());
        assertThat(rows).hasSize(4);
        assertThat(rows).extracting(Row::text).contains("good film", "poor film");
    }

    /**
     * A text field holding a number was reported as missing; a file whose texts are all empty trained at chance without
     * a word.
     */
    @Test
    void aTextThatIsNoStringOrTextsThatAreAllEmptyAreSaidInWords() throws Exception {
        Path jl = tmp.resolve("num.jsonl");
        Files.writeString(jl, "{\"text\":\"yes\",\"y\":1}\n{\"text\":12345,\"y\":0}\n");
        TextSource js = TextSource.of(TextSource.Kind.JSONL, jl)
                .fields("text", "y")
                .holdout(0.5, 3)
                .build();
        assertThatThrownBy(() -> TextReader.read(js, (t, x, l, r, o) -> {}))
                .hasMessageContaining("num.jsonl:2")
                .hasMessageContaining("must be a string, got 12345")
                .hasMessageNotContaining("missing");
        Path csv = tmp.resolve("empty.csv");
        Files.writeString(csv, "text,label\n,1\n\"\",0\n ,1\n,0\n,1\n,0\n");
        TextSource empty = TextSource.of(TextSource.Kind.CSV, csv).build();
        assertThatThrownBy(() -> Corpus.build(empty, new WordTokenizer(true)))
                .hasMessageContaining("empty.csv")
                .hasMessageContaining("every training text is empty")
                .hasMessageContaining("\"text\" column");
    }
}
