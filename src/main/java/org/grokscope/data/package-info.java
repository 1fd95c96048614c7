/**
 * What models learn from: Power et al.'s modular-arithmetic tables, their seeded nested splits and token formats
 * ({@link org.grokscope.data.Dataset}: token sequences with one label each). May use the engine (the seeded RNG).
 */
package org.grokscope.data;
