package org.grokscope.data.text;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Word-level tokens: HTML line breaks ({@code <br />}, as in IMDB) become spaces; optionally lower-case; a word is a
 * run of letters and digits, with an apostrophe kept between letters ("don't"); every other non-space character
 * (punctuation, symbols) is a token of its own.
 */
public record WordTokenizer(boolean lowercase) implements Tokenizer {
    private static final Pattern BR = Pattern.compile("<br\\s*/?>", Pattern.CASE_INSENSITIVE);

    @Override
    public void tokenize(String text, Consumer<String> out) {
        String s = BR.matcher(text).replaceAll(" ");
        if (lowercase) s = s.toLowerCase(Locale.ROOT);
        int n = s.length(), i = 0;
        while (i < n) {
            int c = s.codePointAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                i += Character.charCount(c);
                continue;
            }
            if (Character.isLetterOrDigit(c)) {
                int j = i;
                while (j < n) {
                    int d = s.codePointAt(j);
                    if (Character.isLetterOrDigit(d)) {
                        j += Character.charCount(d);
                        continue;
                    }
                    if ((d == '\'' || d == '\u2019')
                            && j + 1 < n
                            && j > i
                            && Character.isLetter(s.codePointAt(j + 1))
                            && Character.isLetter(s.codePointBefore(j))) {
                        j++;
                        continue;
                    }
                    break;
                }
                out.accept(s.substring(i, j));
                i = j;
            } else {
                int len = Character.charCount(c);
                out.accept(s.substring(i, i + len));
                i += len;
            }
        }
    }

    @Override
    public String describe() {
        return "word(lowercase=" + lowercase + ",br,apostrophes)";
    }
}
