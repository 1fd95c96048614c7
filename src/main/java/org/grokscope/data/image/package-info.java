/**
 * Images as data: the IDX files of MNIST and Fashion-MNIST (and the fetchable sets' addresses and checksums), folders
 * of image files with one sub-folder per class, and the image task whose examples are rows of a frozen, standardized
 * feature table with stratified nested training subsets. May use data, data.text (errors) and the engine's seeded RNG.
 */
package org.grokscope.data.image;
