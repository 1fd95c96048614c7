package org.grokscope.data;

/** What a reader does with a malformed row, record or file: stop at the first one, or skip and count them. */
public enum OnBadRow {
    ERROR,
    SKIP
}
