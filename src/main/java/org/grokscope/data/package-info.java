/**
 * What models learn from: Power et al.'s modular-arithmetic tables, their seeded nested splits and token formats
 * ({@link org.grokscope.data.Dataset}: token sequences with one label each); the frozen feature tables of image and
 * table tasks ({@link org.grokscope.data.FeatureSet}) and their seeded subsets; RFC 4180 records. May use the engine
 * (the seeded RNG).
 */
package org.grokscope.data;
