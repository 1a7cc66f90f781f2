package dev.weft.stress.fibers;

import dev.weft.fibers.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Fiber's state-machine invariant, "only the strand that moves the fiber into RUNNABLE
 * submits it". After a park yields, two strands may try to make the fiber runnable: its
 * carrier (re-checking the permit) and the unparking thread. If both submitted it, two
 * carriers would resume one continuation: the JDK throws "Mounted!!!!", or the fiber runs
 * past a later park it had no permit for. If neither did, the wake-up is lost.
 *
 * Interleaving: the first actor is the fiber's carrier: it runs the fiber to its park and
 * performs the after-yield handshake (publish PARKED, re-check the permit, CAS to RUNNABLE).
 * The second actor unparks it from a platform thread (publish the permit, read the state, CAS
 * to RUNNABLE). Whichever wins submits the fiber to the shared scheduler; the arbiter waits
 * for that scheduler to go quiet and counts the resumptions. The fiber parks a second time
 * after resuming, so a second, spurious resumption would show up as a second count.
 *
 * Run: ./weft stress quick Handoff_01
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The unpark came first: the park returned at once, on the actor's thread.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Handed off: the fiber parked and was resumed once, by the scheduler's carrier.")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "Lost wake-up: nobody resumed the fiber.")
@Outcome(id = "2, 0", expect = ACCEPTABLE_INTERESTING, desc = "Spurious return of the second park: the unpark's permit was consumed by the first park, which returned at once, but the unpark then saw the second park and woke it (Strand guarantee 3 allows this).")
@Outcome(id = "2, 1", expect = FORBIDDEN, desc = "Double resume: both the carrier and the unparker submitted the fiber.")
@Description("A fiber woken from a platform thread runs exactly once.")
@State
public class Handoff_01_WokenFromThreadRunsOnce {
    private final AtomicInteger resumptions = new AtomicInteger();
    private volatile Thread actorCarrier;
    private volatile boolean handedOff;
    private final Fiber<Void> fiber = ActorCarrier.unstarted(() -> {
        Strand.park();
        handedOff = Thread.currentThread() != actorCarrier;
        resumptions.incrementAndGet();
        Strand.park();
        resumptions.incrementAndGet();
    });

    @Actor
    public void carrier() {
        actorCarrier = Thread.currentThread();
        ActorCarrier.runUntilSuspended(fiber);
    }

    @Actor
    public void waker() {
        fiber.unpark();
    }

    @Arbiter
    public void count(II_Result r) {
        ActorCarrier.settle();
        r.r1 = resumptions.get();
        r.r2 = handedOff ? 1 : 0;
    }
}
