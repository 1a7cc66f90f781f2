package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Monkey;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import dev.weft.stress.shapes.StrayInterruptShape;
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
 * Why: issue 10's D1. A kill or a firing Timeout reaches a patched fiber twice: through its
 * pending slot (thrown at the next suspension point) and as an interrupt (so that a blocking JDK
 * call gives up). If the wake-up goes first, the fiber can run, take the kill or the expiry,
 * clear its interrupt status while throwing it, and only then receive the interrupt: the stray
 * interrupt makes every later LockSupport.park return at once, and a Weft wait loop (a
 * semaphore's acquire, a Condition's re-acquire) spins on its carrier, which starves every
 * other fiber there. Afterwards the fiber must hold no interrupt status and park normally.
 *
 * Interleaving: the starter actor spawns a patched fiber (Monkey.spawn) on the shared
 * two-carrier group (ActorFibers.group(), whose timer thread fires patched fibers' timeouts in
 * parallel with them). The fiber raises a flag and yields in a loop, so it is often woken and
 * runs its delivery check while the kill or the expiry is half done. Even samples: the killer
 * actor kills it 0 to 15 us after the flag, then raises a second flag that the fiber, having
 * caught the FiberExit, waits for without a suspension point (so that the kill's interrupt, if
 * any, has landed). Odd samples: the fiber yields inside a Timeout of 10 to 160 us and catches
 * the TimeoutExpired after the scope closed (close returns once the firing has finished).
 * Then the fiber reads its interrupt status and parks with LockSupport.parkNanos until 200 us
 * from then, counting the returns (more than 3 means the park returns at once). Shape:
 * dev.weft.stress.shapes.StrayInterruptShape; its twin: Twin_Monkey_03_UnparkBeforeInterrupt.
 *
 * Run: ./weft stress quick Monkey_03
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "The kill or expiry was delivered; afterwards no interrupt status, and a park parks.")
@Outcome(id = "1, 1, 0", expect = FORBIDDEN, desc = "A stray interrupt landed after the delivery: every later park returns at once (a Weft wait loop would spin).")
@Outcome(id = "-1, 0, 0", expect = FORBIDDEN, desc = "The fiber never ended.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Not delivered, an interrupt status left, or a park that returns at once.")
@Description("A patched fiber killed or timed out racing its wake-up keeps no interrupt, and parks afterwards.")
@State
public class Monkey_03_ExitLeavesNoInterrupt {
    private final StrayInterruptShape shape = new StrayInterruptShape(new RealPatchedFiber());

    @Actor
    public void starter() {
        shape.starter();
    }

    @Actor
    public void killer() {
        shape.killer();
    }

    @Arbiter
    public void outcome(III_Result r) {
        shape.outcome(r);
    }

    /** The shape's subject: a patched fiber of the shared group. */
    static final class RealPatchedFiber implements StrayInterruptShape.Subject {
        private volatile Fiber<Void> fiber;

        @Override
        public void start(Runnable body) {
            fiber = Monkey.spawn(ActorFibers.group(), body::run);
        }

        @Override
        public void yieldNow() {
            Fiber.yieldNow();
        }

        @Override
        public void kill() {
            ActorCarrier.awaitFlag(() -> fiber != null); // the body can raise its flag before spawn returned
            fiber.kill();
        }

        @Override
        public StrayInterruptShape.Scope openTimeout(long nanos) {
            return Timeout.after(Duration.ofNanos(nanos))::close;
        }

        @Override
        public boolean isExit(Throwable t) {
            return t instanceof FiberExit;
        }

        @Override
        public boolean isExpiry(Throwable t) {
            return t instanceof TimeoutExpired;
        }

        @Override
        public boolean awaitEnd() {
            ActorCarrier.awaitFlag(() -> fiber != null);
            return ActorCarrier.awaitEnd(fiber);
        }
    }
}
