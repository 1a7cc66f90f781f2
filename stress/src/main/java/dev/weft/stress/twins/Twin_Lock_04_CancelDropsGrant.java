package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.Lock_04_TimedAcquireVsRelease;
import dev.weft.stress.shapes.TimedAcquireShape;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Lock_04_TimedAcquireVsRelease's shape (a
 * platform thread's timed acquire on an empty semaphore vs a release; the arbiter reads the
 * permits left) on BrokenSemaphore with CANCEL_DROPS_GRANT: at its deadline the acquire tries
 * to cancel its node and returns false even when it lost that CAS, i.e. when the drainer had
 * just deducted the permit and granted the node. The permit is then neither kept nor passed on:
 * outcome "0, 0", the lost permit that Lock_04 forbids (Semaphore guarantee 4).
 *
 * Shape: as Lock_04, but the timeout sweeps 1 to 256 ns and the release 0 to 63 spins late,
 * sample by sample, instead of a fixed 20 us, so that the deadline regularly falls right at
 * the release's hand-over (with 20 us the release nearly always lands long before the deadline
 * and the defect is hit too rarely for a one-second ci run).
 *
 * Run: ./weft stress quick Twin_Lock_04
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The acquire got the permit (before or at its deadline).")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The acquire timed out; the released permit is free.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The permit was lost or duplicated.")
@Description("Negative control of Lock_04: a cancel that drops a permit handed over at the same moment.")
@NegativeControl(of = Lock_04_TimedAcquireVsRelease.class, defect = "a timed acquire that loses the race to cancel returns false and drops the handed-over permit")
@State
public class Twin_Lock_04_CancelDropsGrant {
    private final TimedAcquireShape shape = new TimedAcquireShape(
            new BrokenSemaphore(BrokenSemaphore.Defect.CANCEL_DROPS_GRANT, 0), 1);

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
