package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Timeout_01_TimedParkWokenAtDeadline}: a fiber of {@code ActorCarrier}
 * hub 0 opens a 50 us timeout and parks until a flag is set; one actor starts it and waits for
 * it, the other sets the flag and unparks it 48 us before to 15 us after the deadline (varying
 * per sample). After the scope the fiber sleeps until 1 us past the deadline, where a timer the
 * close left armed would throw. The arbiter reads whether the fiber was woken, timed out, or
 * hit a leaked expiry. One instance per sample.
 */
public final class TimedParkWokenShape {
    /** The fiber's timeouts and waits: the real ones, or a twin's copy. */
    public interface Subject {
        /** Opens, in the fiber, a timeout that expires {@code nanos} from now. */
        Scope open(long nanos);

        /** Parks the fiber (a suspension point: throws a pending expiry). */
        void park();

        /** Sleeps the fiber until {@code until} (a System.nanoTime() value). */
        void sleepUntil(long until);

        /** Whether {@code t} is a timeout's expiry. */
        boolean isExpiry(Throwable t);
    }

    /** A timeout scope. */
    public interface Scope extends AutoCloseable {
        /** Its deadline, a System.nanoTime() value. */
        long deadline();

        @Override
        void close();
    }

    private static final long TIMEOUT_NANOS = 50_000;
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final long lateness = ((SAMPLES.incrementAndGet() & 63) - 48) * 1_000L;
    private final Subject timeouts;
    private volatile long deadline;
    private volatile boolean wakeUp;
    private int woken;
    private int timedOut;
    private int leaked;
    private final Fiber<Void> fiber = ActorCarrier.unstarted(this::waitForWakeUp);

    public TimedParkWokenShape(Subject timeouts) {
        this.timeouts = timeouts;
    }

    private void waitForWakeUp() {
        try (Scope t = timeouts.open(TIMEOUT_NANOS)) {
            deadline = t.deadline();
            while (!wakeUp) {
                timeouts.park();
            }
            woken = 1;
        } catch (Throwable e) {
            if (!timeouts.isExpiry(e)) {
                throw e;
            }
            timedOut = 1;
        }
        try {
            timeouts.sleepUntil(Math.max(deadline, System.nanoTime()) + 1_000);
        } catch (Throwable e) {
            if (!timeouts.isExpiry(e)) {
                throw e;
            }
            leaked = 1;
        }
    }

    public void carrier() {
        ActorCarrier.start(fiber);
        ActorCarrier.awaitEnd(fiber); // one sample's fiber at a time on the hub: see the test's comment
    }

    public void waker() {
        long d;
        while ((d = deadline) == 0) {
            Thread.onSpinWait();
        }
        long at = d + lateness;
        while (System.nanoTime() < at) {
            Thread.onSpinWait();
        }
        wakeUp = true;
        fiber.unpark();
    }

    public void cause(III_Result r) {
        ActorCarrier.awaitEnd(fiber);
        r.r1 = woken;
        r.r2 = timedOut;
        r.r3 = leaked;
    }
}
