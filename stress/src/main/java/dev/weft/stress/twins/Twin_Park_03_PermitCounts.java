package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Park_03_TwoUnparksOnePermit;
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
    private int first;
    private int second;
    private final BrokenParkHandshake strand = new BrokenParkHandshake(BrokenParkHandshake.Defect.PERMIT_COUNTS, this::body);

    private void body() {
        strand.park();
        first = 1;
        strand.park();
        second = 1;
    }

    @Actor
    public void waker1() {
        strand.unpark();
    }

    @Actor
    public void waker2() {
        strand.unpark();
    }

    @Arbiter
    public void carrier(II_Result r) {
        strand.start();
        BrokenParkHandshake.settle();
        r.r1 = first;
        r.r2 = second;
    }
}
