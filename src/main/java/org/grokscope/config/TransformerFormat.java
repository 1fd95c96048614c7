package org.grokscope.config;

/** model.format of a transformer on a modular task: [x, y, =] or [x, op, y, =]. */
public enum TransformerFormat {
    EQUALS,
    OP_EQUALS
}
