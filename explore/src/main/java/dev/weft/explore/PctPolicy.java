package dev.weft.explore;

import dev.weft.fibers.SchedulePolicy;
import dev.weft.fibers.SchedulePoint;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Probabilistic Concurrency Testing (Burckhardt et al., ASPLOS 2010) over the simulation's
 * decisions: each fiber gets a random priority (at least {@code depth}) when first seen, the
 * highest-priority runnable fiber always runs, and at {@code depth - 1} random decisions among the
 * first {@code expectedDecisions} the running fiber's priority drops below every initial one (to
 * {@code depth - 1 - i} at the i-th change point). A bug of depth d is found with probability at
 * least 1/(n k^(d-1)) per run for n fibers and k decisions. One run only.
 */
final class PctPolicy implements SchedulePolicy {

    private final SplittableRandom random;
    private final int depth;
    private final int[] changePoints;
    private final Map<Long, Integer> priority = new HashMap<>();

    PctPolicy(long seed, int depth, int expectedDecisions) {
        if (depth < 1) {
            throw new IllegalArgumentException("PCT depth " + depth + ": the depth is 1 (no change point) or more");
        }
        this.random = new SplittableRandom(seed);
        this.depth = depth;
        int k = Math.max(1, expectedDecisions);
        this.changePoints = new int[depth - 1];
        for (int i = 0; i < changePoints.length; i++) {
            changePoints[i] = random.nextInt(k);
        }
    }

    @Override
    public int pick(SchedulePoint point) {
        int n = point.runnable();
        for (int i = 0; i < n; i++) {
            // initial priorities above every change point's (which are below depth)
            priority.computeIfAbsent(point.fiberId(i), id -> depth + random.nextInt(1 << 20));
        }
        int best = highest(point);
        for (int i = 0; i < changePoints.length; i++) {
            if (changePoints[i] == point.step()) {
                priority.put(point.fiberId(best), depth - 1 - i);
                best = highest(point);
            }
        }
        return best;
    }

    private int highest(SchedulePoint point) {
        int best = 0;
        int bestPriority = Integer.MIN_VALUE;
        for (int i = 0, n = point.runnable(); i < n; i++) {
            int p = priority.get(point.fiberId(i));
            if (p > bestPriority) {
                best = i;
                bestPriority = p;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "PCT(d=" + depth + ", change points " + Arrays.toString(changePoints) + ")";
    }
}
