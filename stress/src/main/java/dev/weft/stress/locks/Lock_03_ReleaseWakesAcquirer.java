package dev.weft.stress.locks;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.locks.Semaphore;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: no lost wake-up in the semaphore. A release that races an acquire which is queueing
 * (linking its node, counting it, marking it WAITING, draining) must either be seen by that
 * drain or serve the node itself; otherwise the acquirer sleeps forever with a free permit.
 *
 * Interleaving: the actor starts a fiber on its hub (ActorCarrier hub 0, whose carrier runs
 * every segment of it) that acquires an empty semaphore (it queues and parks), then waits, as
 * a thread, for the fiber to end. jcstress delivers the signal, a
 * release from another platform thread, anywhere in that sequence.
 *
 * Run: ./weft stress quick Lock_03
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The release reached the acquirer.")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the acquirer stayed queued although a permit was released.")
@Description("A release racing an acquire that is queueing is never lost.")
@State
public class Lock_03_ReleaseWakesAcquirer {
    private final Semaphore semaphore = new Semaphore(0);
    private final Fiber<Void> acquirer = ActorCarrier.unstarted(() -> semaphore.acquireUninterruptibly());

    @Actor
    public void carrier() {
        ActorCarrier.start(acquirer);
        while (!acquirer.isDone()) {
            try {
                acquirer.join();
            } catch (InterruptedException e) {
                // jcstress judges a hang by the clock; an interrupt must not end the wait
            }
        }
    }

    @Signal
    public void releaser() {
        semaphore.release();
    }
}
