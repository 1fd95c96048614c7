/**
 * Numeric tables as data: CSV and TSV files of feature columns and a label column (and sliding windows over ordered
 * series) as a frozen, standardized feature table; the tables that ship with grokscope. May use data, data.text
 * (errors, file opening) and the engine's seeded RNG.
 */
package org.grokscope.data.table;
