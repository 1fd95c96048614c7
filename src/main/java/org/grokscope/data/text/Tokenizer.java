package org.grokscope.data.text;

import java.util.function.Consumer;

/** Splits text into string tokens (words or word pieces); ids are assigned by a vocabulary. */
public sealed interface Tokenizer permits WordTokenizer, WordPiece {
    void tokenize(String text, Consumer<String> out);

    /** Everything that changes the output, for cache keys and provenance. */
    String describe();
}
