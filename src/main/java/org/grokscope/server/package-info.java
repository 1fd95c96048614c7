/**
 * The live dashboard ({@code grokscope serve}, {@code --serve}): a read-only local web server over run, sweep and
 * search directories that pushes new points, runs and CDS estimates to the page as the jobs write them (Server-Sent
 * Events over its own small HTTP server, {@code HttpCore}; charts by uPlot from its WebJar, served from the jar). It
 * reads only files: any grokscope process, on this machine or writing to shared storage, can be watched. May use sweep,
 * run, config and below; only cli uses it.
 */
package org.grokscope.server;
