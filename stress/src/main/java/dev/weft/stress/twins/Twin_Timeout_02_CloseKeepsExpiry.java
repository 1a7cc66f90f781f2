package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Timeout_02_CloseVsExpiry;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.atomic.AtomicInteger;
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
    private static final long TIMEOUT_NANOS = 50_000;
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int sample = SAMPLES.incrementAndGet();
    private final long lateness = (sample & 15) * 10_000L;
    private final boolean yieldInside = (sample & 16) != 0;
    private final BrokenTimeoutScope timeouts = new BrokenTimeoutScope();
    private int sawExpiry;
    private int stale;
    private int fired;
    private volatile boolean ended;
    private final Thread strand = ActorFibers.virtualThreads(ActorFibers.group()).unstarted(this::body);

    private void body() {
        BrokenTimeoutScope.Scope t = timeouts.open(TIMEOUT_NANOS);
        long until = System.nanoTime() + TIMEOUT_NANOS + lateness;
        try (t) {
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // no suspension point: the expiry can only be recorded, not thrown
            }
            if (yieldInside) {
                timeouts.yieldNow();
            }
        } catch (BrokenTimeoutScope.Expired e) {
            sawExpiry = 1;
        }
        fired = t.hasExpired() ? 1 : 0;
        try {
            LockSupport.unpark(Thread.currentThread());
            timeouts.park();
        } catch (BrokenTimeoutScope.Expired e) {
            stale = 1;
        }
        ended = true;
    }

    @Actor
    public void starter() {
        strand.start();
    }

    @Arbiter
    public void outcome(III_Result r) {
        if (!ActorCarrier.awaitFlag(() -> ended)) {
            r.r1 = -1;
            return;
        }
        r.r1 = sawExpiry;
        r.r2 = stale;
        r.r3 = fired;
    }
}
