package dev.weft.stress.harness;

/**
 * One hang per forked VM of a test. A shape that turns a hang into an outcome (a bounded wait
 * that runs out) cannot free what hung: a fiber parked for ever, a close waiting
 * for ever, a scheduler's carriers. So once its budget is spent the shape stops making subjects
 * and reports its later samples as "not run" (forbidden too), which keeps what leaked small and
 * lets the fork end normally. One hang already fails the test (or catches the twin): the budget
 * is about what a fork leaks, not about proof.
 */
public final class HangBudget {
    private volatile boolean spent;

    /** Whether this VM has had its hang: a new sample should not run. */
    public boolean spent() {
        return spent;
    }

    /** Records a hang. */
    public void hung() {
        spent = true;
    }
}
