package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Monkey_01_KillInterruptsBlockingCall;
import dev.weft.stress.shapes.KillVsBlockingCallShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.util.concurrent.Callable;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Monkey_01_KillInterruptsBlockingCall's shape
 * (a virtual thread on hub 0's carrier raises a flag and takes from an empty queue; one actor
 * starts it and offers the element after 0 to 75 us, the other kills it after 0 to 15 us) on
 * BrokenPatchedKill, which ends a fiber whose blocking call the kill interrupted as failed,
 * not killed: neither outcome. The suite fails if this passes.
 *
 * Run: ./weft stress quick Twin_Monkey_01
 */
@JCStressTest
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "Killed: the take gave up (interrupted) and left the element; the callback ran once.")
@Outcome(id = "0, 1, 1, 0", expect = ACCEPTABLE, desc = "The take completed and the fiber returned the element; the callback ran once.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Both or neither outcome (e.g. failed with InterruptedException), an element lost or kept twice, or the callback ran zero or two times.")
@Description("Negative control of Monkey_01: a kill that interrupts a blocking call ends the fiber failed.")
@NegativeControl(of = Monkey_01_KillInterruptsBlockingCall.class, defect = "the interrupted call's exception is taken for a failure, not the kill")
@State
public class Twin_Monkey_01_KillLeavesFailure {
    private final KillVsBlockingCallShape shape = new KillVsBlockingCallShape(Copy::new);

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

    /** The shape's subject: BrokenPatchedKill, which ends an interrupted call failed. */
    static final class Copy implements KillVsBlockingCallShape.Subject {
        private final BrokenPatchedKill<Integer> fiber;

        Copy(Callable<Integer> task, Runnable onComplete) {
            fiber = new BrokenPatchedKill<>(task, f -> onComplete.run());
        }

        @Override
        public void start() {
            fiber.start();
        }

        @Override
        public void kill() {
            fiber.kill();
        }

        @Override
        public void awaitEndAndSettle() {
            ActorCarrier.awaitFlag(fiber::isDone);
            ActorCarrier.settle(); // the callback runs, on the hub, after the outcome is published
        }

        @Override
        public boolean isKilled() {
            return fiber.isKilled();
        }

        @Override
        public Integer value() {
            return fiber.value();
        }
    }
}
