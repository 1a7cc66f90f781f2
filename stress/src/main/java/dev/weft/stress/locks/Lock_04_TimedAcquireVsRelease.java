package dev.weft.stress.locks;

import dev.weft.locks.Semaphore;

import java.time.Duration;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Semaphore guarantee 4, a timed acquire granted at its deadline. When the time runs
 * out just as a release hands the permit over, the acquire either returns true and keeps the
 * permit, or returns false and the permit stays free: never lost, never duplicated.
 *
 * Interleaving: one platform thread calls tryAcquire(20 us) on an empty semaphore (it queues,
 * parks, wakes at its deadline and tries to cancel its node); the other releases at the same
 * time (the drainer deducts the permit and CASes the node to GRANTED). The arbiter reads the
 * permits left.
 *
 * Run: ./weft stress quick Lock_04
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The acquire got the permit (before or at its deadline).")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The acquire timed out; the released permit is free.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The permit was lost or duplicated.")
@Description("A timed acquire racing a release at its deadline neither loses nor duplicates the permit.")
@State
public class Lock_04_TimedAcquireVsRelease {
    private final Semaphore semaphore = new Semaphore(0);

    @Actor
    public void acquirer(II_Result r) {
        try {
            r.r1 = semaphore.tryAcquire(Duration.ofNanos(20_000)) ? 1 : 0;
        } catch (InterruptedException e) {
            throw new AssertionError("jcstress interrupted the acquirer", e);
        }
    }

    @Actor
    public void releaser() {
        semaphore.release();
    }

    @Arbiter
    public void left(II_Result r) {
        r.r2 = semaphore.availablePermits();
    }
}
