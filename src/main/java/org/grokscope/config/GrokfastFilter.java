package org.grokscope.config;

/** optimizer.grokfast.kind: off, or Grokfast's exponential or moving-average gradient filter. */
public enum GrokfastFilter {
    NONE,
    EMA,
    MA
}
