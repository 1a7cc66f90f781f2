package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import dev.weft.stress.shapes.CloseVsExpiryShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Timeout guarantee 1, "never after that fiber closed it: an expiry that raced with
 * close() is dropped". When a fiber closes a Timeout just as it expires, exactly one thing may
 * happen: the body sees TimeoutExpired (the expiry reached a suspension point inside the scope),
 * or the scope closes cleanly and that expiry is never thrown anywhere later. A later park of
 * the same fiber must not be hit by the stale expiry.
 *
 * Where the race is real: a plain fiber's timers fire on its own carrier, between batches,
 * never while the fiber runs, so for plain fibers close and expiry are ordered on one thread
 * and do not race. A patched fiber's (Monkey) timers on a MultiCarrierScheduler fire on the
 * group's timer thread, in parallel with the fiber, which may be running, without a
 * suspension point, right up to its close(). That is the race this test drives.
 *
 * Interleaving: the actor starts a patched fiber on the shared two-carrier group
 * (ActorFibers.group()). The fiber opens a 50 us timeout (armed on the group's timer thread)
 * and spins, with no suspension point, until 0 to 150 us past the deadline (varying per
 * sample), so the timer thread fires before, during or after the spin, and in some samples at
 * the instant of close(). In every other sample the fiber also yields once (a suspension
 * point) just before closing, where an expiry that already fired is thrown. After the scope
 * the fiber unparks itself and parks: the later park, where a stale expiry would be thrown.
 * The arbiter waits for the fiber to end; the third column (the timeout's hasExpired())
 * tells whether the timer fired at all, so "0, 0, 1" shows the race was hit: fired while the
 * scope was open, dropped by close.
 *
 * Not covered here: the interrupt that carries a patched fiber's expiry into a blocking JDK
 * call. When close drops an expiry that fired, that interrupt stays set, and the fiber's next
 * blocking JDK call throws InterruptedException (a runtime defect, reported with a reproducer).
 * A Weft park, as here, only returns early (allowed: parks may return spuriously).
 *
 * Run: ./weft stress quick Timeout_02
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "The expiry reached the yield inside the scope: TimeoutExpired thrown once, nothing later.")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "Closed before the timer fired: no expiry anywhere.")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "The timer fired while the scope was open (or raced the close) and close dropped the expiry: nothing thrown, now or later.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "A stale expiry hit the later park, or the fiber never ended.")
@Description("A Timeout closed as it expires either throws in its scope or never throws.")
@State
public class Timeout_02_CloseVsExpiry {
    private final CloseVsExpiryShape shape = new CloseVsExpiryShape(new RealPatchedFiber());

    @Actor
    public void starter() {
        shape.starter();
    }

    @Arbiter
    public void outcome(III_Result r) {
        shape.outcome(r);
    }

    /** The shape's subject: a patched fiber of the shared group, and its Timeouts. */
    static final class RealPatchedFiber implements CloseVsExpiryShape.Subject {
        private volatile Fiber<Void> fiber;

        @Override
        public void start(Runnable body) {
            Fiber<Void> f = ActorFibers.unstartedPatched(ActorFibers.group(), () -> {
                body.run();
                return null;
            });
            fiber = f;
            ActorFibers.start(f);
        }

        @Override
        public CloseVsExpiryShape.Scope open(long nanos) {
            Timeout t = Timeout.after(Duration.ofNanos(nanos));
            return new CloseVsExpiryShape.Scope() {
                @Override
                public boolean hasExpired() {
                    return t.hasExpired();
                }

                @Override
                public void close() {
                    t.close();
                }
            };
        }

        @Override
        public void yieldNow() {
            Fiber.yieldNow();
        }

        @Override
        public void unparkSelfThenPark() {
            Fiber.current().unpark();
            Strand.park();
        }

        @Override
        public boolean isExpiry(Throwable t) {
            return t instanceof TimeoutExpired;
        }

        @Override
        public boolean awaitEnd() {
            return ActorCarrier.awaitEnd(fiber);
        }
    }
}
