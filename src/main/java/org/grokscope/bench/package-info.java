/**
 * Benchmarks of the engine on the reference workloads: ms per training step (the trainer's own step), GEMM throughput,
 * thread scaling, JIT warm-up, runs at once. May use run and below; only cli uses it.
 */
package org.grokscope.bench;
