package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Timeout_02_CloseVsExpiry;
import dev.weft.stress.shapes.CloseVsExpiryShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.locks.LockSupport;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Timeout_02_CloseVsExpiry's shape (a virtual
 * thread on the two-carrier group opens a 50 us timeout armed on a timer thread, spins without
 * a suspension point until 0 to 150 us past the deadline, yields in every other sample, closes;
 * then unparks itself and parks) on BrokenTimeoutScope, whose close only disarms the timer:
 * an expiry that fired during the spin stays pending and hits the later park. The suite fails
 * if this passes.
 *
 * Run: ./weft stress quick Twin_Timeout_02
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "The expiry reached the yield inside the scope: thrown once, nothing later.")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "Closed before the timer fired: no expiry anywhere.")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "The timer fired while the scope was open (or raced the close) and close dropped the expiry.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "A stale expiry hit the later park, or the strand never ended.")
@Description("Negative control of Timeout_02: a close that leaves a fired expiry pending.")
@NegativeControl(of = Timeout_02_CloseVsExpiry.class, defect = "close only disarms the timer; a fired expiry stays pending")
@State
public class Twin_Timeout_02_CloseKeepsExpiry {
    private final CloseVsExpiryShape shape = new CloseVsExpiryShape(new Copy());

    @Actor
    public void starter() {
        shape.starter();
    }

    @Arbiter
    public void outcome(III_Result r) {
        shape.outcome(r);
    }

    /** The shape's subject: BrokenTimeoutScope's owner, a virtual thread of the shared group. */
    static final class Copy implements CloseVsExpiryShape.Subject {
        private final BrokenTimeoutScope timeouts = new BrokenTimeoutScope();
        private volatile boolean ended;

        @Override
        public void start(Runnable body) {
            ActorFibers.virtualThreads(ActorFibers.group()).start(() -> {
                body.run();
                ended = true;
            });
        }

        @Override
        public CloseVsExpiryShape.Scope open(long nanos) {
            BrokenTimeoutScope.Scope t = timeouts.open(nanos);
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
            timeouts.yieldNow();
        }

        @Override
        public void unparkSelfThenPark() {
            LockSupport.unpark(Thread.currentThread());
            timeouts.park();
        }

        @Override
        public boolean isExpiry(Throwable t) {
            return t instanceof BrokenTimeoutScope.Expired;
        }

        @Override
        public boolean awaitEnd() {
            return ActorCarrier.awaitFlag(() -> ended);
        }
    }
}
