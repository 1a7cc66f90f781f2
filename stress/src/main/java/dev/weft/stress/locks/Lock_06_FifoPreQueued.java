package dev.weft.stress.locks;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.locks.Semaphore;
import dev.weft.stress.shapes.FifoPreQueuedShape;
import dev.weft.stress.shapes.Permits;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Semaphore guarantee 1, FIFO hand-off without barging. With two fibers already queued,
 * a release hands its permit to the first one queued, and a tryAcquire() racing that release
 * fails: the permit never becomes free while strands are queued.
 *
 * Interleaving: the state's constructor starts fiber A, then fiber B, on one hub (ActorCarrier
 * hub 0) and waits until each has queued and parked. Then one platform thread releases one permit while the other
 * calls tryAcquire(). The arbiter waits for the scheduler to go quiet and reports who holds
 * the permit.
 *
 * Run: ./weft stress quick Lock_06
 */
@JCStressTest
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "The first queued fiber got the permit; tryAcquire did not barge.")
@Outcome(id = "1, .*", expect = FORBIDDEN, desc = "tryAcquire barged past the queued fibers.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The permit went to the second fiber, to both, or to nobody.")
@Description("Queued strands are served in order, and tryAcquire() does not barge past them.")
@State
public class Lock_06_FifoPreQueued {
    private final FifoPreQueuedShape shape = new FifoPreQueuedShape(Permits.of(new Semaphore(0)));

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
