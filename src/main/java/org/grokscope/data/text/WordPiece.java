package org.grokscope.data.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * BERT's tokenizer over a user-supplied vocab.txt (one piece per line; line number = id), as bert-base-uncased does it:
 * clean the text (drop control characters, map whitespace to spaces), put spaces around CJK ideographs, lower-case and
 * strip accents (NFD, drop combining marks) when {@code lowercase}, split on whitespace and punctuation, then greedy
 * longest-match-first word pieces with "##" continuations; a word with no decomposition, or longer than 100 characters,
 * is [UNK].
 */
public final class WordPiece implements Tokenizer {
    public final List<String> pieces;
    private final Map<String, Integer> ids = new HashMap<>();
    private final boolean lowercase;
    private final String sha256;
    public final int pad, unk, cls, sep;

    public WordPiece(List<String> pieces, boolean lowercase, String sha256) {
        this.pieces = List.copyOf(pieces);
        this.lowercase = lowercase;
        this.sha256 = sha256;
        for (int i = 0; i < pieces.size(); i++) ids.putIfAbsent(pieces.get(i), i);
        pad = need("[PAD]");
        unk = need("[UNK]");
        cls = need("[CLS]");
        sep = need("[SEP]");
    }

    private int need(String t) {
        Integer i = ids.get(t);
        if (i == null)
            throw new DataException(
                    "vocab.txt has no " + t + " entry; a BERT vocabulary needs [PAD], [UNK], [CLS] and [SEP]");
        return i;
    }

    public static WordPiece load(Path vocabFile, boolean lowercase) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(vocabFile, StandardCharsets.UTF_8)) {
            String l;
            while ((l = r.readLine()) != null) lines.add(l.strip());
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
            if (lines.isEmpty()) throw new DataException(vocabFile + ": empty vocabulary");
            try {
                return new WordPiece(lines, lowercase, HexFormat.of().formatHex(md.digest()));
            } catch (DataException e) {
                throw new DataException(vocabFile + ": " + e.getMessage());
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataException(
                    vocabFile + ": no such file (task.vocab_file: a BERT vocab.txt, e.g. bert-base-uncased's)");
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new DataException(vocabFile + ": cannot read: " + e.getMessage());
        }
    }

    public Integer id(String piece) {
        return ids.get(piece);
    }

    @Override
    public String describe() {
        return "wordpiece(lowercase=" + lowercase + ",vocab=" + pieces.size() + ",sha256=" + sha256 + ")";
    }

    @Override
    public void tokenize(String text, Consumer<String> out) {
        for (String word : basic(text)) pieces(word, out);
    }

    /** Ids for a text (no [CLS]/[SEP]). */
    public void ids(String text, java.util.function.IntConsumer out) {
        tokenize(text, p -> out.accept(ids.getOrDefault(p, unk)));
    }

    List<String> basic(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            if (c == 0 || c == 0xfffd || isControl(c)) return;
            if (isWhitespace(c)) b.append(' ');
            else if (isCjk(c)) b.append(' ').appendCodePoint(c).append(' ');
            else b.appendCodePoint(c);
        });
        List<String> out = new ArrayList<>();
        for (String tok : b.toString().trim().split(" +")) {
            if (tok.isEmpty()) continue;
            if (lowercase) {
                tok = tok.toLowerCase(Locale.ROOT);
                tok = Normalizer.normalize(tok, Normalizer.Form.NFD).replaceAll("\\p{Mn}", "");
            }
            int start = 0;
            for (int i = 0; i < tok.length(); ) {
                int c = tok.codePointAt(i);
                int len = Character.charCount(c);
                if (isPunctuation(c)) {
                    if (i > start) out.add(tok.substring(start, i));
                    out.add(tok.substring(i, i + len));
                    start = i + len;
                }
                i += len;
            }
            if (start < tok.length()) out.add(tok.substring(start));
        }
        return out;
    }

    void pieces(String word, Consumer<String> out) {
        if (word.codePointCount(0, word.length()) > 100) {
            out.accept("[UNK]");
            return;
        }
        List<String> found = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            String cur = null;
            while (start < end) {
                String sub = (start > 0 ? "##" : "") + word.substring(start, end);
                if (ids.containsKey(sub)) {
                    cur = sub;
                    break;
                }
                end = Character.isLowSurrogate(word.charAt(end - 1)) && end - 2 > start ? end - 2 : end - 1;
            }
            if (cur == null) {
                out.accept("[UNK]");
                return;
            }
            found.add(cur);
            start = end;
        }
        found.forEach(out);
    }

    private static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || Character.getType(c) == Character.SPACE_SEPARATOR;
    }

    private static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') return false;
        int t = Character.getType(c);
        return t == Character.CONTROL
                || t == Character.FORMAT
                || t == Character.PRIVATE_USE
                || t == Character.SURROGATE
                || t == Character.UNASSIGNED;
    }

    static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) return true;
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION
                || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION
                || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION
                || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    private static boolean isCjk(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B820 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
