/**
 * Timers (not API: this package is not exported): a hierarchical timing wheel with O(1) insert
 * and cancel that fires in exact deadline-then-insertion order
 * ({@link dev.weft.fibers.internal.timer.TimerWheel}, in front of a
 * {@link dev.weft.fibers.internal.timer.TimerHeap} that orders the current tick), owned by one
 * carrier, and a locked wheel with its own firing thread
 * ({@link dev.weft.fibers.internal.timer.TimerThread}) for schedulers whose fibers move between carriers.
 */
package dev.weft.fibers.internal.timer;
