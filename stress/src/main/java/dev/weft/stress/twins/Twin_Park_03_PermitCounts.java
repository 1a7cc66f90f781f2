package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Park_03_TwoUnparksOnePermit;
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
 * NEGATIVE CONTROL: this test must FAIL. It runs Park_03_TwoUnparksOnePermit's shape on
 * BrokenParkHandshake with PERMIT_COUNTS: the permit counts unparks, so both parks return at
 * once. The suite fails if this passes.
 *
 * Run: ./weft stress quick Twin_Park_03
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "One permit: the first park returned at once, the second suspended.")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Two permits: both parks returned at once.")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "No permit: the racing unparks were both lost.")
@Description("Negative control of Park_03: a permit that counts.")
@NegativeControl(of = Park_03_TwoUnparksOnePermit.class, defect = "the permit is a counter")
@State
public class Twin_Park_03_PermitCounts {
    private final TwoUnparksShape shape = new TwoUnparksShape(body -> new BrokenParkHandshake(BrokenParkHandshake.Defect.PERMIT_COUNTS, body));

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
