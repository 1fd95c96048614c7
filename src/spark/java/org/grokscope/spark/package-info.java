/**
 * Sweeps and searches on Apache Spark ({@code --executor spark}): each run is one Spark task, written to shared storage
 * as it goes; the driver alone writes the store. Compiled only by {@code mvn -Pspark}, with Spark as a provided
 * dependency. Depends on sweep (the executor contract) and below; nothing depends on it but the service loader.
 */
package org.grokscope.spark;
