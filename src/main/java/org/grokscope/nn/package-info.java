/**
 * Layers and models with forward and backward side by side over one flat parameter block
 * ({@link org.grokscope.nn.Params}): the MLP over embeddings (or one-hot operands), the transformers, the quadratic
 * net, the text bag and encoder, the image MLP and conv net. May use the engine only: no files, configs or training
 * policy.
 */
package org.grokscope.nn;
