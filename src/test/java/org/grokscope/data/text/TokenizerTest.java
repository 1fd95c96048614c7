package org.grokscope.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {
    @TempDir
    Path tmp;

    static List<String> tokens(Tokenizer t, String s) {
        List<String> out = new ArrayList<>();
        t.tokenize(s, out::add);
        return out;
    }

    @Test
    void wordTokensSplitPunctuationKeepApostrophesAndDropHtmlBreaks() {
        assertThat(tokens(new WordTokenizer(true), "I don't LIKE it.<br /><br/>Bad!! 10/10 -- café"))
                .containsExactly("i", "don't", "like", "it", ".", "bad", "!", "!", "10", "/", "10", "-", "-", "café");
        assertThat(tokens(new WordTokenizer(false), "Hello 'quoted' World"))
                .containsExactly("Hello", "'", "quoted", "'", "World");
    }

    @Test
    void wordPieceMatchesBertsBasicAndGreedyLongestMatch() throws Exception {
        Path vocab = tmp.resolve("vocab.txt");
        Files.writeString(
                vocab,
                String.join(
                                "\n", "[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "the", "cafe", ".",
                                ",", "!", "run", "##ning", "中")
                        + "\n");
        WordPiece wp = WordPiece.load(vocab, true);
        assertThat(tokens(wp, "Unaffable the CAFÉ, running!"))
                .containsExactly("un", "##aff", "##able", "the", "cafe", ",", "run", "##ning", "!");
        assertThat(tokens(wp, "unknownword the")).containsExactly("[UNK]", "the");
        assertThat(tokens(wp, "the中the")).containsExactly("the", "中", "the"); // CJK split out
        assertThat(tokens(wp, "the\u0000\u200b.")).containsExactly("the", "."); // control and format characters dropped
        List<Integer> ids = new ArrayList<>();
        wp.ids("the unaffable", ids::add);
        assertThat(ids).containsExactly(7, 4, 5, 6);
        assertThat(wp.describe()).contains("sha256=");
        Files.writeString(vocab, "[UNK]\n[CLS]\n[SEP]\nthe\n");
        assertThatThrownBy(() -> WordPiece.load(vocab, true))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("vocab.txt")
                .hasMessageContaining("[PAD]");
        assertThatThrownBy(() -> WordPiece.load(tmp.resolve("missing.txt"), true))
                .hasMessageContaining("missing.txt: no such file");
    }
}
