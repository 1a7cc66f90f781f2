package dev.weft.explore;

import dev.weft.fibers.SimulatedScheduler;

/**
 * A program under exploration: run as the root fiber of a fresh {@link SimulatedScheduler}, once
 * per schedule.
 *
 * <p>Contract: every run must build its state afresh (the explorer runs the program thousands of
 * times) and must be deterministic apart from scheduling: no wall-clock time, no unseeded
 * randomness, no platform threads touching its fibers. A run fails by throwing (an exception, a
 * failed assertion) or by deadlocking ({@link dev.weft.fibers.SimulationDeadlock}); fibers it
 * spawns report their failures to it only if it joins them ({@code get()} rethrows), so join them.
 */
@FunctionalInterface
public interface FiberProgram {

    /**
     * Runs one execution.
     *
     * @param scheduler the scheduler this run executes on (the current fiber's scheduler): virtual
     *                  time is {@link SimulatedScheduler#nanoTime()}
     * @throws Exception a failure of this schedule
     */
    void run(SimulatedScheduler scheduler) throws Exception;
}
