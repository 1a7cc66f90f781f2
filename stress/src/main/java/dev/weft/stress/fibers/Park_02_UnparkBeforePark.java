package dev.weft.stress.fibers;

import dev.weft.fibers.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Strand guarantee 1, first half. An unpark made before the park leaves the permit, and
 * the park consumes it and returns at once, without suspending: a fiber must not yield its
 * carrier (and wait for a resumption) when its wake-up has already arrived.
 *
 * Interleaving: the first actor unparks the unstarted fiber from a platform thread and
 * publishes that it did; the second actor waits for that, then becomes the fiber's carrier and
 * runs it to its park. The permit is written on one CPU and consumed on the other; the test
 * checks that the park saw it.
 *
 * Run: ./weft stress quick Park_02
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The park consumed the earlier unpark's permit and returned without suspending.")
@Outcome(id = "0", expect = FORBIDDEN, desc = "The park suspended although its permit was already available.")
@Description("An unpark before the park makes the park return at once.")
@State
public class Park_02_UnparkBeforePark {
    private volatile boolean unparked;
    private boolean returnedAtOnce;
    private final Fiber<Void> fiber = ActorCarrier.unstarted(() -> {
        Strand.park();
        returnedAtOnce = true;
        Strand.park();
    });

    @Actor
    public void waker() {
        fiber.unpark();
        unparked = true;
    }

    @Actor
    public void carrier(I_Result r) {
        while (!unparked) {
            Thread.onSpinWait();
        }
        ActorCarrier.runUntilSuspended(fiber);
        r.r1 = returnedAtOnce ? 1 : 0;
    }
}
