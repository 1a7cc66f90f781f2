package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Timeout;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Timeout guarantee 1 ("never after that fiber closed it") in monkey mode. In a patched
 * fiber an expiry also arrives as an interrupt, so that a blocking JDK call gives up (Monkey,
 * "Kills and timeouts"). When close drops an expiry that fired but was not thrown, the
 * interrupt that carried it must go too: otherwise the fiber's next blocking JDK call, after
 * the scope, throws InterruptedException for a timeout that is closed.
 *
 * Interleaving: the actor starts a patched fiber on the shared two-carrier group
 * (ActorFibers.group(), whose timer thread fires patched fibers' timeouts in parallel with
 * them). The fiber opens a 50 us timeout and spins, with no suspension point, until 0 to 150 us
 * past the deadline (varying per sample), so the timer thread fires before, during or after the
 * spin; then it closes the timeout and calls ReentrantLock.lockInterruptibly() on a free lock,
 * a blocking JDK call that returns at once unless the thread is interrupted. The arbiter waits
 * for the fiber to end and reads whether the timer fired and whether the lock call threw.
 *
 * History: this test found the defect. Before the fix (Timeout's OPEN/FIRING/FIRED/CLOSED and
 * Fiber.clearTimeout clearing the interrupt) about two samples in three ended "1, 1": close
 * dropped the pending expiry but not its interrupt, and an expiry firing just after close
 * interrupted the fiber anyway. The deterministic half is in the fibers module's MonkeyTest.
 *
 * Run: ./weft stress quick Monkey_02
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Closed before the timer fired: the later blocking call returned.")
@Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The timer fired while the scope was open and close dropped the expiry, interrupt included.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The later blocking JDK call threw InterruptedException for the closed timeout, or the fiber never ended.")
@Description("A patched fiber's closed Timeout leaves no interrupt behind.")
@State
public class Monkey_02_ClosedTimeoutLeavesNoInterrupt {
    private static final long TIMEOUT_NANOS = 50_000;
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final long lateness = (SAMPLES.incrementAndGet() & 15) * 10_000L;
    private int fired;
    private int interruptedLater;
    private final Fiber<Void> fiber = ActorFibers.unstartedPatched(ActorFibers.group(), () -> {
        body();
        return null;
    });

    private void body() {
        Timeout t = Timeout.after(Duration.ofNanos(TIMEOUT_NANOS));
        long until = System.nanoTime() + TIMEOUT_NANOS + lateness;
        try (t) {
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // no suspension point: the expiry can only be recorded, not thrown
            }
        }
        fired = t.hasExpired() ? 1 : 0;
        ReentrantLock lock = new ReentrantLock();
        try {
            lock.lockInterruptibly();
            lock.unlock();
        } catch (InterruptedException e) {
            interruptedLater = 1;
        }
    }

    @Actor
    public void starter() {
        ActorFibers.start(fiber);
    }

    @Arbiter
    public void outcome(II_Result r) {
        if (!ActorCarrier.awaitEnd(fiber)) {
            r.r1 = -1;
            return;
        }
        r.r1 = fired;
        r.r2 = interruptedLater;
    }
}
