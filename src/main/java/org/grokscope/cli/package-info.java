/**
 * The command line (picocli): train, sweep, cds, report, export, presets, demo, plot, bench, kernel, data. The only
 * package that knows about arguments and exit codes; nothing depends on it.
 */
package org.grokscope.cli;
