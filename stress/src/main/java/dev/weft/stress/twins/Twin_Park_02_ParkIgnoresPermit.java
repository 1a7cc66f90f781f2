package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Park_02_UnparkBeforePark;
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
 * NEGATIVE CONTROL: this test must FAIL. It runs Park_02_UnparkBeforePark's shape on
 * BrokenParkHandshake with PARK_IGNORES_PERMIT: the park suspends although the earlier
 * unpark left its permit, so it never "returns at once". The suite fails if this passes.
 *
 * Run: ./weft stress quick Twin_Park_02
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The park consumed the earlier unpark's permit and returned without suspending.")
@Outcome(id = "0", expect = FORBIDDEN, desc = "The park suspended although its permit was already available.")
@Description("Negative control of Park_02: a park that ignores an available permit.")
@NegativeControl(of = Park_02_UnparkBeforePark.class, defect = "park suspends although the permit is available")
@State
public class Twin_Park_02_ParkIgnoresPermit {
    private final UnparkBeforeParkShape shape = new UnparkBeforeParkShape(body -> new BrokenParkHandshake(BrokenParkHandshake.Defect.PARK_IGNORES_PERMIT, body));

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
