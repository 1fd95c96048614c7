/**
 * The training engine: fp32 flat arrays, the deterministic thread pool ({@link org.grokscope.engine.Parallel}), the
 * packed GEMM, the fused element-wise kernels and the losses ({@link org.grokscope.engine.LossFunction} in
 * {@link org.grokscope.engine.LossPrecision}). Every reduction runs in fixed chunks combined in order, so results do
 * not depend on the thread count. Depends on nothing else in grokscope (only the JDK and jdk.incubator.vector).
 */
package org.grokscope.engine;
