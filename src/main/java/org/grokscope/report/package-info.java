/**
 * What a person reads: learning-curve PNGs and the self-contained HTML sweep report (data and chart library inlined,
 * every value escaped, a hash-based Content-Security-Policy). May use forecast, sweep, run, config and below; only cli
 * uses it.
 */
package org.grokscope.report;
