/**
 * jcstress tests of Weft's fibers and locks, packaged by the build as {@code stress/target/jcstress.jar}.
 */
package dev.weft.stress;
