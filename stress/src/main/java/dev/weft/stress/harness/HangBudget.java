package dev.weft.stress.harness;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many hangs one forked VM of a test tolerates. A shape that turns a hang into an outcome
 * (a bounded wait that runs out) cannot free what hung: a fiber parked for ever, a close waiting
 * for ever, a scheduler's carriers. So once its budget is spent the shape stops making subjects
 * and reports its later samples as "not run" (forbidden too), which keeps what leaked small and
 * lets the fork end normally. One hang already fails the test (or catches the twin): the budget
 * is about what a fork leaks, not about proof.
 */
public final class HangBudget {
    private final int tolerated;
    private final AtomicInteger hangs = new AtomicInteger();

    public HangBudget(int tolerated) {
        this.tolerated = tolerated;
    }

    /** Whether this VM has had as many hangs as it tolerates: a new sample should not run. */
    public boolean spent() {
        return hangs.get() >= tolerated;
    }

    /** Counts a hang. */
    public void hung() {
        hangs.incrementAndGet();
    }
}
