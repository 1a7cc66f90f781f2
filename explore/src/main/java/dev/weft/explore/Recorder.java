package dev.weft.explore;

import dev.weft.fibers.SchedulePolicy;
import dev.weft.fibers.SchedulePoint;

import java.util.BitSet;

/**
 * Wraps the policy of one run: checks its answers, marks the context switches and stops a run that
 * makes too many decisions. Used by one run on the simulation's one carrier thread.
 */
final class Recorder implements SchedulePolicy {

    private final SchedulePolicy policy;
    private final int limit;
    /** Decisions at which a fiber that could have gone on was switched away from. */
    final BitSet switches = new BitSet();
    int decisions;

    Recorder(SchedulePolicy policy, int limit) {
        this.policy = policy;
        this.limit = limit;
    }

    @Override
    public int pick(SchedulePoint point) {
        if (decisions == limit) {
            throw new ScheduleLimitExceeded(limit);
        }
        int n = point.runnable();
        int c = policy.pick(point);
        if (c < 0 || c >= n) {
            throw new IllegalStateException("schedule policy " + policy + " picked " + c + " at decision "
                    + point.step() + " of " + n + " runnable fibers: a policy returns an index in [0, runnable())");
        }
        long previous = point.previousFiberId();
        if (point.fiberId(c) != previous && Schedule.indexOf(point, previous) >= 0) {
            switches.set(point.step());
        }
        decisions++;
        return c;
    }
}
