/**
 * Papers' headline claims as runnable checks: each claim names the sweep that reproduces it with the paper's own
 * settings (and a quick form, labelled as such), the rows to read (runs picked by their resolved config) and the
 * paper's number beside each, so {@code grokscope reproduce NAME} prints ours next to theirs. Sits on sweep (it runs
 * one) and is used only by cli.
 */
package org.grokscope.reproduce;
