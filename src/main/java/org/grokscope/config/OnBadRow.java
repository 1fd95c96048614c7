package org.grokscope.config;

/** task.on_bad_row: stop at the first malformed row, or skip and count malformed rows. */
public enum OnBadRow {
    ERROR,
    SKIP
}
