package org.grokscope.config;

/** probes.ntk_output: the eNTK of the first logit, or of the true class's. */
public enum NtkOutput {
    FIRST,
    TRUE_CLASS
}
