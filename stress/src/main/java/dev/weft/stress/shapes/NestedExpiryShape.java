package dev.weft.stress.shapes;

import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Timeout_03_InnerThenOuterExpiry}: a fiber opens an outer timeout of 40 us
 * and inside it an inner one that expires 20 us after the outer was opened, then spins without a suspension point until 0 to 150 us
 * (varying per sample) after it opened them, and sleeps 5 ms inside the inner scope, catching
 * the inner's expiry there, then sleeps 5 ms more inside the outer scope. Past 40 us of spin
 * both timeouts expire before the fiber's next suspension point (in one timer pass on a hub),
 * and the outer one must still be thrown, at the second sleep. One instance per sample.
 */
public final class NestedExpiryShape {
    /** The fiber and timeouts the shape drives: the real ones, or a twin's copy. */
    public interface Subject {
        /** Starts {@code body} as the fiber (call once). */
        void start(Runnable body);

        /** Opens, in the fiber, a timeout that expires {@code nanos} from now. */
        Scope open(long nanos);

        /** Sleeps the fiber (a suspension point): throws a pending expiry. */
        void sleep(long nanos);

        /** Whether {@code t} is the expiry of {@code scope}. */
        boolean isExpiryOf(Throwable t, Scope scope);

        /** Waits, bounded, for the fiber to end; false if it did not. */
        boolean awaitEnd();
    }

    /** A timeout scope. */
    public interface Scope extends AutoCloseable {
        boolean hasExpired();

        @Override
        void close();
    }

    private static final long OUTER_NANOS = 40_000;
    private static final long INNER_NANOS = 20_000;
    private static final long SLEEP_NANOS = 5_000_000;
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final long lateness = (SAMPLES.incrementAndGet() & 15) * 10_000L;
    private final Subject fiber;
    private int innerHandled;
    private int outerDelivered;
    private int outerExpired;
    private boolean preempted;

    public NestedExpiryShape(Subject fiber) {
        this.fiber = fiber;
    }

    /** Actor: starts the fiber. */
    public void starter() {
        fiber.start(this::body);
    }

    private void body() {
        long start = System.nanoTime();
        Scope outer = fiber.open(OUTER_NANOS);
        try (outer) {
            long innerNanos = Math.max(1, start + INNER_NANOS - System.nanoTime());
            Scope inner = fiber.open(innerNanos);
            if (System.nanoTime() + innerNanos - start >= OUTER_NANOS) {
                preempted = true; // the inner's deadline may fall after the outer's: then the outer rightly goes first
            }
            try (inner) {
                while (System.nanoTime() - start < lateness) {
                    Thread.onSpinWait(); // no suspension point: expiries are only recorded
                }
                fiber.sleep(SLEEP_NANOS);
            } catch (Throwable t) {
                if (!fiber.isExpiryOf(t, inner)) {
                    throw t;
                }
                innerHandled = 1;
            }
            fiber.sleep(SLEEP_NANOS);
        } catch (Throwable t) {
            if (!fiber.isExpiryOf(t, outer)) {
                throw t;
            }
            outerDelivered = 1;
        }
        outerExpired = outer.hasExpired() ? 1 : 0;
    }

    /**
     * Arbiter: (inner handled in its scope, outer thrown, outer expired); -1 if the fiber never
     * ended; 2, 2, 2 if the fiber was held up between opening the two scopes until the inner's
     * deadline could fall after the outer's (a sample that cannot judge the order).
     */
    public void outcome(III_Result r) {
        if (!fiber.awaitEnd()) {
            r.r1 = -1;
            return;
        }
        if (preempted) {
            r.r1 = r.r2 = r.r3 = 2;
            return;
        }
        r.r1 = innerHandled;
        r.r2 = outerDelivered;
        r.r3 = outerExpired;
    }
}
