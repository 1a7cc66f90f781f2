package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Monkey_01_KillInterruptsBlockingCall}: a patched fiber on
 * {@code ActorCarrier} hub 0 raises a flag and takes from an empty queue; one actor starts it
 * and offers an element 0 to 75 us after the flag, the other kills it 0 to 15 us after the flag
 * (both varying per sample); the arbiter waits for it to end and its hub to settle, and reads
 * whether it was killed, whether it returned the element, how often its completion callback
 * ran, and what is left in the queue. One instance per sample.
 */
public final class KillVsBlockingCallShape {
    /** A killable patched fiber: the real one, or a twin's copy. */
    public interface Subject {
        void start();

        void kill();

        /** Waits, bounded, until the fiber is done, then until its hub has run what was queued. */
        void awaitEndAndSettle();

        boolean isKilled();

        Integer value();
    }

    /** Makes the subject: runs {@code task}, and {@code onComplete} once it is complete. */
    @FunctionalInterface
    public interface Factory {
        Subject create(Callable<Integer> task, Runnable onComplete);
    }

    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int sample = SAMPLES.incrementAndGet();
    private final long wakerLateness = (sample & 15) * 5_000L;
    private final long killerLateness = ((sample >> 4) & 15) * 1_000L;
    private final BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(1);
    private final AtomicInteger callbacks = new AtomicInteger();
    private volatile boolean started;
    private final Subject fiber;

    public KillVsBlockingCallShape(Factory factory) {
        this.fiber = factory.create(() -> {
            started = true;
            return queue.take();
        }, callbacks::incrementAndGet);
    }

    public void waker() {
        fiber.start();
        ActorCarrier.awaitFlag(() -> started);
        waitNanos(wakerLateness);
        queue.offer(42);
    }

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

    public void outcome(IIII_Result r) {
        fiber.awaitEndAndSettle();
        r.r1 = fiber.isKilled() ? 1 : 0;
        r.r2 = fiber.value() != null ? 1 : 0;
        r.r3 = callbacks.get();
        r.r4 = queue.size();
    }
}
