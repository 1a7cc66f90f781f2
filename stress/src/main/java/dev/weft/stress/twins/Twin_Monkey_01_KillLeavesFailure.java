package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Monkey_01_KillInterruptsBlockingCall;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

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
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int sample = SAMPLES.incrementAndGet();
    private final long wakerLateness = (sample & 15) * 5_000L;
    private final long killerLateness = ((sample >> 4) & 15) * 1_000L;
    private final BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(1);
    private final AtomicInteger callbacks = new AtomicInteger();
    private volatile boolean started;
    private final BrokenPatchedKill<Integer> fiber = new BrokenPatchedKill<>(() -> {
        started = true;
        return queue.take();
    }, f -> callbacks.incrementAndGet());

    @Actor
    public void waker() {
        fiber.start();
        ActorCarrier.awaitFlag(() -> started);
        waitNanos(wakerLateness);
        queue.offer(42);
    }

    @Actor
    public void killer() {
        ActorCarrier.awaitFlag(() -> started);
        waitNanos(killerLateness);
        fiber.kill();
    }

    private static void waitNanos(long nanos) {
        for (long end = System.nanoTime() + nanos; System.nanoTime() < end; ) {
            Thread.onSpinWait();
        }
    }

    @Arbiter
    public void outcome(IIII_Result r) {
        ActorCarrier.awaitFlag(fiber::isDone);
        ActorCarrier.settle(); // the callback runs, on the hub, after the outcome is published
        r.r1 = fiber.isKilled() ? 1 : 0;
        r.r2 = fiber.value() != null ? 1 : 0;
        r.r3 = callbacks.get();
        r.r4 = queue.size();
    }
}
