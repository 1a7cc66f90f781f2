package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.Lock_05_KillWhileQueuedVsRelease;
import dev.weft.stress.shapes.KillWhileQueuedShape;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Lock_05_KillWhileQueuedVsRelease's shape (a
 * fiber on hub 0 queues on an empty semaphore and is killed once queued; a platform thread
 * releases at the same time; the arbiter waits for the fiber and reads the permits left) on
 * BrokenSemaphore with KILL_DROPS_GRANT: the killed fiber tries to cancel its node and rethrows
 * the kill even when it lost that CAS, i.e. when the release's drainer had just deducted the
 * permit and granted the node. The permit is then neither kept nor passed on: outcome "0, 0",
 * the lost permit that Lock_05 forbids.
 *
 * Run: ./weft stress quick Twin_Lock_05
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The fiber got the permit before the kill reached it, and kept it.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The fiber was killed; the permit is free (passed on or never taken).")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The permit was lost or duplicated, or the fiber did not end.")
@Description("Negative control of Lock_05: a killed waiter that drops the permit handed to it at that moment.")
@NegativeControl(of = Lock_05_KillWhileQueuedVsRelease.class, defect = "a killed waiter that loses the race to cancel rethrows the kill and drops the handed-over permit")
@State
public class Twin_Lock_05_KillDropsGrant {
    private final KillWhileQueuedShape shape = new KillWhileQueuedShape(
            new BrokenSemaphore(BrokenSemaphore.Defect.KILL_DROPS_GRANT, 0));

    @Actor
    public void carrierAndKiller() {
        shape.carrierAndKiller();
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
