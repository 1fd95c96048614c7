package org.grokscope.config;

/**
 * task.target of a table: the label column's classes, or its numbers as the value one output is fitted to (regression,
 * with MSE).
 */
public enum TableTarget {
    CLASS,
    VALUE
}
