package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorFibers;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Carrier_01_StartedFiberKeepsCarrier;
import dev.weft.stress.shapes.StartedFiberCarrierShape;
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
 * NEGATIVE CONTROL: this test must FAIL. It runs Carrier_01_StartedFiberKeepsCarrier's shape
 * (strand started on a two-carrier group, reads its thread through ActorFibers.carrierNow(),
 * flag, 0 to 63 spins, probe, park; a waker that waits for the flag and unparks; the thread
 * read again after the park) on BrokenCarrierGroup, whose group sends every submission,
 * resumptions included, to the next carrier in turn: a resumed strand moves. The suite fails
 * if this passes; it also proves that carrierNow(), read in compiled code, sees the move.
 *
 * Run: ./weft stress quick Twin_Carrier_01
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The park suspended, and the strand resumed on the carrier it started on.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The unpark came first: the park returned at once, on the same carrier.")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "The strand resumed on another carrier than the one it started on.")
@Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "The strand never resumed (lost wake-up).")
@Description("Negative control of Carrier_01: a resumption balanced onto another carrier.")
@NegativeControl(of = Carrier_01_StartedFiberKeepsCarrier.class, defect = "a resumption is balanced round-robin like a new strand")
@State
public class Twin_Carrier_01_ResumeMigrates {
    private final StartedFiberCarrierShape shape = new StartedFiberCarrierShape(BrokenCarrierGroup::new);

    @Actor
    public void starter() {
        shape.starter();
    }

    @Actor
    public void waker() {
        shape.waker();
    }

    @Arbiter
    public void carriers(II_Result r) {
        shape.carriers(r);
    }
}
