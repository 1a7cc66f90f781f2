package dev.weft.fibers;

/**
 * One scheduling decision of a {@link SimulatedScheduler}, as its {@link SchedulePolicy} sees it:
 * the runnable fibers, in the order they became runnable. Valid only during
 * {@link SchedulePolicy#pick}: the scheduler reuses it for the next decision.
 */
public interface SchedulePoint {
    /** The 0-based number of this decision (only points with two or more runnable fibers count). */
    int step();

    /** How many fibers can run (at least 2), in the order they became runnable. */
    int runnable();

    /**
     * The stable id of the {@code i}-th runnable fiber: fibers are numbered in the order they are
     * spawned (started, for one made unstarted), the root fiber is 1.
     */
    long fiberId(int i);

    /** The name of the {@code i}-th runnable fiber ({@link Fiber#name()}, {@code fiber-<id>} if unnamed). */
    String fiberName(int i);

    /** The id of the fiber that ran last, 0 before the first. */
    long previousFiberId();

    /**
     * Where the {@code i}-th runnable fiber last suspended: the Weft call it was in and the
     * first frame outside Weft that made it, such as
     * {@code "Semaphore.acquire <- Account.transfer:42"}; {@code "start"} if it never ran.
     * Computed on first request (a walk of the suspended stack) and kept until the fiber runs.
     */
    String suspendedAt(int i);
}
