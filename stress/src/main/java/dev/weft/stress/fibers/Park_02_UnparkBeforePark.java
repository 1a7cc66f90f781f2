package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Strand;
import dev.weft.stress.shapes.RealParkSubject;
import dev.weft.stress.shapes.UnparkBeforeParkShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Strand guarantee 1, first half. An unpark made before the park leaves the permit, and
 * the park consumes it and returns at once, without suspending: a fiber must not yield its
 * carrier (and wait for a resumption) when its wake-up has already arrived.
 *
 * Interleaving: the first actor unparks the unstarted fiber from a platform thread and
 * publishes that it did; the second actor waits for that, then starts the fiber on its hub
 * (ActorCarrier hub 0), whose carrier runs it to its park. The permit is written on one CPU
 * and consumed on another; the test checks that the park saw it. Just before parking the
 * fiber queues a probe behind itself on its hub: the probe runs before the fiber continues
 * if and only if the park really suspended. The arbiter waits for the hubs to settle, reads
 * the result and kills the fiber (parked a second time).
 *
 * Run: ./weft stress quick Park_02
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The park consumed the earlier unpark's permit and returned without suspending.")
@Outcome(id = "0", expect = FORBIDDEN, desc = "The park suspended although its permit was already available.")
@Description("An unpark before the park makes the park return at once.")
@State
public class Park_02_UnparkBeforePark {
    private final UnparkBeforeParkShape shape = new UnparkBeforeParkShape(RealParkSubject::new);

    @Actor
    public void waker() {
        shape.waker();
    }

    @Actor
    public void carrier() {
        shape.carrier();
    }

    @Arbiter
    public void result(I_Result r) {
        shape.result(r);
    }
}
