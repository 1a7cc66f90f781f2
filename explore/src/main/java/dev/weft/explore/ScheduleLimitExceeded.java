package dev.weft.explore;

/**
 * A run made more scheduling decisions than {@link Explorer#maxDecisions(int)} allows: a livelock
 * (fibers yielding to each other forever), or a program too long for the limit. Counts as a failure
 * of the schedule.
 */
public final class ScheduleLimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ScheduleLimitExceeded(int limit) {
        super("the run made more than " + limit + " scheduling decisions: a livelock (fibers yielding to each"
                + " other forever), or raise Explorer.maxDecisions if the program is that long");
    }
}
