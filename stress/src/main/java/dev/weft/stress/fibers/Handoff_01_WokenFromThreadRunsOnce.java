package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;
import dev.weft.stress.shapes.RealParkSubject;
import dev.weft.stress.shapes.WokenFromThreadShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Fiber's state-machine invariant, "only the strand that moves the fiber into RUNNABLE
 * submits it". After a park yields, two strands may try to make the fiber runnable: its
 * carrier (re-checking the permit) and the unparking thread. If both submitted it, the fiber
 * would be resumed twice (the JDK throws "Mounted!!!!" if two carriers do it at once, or the
 * fiber runs past a later park it had no permit for). If neither did, the wake-up is lost.
 *
 * Interleaving: the first actor starts the fiber on its hub (ActorCarrier hub 0: every segment
 * of the fiber runs on that hub's carrier thread). On that carrier the fiber raises a flag and
 * parks: publish PARKING, yield, then the carrier publishes PARKED, re-checks the permit and
 * CASes to RUNNABLE. The second actor waits for the flag and unparks at once; the fiber spins 0 to
 * 63 times (varying per sample, to sweep the window) between the flag and its park from its platform thread (publish the permit, read
 * the state, CAS to RUNNABLE), so the unpark lands before the park, inside the handshake, or
 * after it. Just before parking the fiber queues a probe behind itself on its hub: the probe
 * runs before the fiber continues if and only if the first park really suspended. The fiber
 * parks a second time after resuming, so a second, spurious resumption shows up as a second
 * count. The arbiter waits for the hubs to settle, counts, then kills the parked fiber.
 *
 * Run: ./weft stress quick Handoff_01
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The unpark came first: the first park consumed its permit and returned at once.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Handed off: the fiber suspended and was resumed once.")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "Lost wake-up: nobody resumed the fiber.")
@Outcome(id = "2, 0", expect = ACCEPTABLE_INTERESTING, desc = "Spurious return of the second park: the unpark's permit was consumed by the first park, which returned at once, but the unpark then saw the second park and woke it (Strand guarantee 3 allows this).")
@Outcome(id = "2, 1", expect = FORBIDDEN, desc = "Double resume: both the carrier and the unparker submitted the fiber.")
@Description("A fiber woken from a platform thread runs exactly once.")
@State
public class Handoff_01_WokenFromThreadRunsOnce {
    private final WokenFromThreadShape shape = new WokenFromThreadShape(RealParkSubject::new);

    @Actor
    public void carrier() {
        shape.carrier();
    }

    @Actor
    public void waker() {
        shape.waker();
    }

    @Arbiter
    public void count(II_Result r) {
        shape.count(r);
    }
}
