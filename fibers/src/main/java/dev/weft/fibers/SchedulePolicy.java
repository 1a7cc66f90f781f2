package dev.weft.fibers;

/**
 * Decides which runnable fiber a {@link SimulatedScheduler} runs next: the one thing that varies
 * between two runs of a simulated program. Called on the simulation's thread, only when at least
 * two fibers are runnable (with one there is nothing to decide). A policy that returns the same
 * answers makes the simulation repeat itself exactly, which is how a schedule is replayed.
 *
 * <p>A policy may throw to end a run (a step budget, say): the exception leaves
 * {@link SimulatedScheduler#invoke} as it is, and {@link SimulatedScheduler#close()} then ends
 * the fibers left.
 */
@FunctionalInterface
public interface SchedulePolicy {
    /**
     * Picks the fiber to run.
     *
     * @param point the decision, valid only during this call
     * @return an index in {@code [0, point.runnable())}
     */
    int pick(SchedulePoint point);
}
