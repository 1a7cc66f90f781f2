package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Timeout_01_TimedParkWokenAtDeadline;
import dev.weft.stress.shapes.TimedParkWokenShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Timeout_01_TimedParkWokenAtDeadline's shape
 * (a fiber on hub 0, started by an actor that then waits for it to end, opens a 50 us timeout
 * and parks until a flag is set; a platform thread sets the flag and unparks it at the
 * deadline plus -48 to +15 us, sample by sample; after its scope the fiber sleeps until just
 * past the deadline) on BrokenTimeout with CLOSE_LEAVES_TIMER_ARMED: when the wake-up wins,
 * the scope closes but its timer stays armed, fires at the deadline during the fiber's sleep,
 * and its expiry is thrown there, after the scope: the woken fiber reports a timeout as well,
 * outcome "1, 0, 1", which Timeout_01 forbids.
 *
 * Run: ./weft stress quick Twin_Timeout_01
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "Woken: the wake-up won; the expiry was dropped.")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "Timed out: the expiry won and was thrown once.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Both causes or none, or an expiry thrown after its timeout was closed.")
@Description("Negative control of Timeout_01: a closed timeout whose timer still fires.")
@NegativeControl(of = Timeout_01_TimedParkWokenAtDeadline.class, defect = "close leaves the timer armed, and its late expiry is thrown after the scope")
@State
public class Twin_Timeout_01_CloseLeavesTimerArmed {
    private final TimedParkWokenShape shape = new TimedParkWokenShape(new BrokenTimeout(BrokenTimeout.Defect.CLOSE_LEAVES_TIMER_ARMED));

    @Actor
    public void carrier() {
        shape.carrier();
    }

    @Actor
    public void waker() {
        shape.waker();
    }

    @Arbiter
    public void cause(III_Result r) {
        shape.cause(r);
    }
}
