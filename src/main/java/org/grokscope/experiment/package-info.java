/**
 * From a config to results: the typed run config and its loader (file:line:field errors), the run directory
 * (config, provenance, metrics, safetensors checkpoints, summary), sweeps with their SQLite store, the staged CDS
 * search, scaling analysis and benchmarks. May use everything below it (probe, train, nn, data, analysis, engine);
 * only report and cli use it.
 */
package org.grokscope.experiment;
