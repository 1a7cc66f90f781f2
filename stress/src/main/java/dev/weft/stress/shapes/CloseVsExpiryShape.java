package dev.weft.stress.shapes;

import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Timeout_02_CloseVsExpiry}: a patched fiber of the shared two-carrier group
 * opens a 50 us timeout and spins without a suspension point until 0 to 150 us past its deadline
 * (varying per sample), yields inside the scope in half the samples, closes it, then unparks
 * itself and parks (a suspension point that returns at once unless a stale expiry is thrown
 * there). The arbiter reads whether the expiry was thrown in the scope, whether a stale one was
 * thrown after it, and whether the timer fired. One instance per sample.
 */
public final class CloseVsExpiryShape {
    /** The patched fiber and its timeouts: the real ones, or a twin's copy. */
    public interface Subject {
        /** Starts {@code body} as the fiber (call once). */
        void start(Runnable body);

        /** Opens, in the fiber, a timeout that expires {@code nanos} from now. */
        Scope open(long nanos);

        /** A suspension point of the fiber: throws a pending expiry. */
        void yieldNow();

        /** Gives the fiber a permit, then parks it (a suspension point that returns at once). */
        void unparkSelfThenPark();

        /** Whether {@code t} is a timeout's expiry. */
        boolean isExpiry(Throwable t);

        /** Waits, bounded, for the fiber to end; false if it did not. */
        boolean awaitEnd();
    }

    /** A timeout scope. */
    public interface Scope extends AutoCloseable {
        boolean hasExpired();

        @Override
        void close();
    }

    private static final long TIMEOUT_NANOS = 50_000;
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int sample = SAMPLES.incrementAndGet();
    private final long lateness = (sample & 15) * 10_000L;
    private final boolean yieldInside = (sample & 16) != 0;
    private final Subject fiber;
    private int sawExpiry;
    private int stale;
    private int fired;

    public CloseVsExpiryShape(Subject fiber) {
        this.fiber = fiber;
    }

    private void body() {
        Scope t = fiber.open(TIMEOUT_NANOS);
        long until = System.nanoTime() + TIMEOUT_NANOS + lateness;
        try (t) {
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // no suspension point: the expiry can only be recorded, not thrown
            }
            if (yieldInside) {
                fiber.yieldNow();
            }
        } catch (Throwable e) {
            if (!fiber.isExpiry(e)) {
                throw e;
            }
            sawExpiry = 1;
        }
        fired = t.hasExpired() ? 1 : 0;
        try {
            fiber.unparkSelfThenPark();
        } catch (Throwable e) {
            if (!fiber.isExpiry(e)) {
                throw e;
            }
            stale = 1;
        }
    }

    /** Actor: starts the fiber. */
    public void starter() {
        fiber.start(this::body);
    }

    /** Arbiter: (expiry thrown in the scope, stale expiry after it, timer fired), or -1 if the fiber never ended. */
    public void outcome(III_Result r) {
        if (!fiber.awaitEnd()) {
            r.r1 = -1;
            return;
        }
        r.r1 = sawExpiry;
        r.r2 = stale;
        r.r3 = fired;
    }
}
