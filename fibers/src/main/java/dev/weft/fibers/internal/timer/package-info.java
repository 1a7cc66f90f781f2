/**
 * Timers (not API: this package is not exported): a hierarchical timing wheel with O(1) arm and
 * cancel that fires in exact deadline-then-arming order
 * ({@link dev.weft.fibers.internal.timer.TimerWheel}), owned by one carrier, and a locked wheel
 * with its own firing thread ({@link dev.weft.fibers.internal.timer.TimerThread}) for schedulers
 * whose fibers move between carriers.
 */
package dev.weft.fibers.internal.timer;
