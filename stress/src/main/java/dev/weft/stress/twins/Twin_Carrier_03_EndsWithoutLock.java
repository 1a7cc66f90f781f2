package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Carrier_03_ReusedCarrierRunsTask;
import dev.weft.stress.shapes.CarrierReuseShape;
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
 * NEGATIVE CONTROL: this test must FAIL. It runs Carrier_03_ReusedCarrierRunsTask's shape (a
 * first task, then, 0 to 23 µs after it ran, a second one, on a pool whose idle carriers wait
 * 2 µs) on BrokenCarrierThreads, whose idle carrier sees that no task was handed to it and
 * that its keep-alive ran out, and then ends, leaving the idle list under the lock but without
 * looking again: a start that took it in between hands its task to a thread that ends. The
 * twin's carrier reports such a task ("0") instead of leaving the arbiter to wait 10 s for it.
 *
 * Run: ./weft stress quick Twin_Carrier_03
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The second task ran (on the reused carrier or a new one).")
@Outcome(id = "0", expect = FORBIDDEN, desc = "The task was handed to a carrier that ended.")
@Outcome(id = "-1", expect = FORBIDDEN, desc = "The second task never ran (lost).")
@Description("Negative control of Carrier_03: an idle carrier decides to end outside the lock.")
@NegativeControl(of = Carrier_03_ReusedCarrierRunsTask.class, defect = "an idle carrier decides to end before it takes the lock a start takes it under")
@State
public class Twin_Carrier_03_EndsWithoutLock {
    private final CarrierReuseShape shape = new CarrierReuseShape(BrokenCarrierThreads::new);

    @Actor
    public void first() {
        shape.first();
    }

    @Actor
    public void second() {
        shape.second();
    }

    @Arbiter
    public void ran(I_Result r) {
        shape.ran(r);
    }
}
