package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The shape of {@code Monkey_03_ExitLeavesNoInterrupt}: a patched fiber (a virtual thread whose
 * turns a Weft carrier runs) yields in a loop while a kill, or the expiry of a {@code Timeout}
 * it opened, races its wake-up. Afterwards the fiber must hold no interrupt status, and a
 * {@link LockSupport#parkNanos} must really park: a stray interrupt would make every later park
 * return at once, and a Weft wait loop spin on its carrier without ever unmounting.
 *
 * <p>Even samples are killed by the killer actor 0 to 15 us after the fiber raised its flag;
 * odd samples open a timeout of 10 to 160 us (varying per sample), which the scheduler's timer
 * thread fires in parallel with the fiber. One instance per sample.
 */
public final class StrayInterruptShape {
    /** The patched fiber the shape drives: the real one, or a twin's copy. */
    public interface Subject {
        /** Starts {@code body} as the patched fiber (call once). */
        void start(Runnable body);

        /** A suspension point of the fiber (called by it): throws a pending exit or expiry. */
        void yieldNow();

        /** Kills the fiber (from another thread). */
        void kill();

        /** Opens, in the fiber, a timeout that expires {@code nanos} from now. */
        Scope openTimeout(long nanos);

        /** Whether {@code t} is the fiber's kill being delivered. */
        boolean isExit(Throwable t);

        /** Whether {@code t} is a timeout's expiry being delivered. */
        boolean isExpiry(Throwable t);

        /** Waits, bounded, for the fiber to end; false if it did not. */
        boolean awaitEnd();
    }

    /** A timeout scope; {@link #close()} returns once any firing of it has finished. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** How many times in a row a park may return at once before it counts as not parking. */
    private static final int EARLY_RETURNS_TOLERATED = 3;
    private static final long PARK_NANOS = 200_000;
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int sample = SAMPLES.incrementAndGet();
    private final boolean byKill = (sample & 1) == 0;
    private final long killerLateness = ((sample >> 1) & 15) * 1_000L;
    private final long timeoutNanos = 10_000L + ((sample >> 1) & 15) * 10_000L;
    private final Subject fiber;
    private volatile boolean started;
    private volatile boolean killReturned;
    private int delivered;
    private int interrupted;
    private int parked;

    public StrayInterruptShape(Subject fiber) {
        this.fiber = fiber;
    }

    /** Actor 1: starts the fiber. */
    public void starter() {
        fiber.start(this::body);
    }

    /** Actor 2: in kill samples, kills the fiber once it runs. */
    public void killer() {
        if (!byKill) {
            return;
        }
        ActorCarrier.awaitFlag(() -> started);
        spin(killerLateness);
        fiber.kill();
        killReturned = true;
    }

    private void body() {
        started = true;
        if (byKill) {
            try {
                yieldForever();
            } catch (Throwable t) {
                if (!fiber.isExit(t)) {
                    throw t;
                }
                delivered = 1;
            }
            while (!killReturned) {
                Thread.onSpinWait(); // no suspension point: the kill's interrupt, if any, lands meanwhile
            }
        } else {
            try (Scope _ = fiber.openTimeout(timeoutNanos)) {
                yieldForever();
            } catch (Throwable t) {
                if (!fiber.isExpiry(t)) {
                    throw t;
                }
                delivered = 1; // close() returned first: the firing has finished, its interrupt (if any) landed
            }
        }
        interrupted = Thread.currentThread().isInterrupted() ? 1 : 0;
        parked = parksNormally() ? 1 : 0;
    }

    private void yieldForever() {
        while (true) {
            fiber.yieldNow();
        }
    }

    /**
     * Parks until 200 us from now. A stray interrupt makes every park return at once (the loop
     * then returns thousands of times); a permit left by the wake-up, at most once.
     */
    private static boolean parksNormally() {
        long deadline = System.nanoTime() + PARK_NANOS;
        int returns = 0;
        for (long left = PARK_NANOS; left > 0 && returns <= EARLY_RETURNS_TOLERATED; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            returns++;
        }
        return returns <= EARLY_RETURNS_TOLERATED;
    }

    private static void spin(long nanos) {
        for (long end = System.nanoTime() + nanos; System.nanoTime() < end; ) {
            Thread.onSpinWait();
        }
    }

    /** Arbiter: (delivered, interrupted afterwards, a park parks), or -1 if the fiber never ended. */
    public void outcome(III_Result r) {
        if (!fiber.awaitEnd()) {
            r.r1 = -1;
            return;
        }
        r.r1 = delivered;
        r.r2 = interrupted;
        r.r3 = parked;
    }
}
