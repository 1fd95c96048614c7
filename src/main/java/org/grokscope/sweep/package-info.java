/**
 * Many runs: grids of axes x seeds ({@link org.grokscope.sweep.SweepConfig}), their executor and SQLite store, the
 * staged critical-data-size search, and the analyses over a sweep (critical data size, one-axis scaling). May use run
 * and everything below it; reproduce, report, server, cli and spark use it.
 */
package org.grokscope.sweep;
