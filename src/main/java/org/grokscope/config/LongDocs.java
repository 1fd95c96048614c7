package org.grokscope.config;

/** task.long_docs: documents longer than max_len are truncated, or dropped. */
public enum LongDocs {
    TRUNCATE,
    DROP
}
