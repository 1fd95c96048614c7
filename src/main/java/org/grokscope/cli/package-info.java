/**
 * The command line (picocli): train, sweep, cds, report, export, csv, presets, demo, plot, bench, kernel, data, serve,
 * forecast, reproduce. The only package that knows about arguments and exit codes; nothing depends on it.
 */
package org.grokscope.cli;
