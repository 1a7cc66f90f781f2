package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import dev.weft.fibers.Fiber;
import dev.weft.stress.shapes.KillVsBlockingCallShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Monkey mode's kill guarantee. A patched fiber (a virtual thread whose scheduler is a
 * Weft carrier) blocked in an ordinary JDK call cannot be reached at a Weft suspension point:
 * its kill arrives as an interrupt, the call ends with InterruptedException, and the runtime
 * must still end the fiber killed (not failed with that exception). A kill racing the call's
 * own completion must leave exactly one outcome: the call completed (the fiber took the
 * element and returned it) or the fiber was killed (and the element is still in the queue),
 * never both, never neither, and onComplete runs exactly once.
 *
 * Interleaving: the fiber is a patched fiber of ActorCarrier hub 0 (its virtual thread's turns
 * run on that hub's carrier). The first actor starts it; it raises a flag and calls
 * BlockingQueue.take() on an empty queue (a ReentrantLock and a Condition: the virtual thread
 * parks and leaves the carrier). The first actor then waits for the flag and offers the element
 * (signal: the take returns it); the second actor waits for the flag and kills the fiber
 * (interrupt). The waker waits 0 to 75 us, the killer 0 to 15 us, varying independently per
 * sample (a kill is seen only when the woken virtual thread runs again on the carrier, tens of
 * microseconds later, whereas a signal takes effect at once: without the head start the
 * offer nearly always wins), so the kill lands before the take blocks, while it is parked,
 * between the signal and its return, or after it returned, and the offer on either side of it. The arbiter waits for the fiber to end and its
 * hub to finish running the callbacks, and reads the outcome, the callback count and what is
 * left in the queue.
 *
 * Run: ./weft stress quick Monkey_01
 */
@JCStressTest
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "Killed: the take gave up (interrupted) and left the element; the callback ran once.")
@Outcome(id = "0, 1, 1, 0", expect = ACCEPTABLE, desc = "The take completed and the fiber returned the element; the late kill changed nothing; the callback ran once.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Both or neither outcome (e.g. failed with InterruptedException), an element lost or kept twice, or the callback ran zero or two times.")
@Description("A kill racing a patched fiber's blocking JDK call leaves exactly one outcome, and onComplete runs once.")
@State
public class Monkey_01_KillInterruptsBlockingCall {
    private final KillVsBlockingCallShape shape = new KillVsBlockingCallShape(RealPatchedFiber::new);

    @Actor
    public void waker() {
        shape.waker();
    }

    @Actor
    public void killer() {
        shape.killer();
    }

    @Arbiter
    public void outcome(IIII_Result r) {
        shape.outcome(r);
    }

    /** The shape's subject: a patched fiber of ActorCarrier hub 0. */
    static final class RealPatchedFiber implements KillVsBlockingCallShape.Subject {
        private final Fiber<Integer> fiber;

        RealPatchedFiber(Callable<Integer> task, Runnable onComplete) {
            fiber = ActorFibers.unstartedPatched(ActorCarrier.hub(0), task);
            fiber.onComplete(f -> onComplete.run());
        }

        @Override
        public void start() {
            ActorFibers.start(fiber);
        }

        @Override
        public void kill() {
            fiber.kill();
        }

        @Override
        public void awaitEndAndSettle() {
            ActorCarrier.awaitEnd(fiber);
            ActorCarrier.settle(); // join() may return before the callbacks ran: they run, on the hub, after the outcome is published
        }

        @Override
        public boolean isKilled() {
            return fiber.isCancelled();
        }

        @Override
        public Integer value() {
            return fiber.value();
        }
    }
}
