package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import dev.weft.stress.shapes.TimedParkWokenShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Timeout guarantee 1. A fiber parked under a Timeout can end its wait for two reasons:
 * it was woken (its condition came true) or its deadline passed. When both happen at once it
 * must report exactly one cause: either it returns normally or it gets TimeoutExpired, never
 * both, and an expiry that lost the race must not be thrown later, at a suspension point
 * after the timeout's scope closed.
 *
 * Interleaving: the first actor starts the fiber on its hub (ActorCarrier hub 0, whose carrier
 * runs every segment of it): it opens a 50 us timeout (armed on the hub's timer heap, fired by
 * the hub's carrier between batches) and parks until a flag is set. The actor then waits for
 * the fiber to end, so that the samples do not overlap: jcstress runs each actor over a whole
 * stride of samples, and without this wait the fibers of a stride would all start at once,
 * while the waker, serving them one by one, would reach most of them long after their deadline
 * (then nearly every sample timed out). The second actor waits until the deadline plus a
 * lateness that sweeps -48 to +15 us, 1 us apart, sample by sample, then sets the flag and
 * unparks the fiber from its platform thread. Early wake-ups reach the hub before the deadline
 * (woken), late ones after it (timed out); around the deadline the unpark and the expiry meet
 * in one turn of the hub's loop, which takes in the woken fiber and fires the expired timer
 * before it runs the fiber. After its scope the fiber sleeps until just past the timeout's
 * deadline, a suspension point where a leaked expiry would be thrown: one that fired but lost
 * the race, or one from a timer that closing the scope left armed. The arbiter waits for the
 * fiber to end.
 *
 * Run: ./weft stress quick Timeout_01
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "Woken: the wake-up won; the expiry was dropped.")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "Timed out: the expiry won and was thrown once.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Both causes or none, or an expiry thrown after its timeout was closed.")
@Description("A timed wait woken at its deadline reports exactly one cause.")
@State
public class Timeout_01_TimedParkWokenAtDeadline {
    private final TimedParkWokenShape shape = new TimedParkWokenShape(new RealTimeouts());

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

    /** The shape's subject: Weft's Timeout, park and sleep. */
    static final class RealTimeouts implements TimedParkWokenShape.Subject {
        @Override
        public TimedParkWokenShape.Scope open(long nanos) {
            Timeout t = Timeout.after(Duration.ofNanos(nanos));
            long deadline = System.nanoTime() + nanos;
            return new TimedParkWokenShape.Scope() {
                @Override
                public long deadline() {
                    return deadline;
                }

                @Override
                public void close() {
                    t.close();
                }
            };
        }

        @Override
        public void park() {
            Strand.park();
        }

        @Override
        public void sleepUntil(long until) {
            Fiber.sleep(Duration.ofNanos(Math.max(0L, until - System.nanoTime())));
        }

        @Override
        public boolean isExpiry(Throwable t) {
            return t instanceof TimeoutExpired;
        }
    }
}
