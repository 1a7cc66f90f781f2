package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Strand;
import dev.weft.stress.shapes.RealParkSubject;
import dev.weft.stress.shapes.TwoUnparksShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Strand guarantee 1, second half. The permit is one bit, as with LockSupport: two
 * unparks before a park give one permit, so the first park returns and the second suspends.
 * A permit that counted would let a waiter run past a park it has no reason to pass; one that
 * lost a racing set would make the first park sleep.
 *
 * Interleaving: two platform threads unpark the same unstarted fiber at once, racing on the
 * permit's get-and-set and on the state read that follows. The arbiter then starts the
 * fiber on its hub (ActorCarrier hub 0), waits for the hubs to settle (the fiber has run
 * through the first park and suspended in the second), reads, and kills the fiber.
 *
 * Run: ./weft stress quick Park_03
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "One permit: the first park returned at once, the second suspended.")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Two permits: both parks returned at once.")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "No permit: the racing unparks were both lost.")
@Description("Two unparks before a park give one permit.")
@State
public class Park_03_TwoUnparksOnePermit {
    private final TwoUnparksShape shape = new TwoUnparksShape(RealParkSubject::new);

    @Actor
    public void waker1() {
        shape.waker1();
    }

    @Actor
    public void waker2() {
        shape.waker2();
    }

    @Arbiter
    public void carrier(II_Result r) {
        shape.carrier(r);
    }
}
