package dev.weft.stress.locks;

import dev.weft.locks.Semaphore;
import dev.weft.stress.shapes.Permits;
import dev.weft.stress.shapes.TimedAcquireShape;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Semaphore guarantee 4, a timed acquire granted at its deadline. When the time runs
 * out just as a release hands the permit over, the acquire either returns true and keeps the
 * permit, or returns false and the permit stays free: never lost, never duplicated.
 *
 * Interleaving: one platform thread calls tryAcquire(timeout) on an empty semaphore (it
 * queues, spins briefly watching for a grant as a queued thread does, then finds its deadline
 * passed and tries to cancel its node); the other releases (the drainer deducts the permit
 * and CASes the node to GRANTED) after 0 to 1008 spins. Both vary sample by sample: the
 * timeout from 1 to 256 ns, the release's lateness in steps of 16 spins, so that the release
 * regularly lands right at the acquirer's cancel (with a fixed 20 us timeout it nearly always
 * landed long before the deadline, and a cancel that drops a grant made at that moment, the
 * defect of Twin_Lock_04_CancelDropsGrant, would rarely show). The arbiter reads the permits
 * left.
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
    private final TimedAcquireShape shape = new TimedAcquireShape(Permits.of(new Semaphore(0)), 16);

    @Actor
    public void acquirer(II_Result r) {
        shape.acquirer(r);
    }

    @Actor
    public void releaser() {
        shape.releaser();
    }

    @Arbiter
    public void left(II_Result r) {
        shape.left(r);
    }
}
