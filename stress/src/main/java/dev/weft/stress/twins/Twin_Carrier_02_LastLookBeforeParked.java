package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Carrier_02_IdleCarrierWakes;
import dev.weft.stress.shapes.IdleCarrierWakeShape;
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
 * NEGATIVE CONTROL: this test must FAIL. It runs Carrier_02_IdleCarrierWakes's shape (a first
 * step on a carrier that then idles; a waker that waits for its flag, then 0 to 46.5 µs, and
 * wakes the second step) on BrokenIdleCarrier, whose carrier looks at its inbox a last time
 * before it publishes PARKED: a wake-up enqueued between the two reads SPINNING, skips the
 * unpark, and the carrier parks with it queued. The twin's park has a 20 ms limit that only ends
 * the sample; the carrier reports what it slept through ("0"), so the outcome does not depend on
 * the limit's length.
 *
 * Run: ./weft stress quick Twin_Carrier_02
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The strand was woken and ran its second step.")
@Outcome(id = "0", expect = FORBIDDEN, desc = "The carrier slept through the wake-up.")
@Outcome(id = "-1", expect = FORBIDDEN, desc = "The strand never ran again (lost wake-up).")
@Description("Negative control of Carrier_02: the idle carrier's last look comes before PARKED is published.")
@NegativeControl(of = Carrier_02_IdleCarrierWakes.class, defect = "the idle carrier looks at its inbox a last time before it publishes PARKED")
@State
public class Twin_Carrier_02_LastLookBeforeParked {
    private final IdleCarrierWakeShape shape = new IdleCarrierWakeShape(BrokenIdleCarrier::new);

    @Actor
    public void sleeper() {
        shape.sleeper();
    }

    @Actor
    public void waker() {
        shape.waker();
    }

    @Arbiter
    public void woken(I_Result r) {
        shape.woken(r);
    }
}
