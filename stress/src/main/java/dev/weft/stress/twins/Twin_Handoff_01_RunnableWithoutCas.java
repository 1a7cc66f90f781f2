package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Handoff_01_WokenFromThreadRunsOnce;
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
 * NEGATIVE CONTROL: this test must FAIL. It runs Handoff_01_WokenFromThreadRunsOnce's shape
 * (strand started on hub 0, flag, probe, two parks; 0 to 63 spins between the flag and the park; a waker
 * that waits for the flag and unparks) on BrokenParkHandshake with RUNNABLE_WITHOUT_CAS: the carrier re-check and unpark make the fiber runnable without a CAS,
 * which allows a double resume. The suite fails if this passes.
 *
 * Run: ./weft stress quick Twin_Handoff_01_RunnableWithoutCas
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The unpark came first: the first park consumed its permit and returned at once.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Handed off: the strand parked and was suspended and was resumed once.")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "Lost wake-up: nobody resumed the strand.")
@Outcome(id = "2, 0", expect = ACCEPTABLE_INTERESTING, desc = "Spurious return of the second park: the unpark's permit was consumed by the first park, which returned at once, but the unpark then saw the second park and woke it (Strand guarantee 3 allows this).")
@Outcome(id = "2, 1", expect = FORBIDDEN, desc = "Double resume: both the carrier and the unparker queued the strand.")
@Description("Negative control of Handoff_01: a double resume.")
@NegativeControl(of = Handoff_01_WokenFromThreadRunsOnce.class, defect = "carrier re-check and unpark make the fiber runnable without a CAS")
@State
public class Twin_Handoff_01_RunnableWithoutCas {
    private final WokenFromThreadShape shape = new WokenFromThreadShape(body -> new BrokenParkHandshake(BrokenParkHandshake.Defect.RUNNABLE_WITHOUT_CAS, body));

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
