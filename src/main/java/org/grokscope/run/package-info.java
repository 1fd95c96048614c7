/**
 * One run, from a config to a run directory: {@link org.grokscope.run.Experiment} builds data, model, optimizer and
 * probes; {@link org.grokscope.run.Runner} trains into the directory ({@link org.grokscope.run.RunDirectory}: config,
 * provenance, metrics, safetensors checkpoints, summary, all written atomically under a directory lock), resumes it,
 * and prints progress. May use config, probe, train, nn, data, analysis and the engine; sweep, reproduce, bench,
 * report, server, cli and spark use it.
 */
package org.grokscope.run;
