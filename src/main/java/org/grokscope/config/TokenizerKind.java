package org.grokscope.config;

/** task.tokenizer: lower-cased words, or a BERT WordPiece vocabulary (task.vocab_file). */
public enum TokenizerKind {
    WORD,
    WORDPIECE
}
