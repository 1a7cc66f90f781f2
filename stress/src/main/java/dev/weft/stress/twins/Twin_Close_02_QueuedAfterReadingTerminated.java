package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Close_02_CloserWokenAfterSpin;
import dev.weft.stress.shapes.CloserWakeShape;
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
 * NEGATIVE CONTROL: this test must FAIL. It runs Close_02_CloserWokenAfterSpin's shape (a closer
 * that spins 20 µs, then queues itself and parks; a carrier that stops 0 to 46.5 µs after it
 * is woken by the close) on BrokenHubClose, whose closer reads `terminated` after its spin and
 * queues itself after that read: a carrier that stops in between wakes nobody, and the closer
 * parks with the hub stopped. The twin's park has a 20 ms limit that only ends the sample; the
 * closer reports what it slept through ("0"), so the outcome does not depend on the limit.
 *
 * Run: ./weft stress quick Twin_Close_02
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "close() returned once the carrier had stopped.")
@Outcome(id = "0", expect = FORBIDDEN, desc = "The closer slept through the carrier's stop.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "close() never returned, or not run after earlier hangs.")
@Description("Negative control of Close_02: the closer queues itself after it read terminated.")
@NegativeControl(of = Close_02_CloserWokenAfterSpin.class, defect = "the closer queues itself as a close waiter after its last read of terminated")
@State
public class Twin_Close_02_QueuedAfterReadingTerminated {
    private final CloserWakeShape shape = new CloserWakeShape(new BrokenHubClose());

    @Actor
    public void opener() {
        shape.opener();
    }

    @Actor
    public void closer() {
        shape.closer();
    }

    @Arbiter
    public void outcome(I_Result r) {
        shape.outcome(r);
    }
}
