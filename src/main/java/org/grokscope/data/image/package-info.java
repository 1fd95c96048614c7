/**
 * Images as data: the IDX files of MNIST and Fashion-MNIST, and an image task whose examples are rows of a frozen,
 * standardized feature table with stratified nested training subsets. May use data and the engine's seeded RNG.
 */
package org.grokscope.data.image;
