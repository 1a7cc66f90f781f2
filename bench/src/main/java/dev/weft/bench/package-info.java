/**
 * JMH benchmarks of Weft's fibers and locks, packaged by the build as {@code bench/target/benchmarks.jar}.
 */
package dev.weft.bench;
