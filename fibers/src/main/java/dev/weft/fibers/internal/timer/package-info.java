/**
 * Timers (not API: this package is not exported): a deadline-ordered heap with O(log n) insert and cancel ({@link dev.weft.fibers.internal.timer.TimerHeap}),
 * owned by one carrier, and a locked heap with its own firing thread
 * ({@link dev.weft.fibers.internal.timer.TimerThread}) for schedulers whose fibers move between carriers.
 */
package dev.weft.fibers.internal.timer;
