/**
 * Measurements during training and the transition advisor: weight norms, the empirical NTK from per-layer Gram
 * products, Fourier progress measures, margins, the Θ0 kernel baseline, softmax collapse, and the early verdict (the
 * bank-fitted forecaster of analysis, fed the run's own history). Listens to the trainer; may use train, nn, data,
 * analysis and the engine.
 */
package org.grokscope.probe;
