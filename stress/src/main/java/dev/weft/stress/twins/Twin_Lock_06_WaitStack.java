package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.Lock_06_FifoPreQueued;
import dev.weft.stress.shapes.FifoPreQueuedShape;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Lock_06_FifoPreQueued's shape (fibers A then
 * B queued and parked on hub 0 by the state's constructor; one platform thread releases one
 * permit while the other calls tryAcquire(); the arbiter reports who holds the permit) on
 * BrokenSemaphore with WAIT_STACK: waiters are pushed at the end the drainer serves from, so
 * the release's hand-off skips the queue order and goes to B, the newest waiter: outcome
 * "0, 0, 1", which Lock_06 forbids.
 *
 * Run: ./weft stress quick Twin_Lock_06
 */
@JCStressTest
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "The first queued fiber got the permit; tryAcquire did not barge.")
@Outcome(id = "1, .*", expect = FORBIDDEN, desc = "tryAcquire barged past the queued fibers.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The permit went to the second fiber, to both, or to nobody.")
@Description("Negative control of Lock_06: a release that serves the newest waiter first.")
@NegativeControl(of = Lock_06_FifoPreQueued.class, defect = "waiters are kept on a stack: the release hands its permit to the newest waiter")
@State
public class Twin_Lock_06_WaitStack {
    private final FifoPreQueuedShape shape = new FifoPreQueuedShape(new BrokenSemaphore(BrokenSemaphore.Defect.WAIT_STACK, 0));

    @Actor
    public void releaser() {
        shape.releaser();
    }

    @Actor
    public void barger(III_Result r) {
        shape.barger(r);
    }

    @Arbiter
    public void holders(III_Result r) {
        shape.holders(r);
    }
}
