/**
 * The JUnit 5 extension: {@link dev.weft.explore.junit.FiberTest} runs a test method under the
 * explorer, one simulated scheduler per schedule.
 */
package dev.weft.explore.junit;
