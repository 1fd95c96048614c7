package org.grokscope.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.grokscope.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTaskTest {
    @TempDir
    Path tmp;

    private Corpus corpus(int docs) throws Exception {
        StringBuilder b = new StringBuilder("text,label\n");
        for (int i = 0; i < docs; i++)
            b.append("w")
                    .append(i % 7)
                    .append(" common w")
                    .append(i)
                    .append(' ')
                    .append("x ".repeat(i % 5))
                    .append(",")
                    .append(i % 2 == 0 ? "a" : "b")
                    .append('\n');
        Path f = tmp.resolve("d" + docs + ".csv");
        Files.writeString(f, b.toString());
        StringBuilder t = new StringBuilder("text,label\n");
        for (int i = 0; i < 20; i++)
            t.append("common onlyintest")
                    .append(",")
                    .append(i % 2 == 0 ? "a" : "b")
                    .append('\n');
        Path tf = tmp.resolve("t" + docs + ".csv");
        Files.writeString(tf, t.toString());
        return Corpus.build(TextSource.of(TextSource.Kind.CSV, f).testPath(tf).build(), new WordTokenizer(true));
    }

    private static Set<String> rows(Dataset d) {
        Set<String> s = new HashSet<>();
        for (int i = 0; i < d.size(); i++)
            s.add(Arrays.toString(Arrays.copyOfRange(d.tokens(), i * d.seqLen(), (i + 1) * d.seqLen())));
        return s;
    }

    @Test
    void subsetsAreNestedAndTheVocabularyComesFromTheTrainingSubsetOnly() throws Exception {
        Corpus c = corpus(200);
        TextTask.Prepared small = TextTask.prepare(c, new TextTask.Settings(20, null, 10, 7, 8, false, 1000, 1, null));
        TextTask.Prepared big = TextTask.prepare(c, new TextTask.Settings(80, null, 10, 7, 8, false, 1000, 1, null));
        assertThat(small.train().size()).isEqualTo(20);
        assertThat(small.vocabulary())
                .startsWith("[PAD]", "[UNK]", "[CLS]", "x", "common")
                .doesNotContain("onlyintest"); // by count
        // nested: decode both subsets to words and compare
        Set<String> a = decode(small), b = decode(big);
        assertThat(b).containsAll(a);
        // the same test subset for every size
        assertThat(decodeTest(small)).isEqualTo(decodeTest(big));
        // layout: [CLS] first, padding 0 after the text, test-only word is [UNK]
        Dataset te = small.test();
        assertThat(te.tokens()[0]).isEqualTo(TextTask.CLS);
        assertThat(te.tokens()[2]).isEqualTo(TextTask.UNK);
        assertThat(te.tokens()[3]).isEqualTo(TextTask.PAD);
        // min_count and the vocabulary cap
        TextTask.Prepared capped = TextTask.prepare(c, new TextTask.Settings(80, null, 10, 7, 8, false, 5, 2, null));
        assertThat(capped.vocabulary()).containsExactly("[PAD]", "[UNK]", "[CLS]", "x", "common");
        assertThat(capped.train().vocab()).isEqualTo(5);
        assertThatThrownBy(() -> TextTask.prepare(c, new TextTask.Settings(500, null, 10, 7, 8, false, 1000, 1, null)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("500")
                .hasMessageContaining("200 training documents");
    }

    private static Set<String> decode(TextTask.Prepared p) {
        Set<String> out = new HashSet<>();
        Dataset d = p.train();
        for (int i = 0; i < d.size(); i++) {
            StringBuilder b = new StringBuilder();
            for (int t = 0; t < d.seqLen(); t++)
                b.append(p.vocabulary().get(d.tokens()[i * d.seqLen() + t])).append(' ');
            out.add(b.toString());
        }
        return out;
    }

    private static java.util.List<String> decodeAll(Dataset d, java.util.List<String> vocab) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            StringBuilder b = new StringBuilder(d.labels()[i] + ":");
            for (int t = 0; t < d.seqLen(); t++)
                b.append(vocab.get(d.tokens()[i * d.seqLen() + t])).append(' ');
            out.add(b.toString());
        }
        java.util.Collections.sort(out);
        return out;
    }

    private static Set<String> decodeTest(TextTask.Prepared p) {
        Set<String> out = new HashSet<>();
        Dataset d = p.test();
        for (int i = 0; i < d.size(); i++) out.add(i + ":" + d.labels()[i]);
        return out;
    }

    @Test
    void longDocumentsAreTruncatedOrDropped() throws Exception {
        Corpus c = corpus(50);
        TextTask.Prepared trunc = TextTask.prepare(c, new TextTask.Settings(null, 1.0, 0, 1, 5, false, 1000, 1, null));
        TextTask.Prepared drop = TextTask.prepare(c, new TextTask.Settings(null, 1.0, 0, 1, 5, true, 1000, 1, null));
        assertThat(trunc.trainPool()).isEqualTo(50);
        // documents are 3 + (i % 5) words; with max_len 5 ([CLS] + 4) those of 5+ words go
        assertThat(drop.trainPool()).isEqualTo(20);
        assertThat(trunc.truncatedFraction()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(drop.train().size()).isEqualTo(20);
        // the paper's pooled re-split: both splits' short documents, a fixed 25 % held out
        TextTask.Prepared pooled = TextTask.prepare(c, new TextTask.Settings(null, 1.0, 0, 1, 5, true, 1000, 1, 0.25));
        int shortTest = 20; // the test file's 20 documents have 2 words
        assertThat(pooled.trainPool() + pooled.testPool()).isEqualTo(20 + shortTest);
        assertThat(pooled.testPool()).isEqualTo(10);
        TextTask.Prepared again = TextTask.prepare(c, new TextTask.Settings(null, 1.0, 0, 9, 5, true, 1000, 1, 0.25));
        assertThat(decodeAll(again.test(), again.vocabulary()))
                .isEqualTo(decodeAll(
                        pooled.test(), pooled.vocabulary())); // the same held-out documents for every split seed
    }

    @Test
    void wordPieceSequencesEndWithSepAndPadIsIdZero() throws Exception {
        Path vocab = tmp.resolve("vocab.txt");
        Files.writeString(
                vocab,
                String.join("\n", "[UNK]", "[CLS]", "[SEP]", "[PAD]", "good", "bad", "film") + "\n"); // [PAD] not at 0
        Path f = tmp.resolve("wp.csv");
        Files.writeString(f, "text,label\ngood film,1\nbad film,0\nbad bad bad bad bad,0\n");
        Corpus c =
                Corpus.build(TextSource.of(TextSource.Kind.CSV, f).testPath(f).build(), WordPiece.load(vocab, true));
        TextTask.Prepared p = TextTask.prepare(c, new TextTask.Settings(null, 1.0, 0, 3, 5, false, 10, 1, null));
        assertThat(p.vocabulary().get(0)).isEqualTo("[PAD]");
        assertThat(p.vocabulary().get(3)).isEqualTo("[UNK]");
        Dataset d = p.train();
        for (int i = 0; i < d.size(); i++) {
            int[] row = Arrays.copyOfRange(d.tokens(), i * 5, i * 5 + 5);
            assertThat(p.vocabulary().get(row[0])).isEqualTo("[CLS]");
            String joined = String.join(
                    " ", Arrays.stream(row).mapToObj(p.vocabulary()::get).toList());
            assertThat(joined)
                    .isIn("[CLS] good film [SEP] [PAD]", "[CLS] bad film [SEP] [PAD]", "[CLS] bad bad bad [SEP]");
        }
    }

    @Test
    void theTokenCacheIsReusedAndInvalidatedWhenTheFileChanges() throws Exception {
        Path f = tmp.resolve("c.csv");
        Files.writeString(f, "text,label\nalpha beta,x\ngamma,y\n");
        TextSource s = TextSource.of(TextSource.Kind.CSV, f).testPath(f).build();
        Path cache = tmp.resolve("cache");
        Corpus a = Corpus.load(s, new WordTokenizer(true), cache, null);
        Path[] files;
        try (var st = Files.list(cache.resolve("tokens"))) {
            files = st.toArray(Path[]::new);
        }
        assertThat(files).hasSize(1);
        Corpus b = Corpus.load(s, new WordTokenizer(true), cache, null);
        assertThat(b.words).isEqualTo(a.words);
        assertThat(b.train.docs()).isDeepEqualTo(a.train.docs());
        assertThat(b.classNames).isEqualTo(a.classNames);
        Files.writeString(f, "text,label\nalpha beta delta,x\ngamma,y\n");
        Corpus c = Corpus.load(s, new WordTokenizer(true), cache, null);
        assertThat(c.words).contains("delta");
        Corpus d = Corpus.load(s, new WordTokenizer(false), cache, null); // another tokenizer, another key
        try (var st = Files.list(cache.resolve("tokens"))) {
            assertThat(st.count()).isEqualTo(3);
        }
        assertThat(d.tokenizer).contains("lowercase=false");
    }
}
