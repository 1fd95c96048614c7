/**
 * Measurements during training and the transition advisor: weight norms, the empirical NTK from per-layer Gram
 * products, Fourier progress measures, margins, the Θ0 kernel baseline, softmax collapse. Listens to the trainer;
 * may use train, nn, data and the engine.
 */
package org.grokscope.probe;
