package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import dev.weft.stress.shapes.NestedExpiryShape;
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
 * Why: issue 10's D2. A fiber holds one pending expiry at a time; when an inner and an outer
 * Timeout expire in the same timer pass, "the first to fire wins" dropped the outer one and
 * nothing re-armed it: the outer scope then ran past its deadline, hasExpired() true and
 * nothing thrown. The inner's TimeoutExpired must be handled inside the outer scope, and the
 * outer's then thrown at the next suspension point, never lost.
 *
 * Interleaving: the actor spawns a plain fiber on ActorCarrier hub 0. The fiber opens an outer
 * Timeout of 40 us and an inner one that expires 20 us after the outer was opened (a sample in
 * which the fiber was held up so long between the two that the inner's deadline may come second
 * is reported "2, 2, 2", not judged), and spins (no suspension point, so its hub fires no timer)
 * until 0 to 150 us after it opened them, varying per sample: the inner expires
 * during the inner sleep, or before it, or (past 40 us) both expire before it, in one timer
 * pass. It catches the inner's TimeoutExpired inside the inner scope, then sleeps 5 ms inside
 * the outer scope: the outer's expiry must end that sleep. The arbiter waits for the fiber
 * and reads what was thrown where. Shape: dev.weft.stress.shapes.NestedExpiryShape; its twin:
 * Twin_Timeout_03_FirstToFireWins.
 *
 * Run: ./weft stress quick Timeout_03
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The inner expiry was handled in its scope, then the outer was thrown at the next sleep.")
@Outcome(id = "2, 2, 2", expect = ACCEPTABLE_INTERESTING, desc = "Not judged: the fiber was held up between opening the scopes, so the inner's deadline may be the later one.")
@Outcome(id = "1, 0, 1", expect = FORBIDDEN, desc = "The outer expiry was lost: its scope slept 5 ms past its deadline, nothing thrown.")
@Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "The outer expiry was thrown inside the inner scope, before the inner was handled.")
@Outcome(id = "-1, 0, 0", expect = FORBIDDEN, desc = "The fiber never ended.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Neither expiry thrown where it belongs.")
@Description("An inner and an outer Timeout expiring together: the inner is handled in its scope, then the outer is thrown.")
@State
public class Timeout_03_InnerThenOuterExpiry {
    private final NestedExpiryShape shape = new NestedExpiryShape(new RealFiber());

    @Actor
    public void starter() {
        shape.starter();
    }

    @Arbiter
    public void outcome(III_Result r) {
        shape.outcome(r);
    }

    /** The shape's subject: a plain fiber of ActorCarrier hub 0 and its Timeouts. */
    static final class RealFiber implements NestedExpiryShape.Subject {
        private volatile Fiber<Void> fiber;

        @Override
        public void start(Runnable body) {
            fiber = ActorCarrier.hub(0).spawn(body::run);
        }

        @Override
        public NestedExpiryShape.Scope open(long nanos) {
            return new RealScope(Timeout.after(Duration.ofNanos(nanos)));
        }

        @Override
        public void sleep(long nanos) {
            Fiber.sleep(Duration.ofNanos(nanos));
        }

        @Override
        public boolean isExpiryOf(Throwable t, NestedExpiryShape.Scope scope) {
            return t instanceof TimeoutExpired e && scope instanceof RealScope s && e.timeout() == s.timeout();
        }

        @Override
        public boolean awaitEnd() {
            ActorCarrier.awaitFlag(() -> fiber != null);
            return ActorCarrier.awaitEnd(fiber);
        }
    }

    /** A real Timeout as the shape's scope. */
    record RealScope(Timeout timeout) implements NestedExpiryShape.Scope {
        @Override
        public boolean hasExpired() {
            return timeout.hasExpired();
        }

        @Override
        public void close() {
            timeout.close();
        }
    }
}
