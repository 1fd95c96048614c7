/**
 * Numbers to conclusions: memorization and generalization milestones, Liu et al.'s phases, smoothing and the
 * critical-data-size estimators (the CDS paper's and the sigmoid fit with its bootstrap interval). Reads numbers only;
 * may use the engine.
 */
package org.grokscope.analysis;
