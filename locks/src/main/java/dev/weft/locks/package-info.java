/**
 * Fiber-aware locks, semaphores and other synchronizers built on Weft's fibers.
 */
package dev.weft.locks;
