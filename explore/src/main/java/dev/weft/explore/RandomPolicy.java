package dev.weft.explore;

import dev.weft.fibers.SchedulePolicy;
import dev.weft.fibers.SchedulePoint;

import java.util.SplittableRandom;

/** Uniform random choice from a seed: the same seed gives the same choices. One run only. */
final class RandomPolicy implements SchedulePolicy {

    private final SplittableRandom random;

    RandomPolicy(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int pick(SchedulePoint point) {
        return random.nextInt(point.runnable());
    }
}
