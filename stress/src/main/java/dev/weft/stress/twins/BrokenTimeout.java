package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;
import dev.weft.stress.shapes.TimedParkWokenShape;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A small copy of {@code dev.weft.fibers.Timeout} and of
 * the fiber's side of it (the pending expiry that is thrown at suspension points), built on the
 * public fiber API for one fiber of {@link ActorCarrier}'s hub 0, with exactly one step broken
 * on purpose, chosen by {@link Defect}. The twin tests run it in the same shape as the real
 * tests, to prove that those tests catch the defect.
 *
 * <p>What is copied (correct version); one instance is the fiber's side, {@link Scope} is one
 * timeout:
 * <pre>
 *   open:  arm a timer for the deadline on the fiber's hub (here a timer fiber that sleeps on
 *          the hub's timer heap until the deadline, then fires)
 *   fire:  record the expiry as pending for the fiber and unpark it
 *   park, sleep (the suspension points): throw a pending expiry, once, on entry and after
 *          every wake-up
 *   close: disarm the timer (here: kill the timer fiber) and drop a pending expiry
 * </pre>
 * The real {@code Fiber} also checks, before it throws an expiry, that its timeout is still
 * open: a second guard against a late expiry, which this copy leaves out so that the one
 * broken step shows.
 */
public final class BrokenTimeout implements TimedParkWokenShape.Subject {

    /** The one broken step. */
    public enum Defect {
        /**
         * close drops a pending expiry but leaves the timer armed: when the wake-up won the
         * race, the timer still fires after the scope closed, and its expiry is thrown at the
         * fiber's next suspension point.
         */
        CLOSE_LEAVES_TIMER_ARMED
    }

    /** The copy's {@code TimeoutExpired}. */
    public static final class Expired extends RuntimeException {
        Expired() {
            super("timeout expired", null, false, false);
        }
    }

    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(BrokenTimeout.class, "pending", Scope.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Defect defect;
    /** An expiry that fired and has not been thrown or dropped yet. */
    private volatile Scope pending;

    public BrokenTimeout(Defect defect) {
        this.defect = defect;
    }

    /** {@code Timeout.after}: called by the fiber, which must be a fiber of hub 0. */
    @Override
    public Scope open(long nanos) {
        return new Scope(Fiber.current(), System.nanoTime() + nanos);
    }

    /** {@code Strand.park()} of the fiber, with the copy's expiry delivery. */
    @Override
    public void park() {
        deliverPending();
        Strand.park();
        deliverPending();
    }

    /** {@code Fiber.sleep} of the fiber until {@code until} (a {@code System.nanoTime()}), with the copy's expiry delivery. */
    @Override
    public void sleepUntil(long until) {
        deliverPending();
        for (long left; (left = until - System.nanoTime()) > 0; ) {
            Strand.parkNanos(left);
            deliverPending();
        }
    }

    private void deliverPending() {
        Scope t = pending;
        if (t != null && PENDING.compareAndSet(this, t, null)) {
            throw new Expired();
        }
    }

    /** One timeout, as {@code Timeout}: close it with try-with-resources. */
    @Override
    public boolean isExpiry(Throwable t) {
        return t instanceof Expired;
    }

    public final class Scope implements TimedParkWokenShape.Scope {
        private final Fiber<?> owner;
        private final long deadline;
        private final Fiber<Void> timer;

        Scope(Fiber<?> owner, long deadline) {
            this.owner = owner;
            this.deadline = deadline;
            this.timer = ActorCarrier.unstarted(() -> {
                Fiber.sleep(Duration.ofNanos(Math.max(0L, deadline - System.nanoTime())));
                fire();
            });
            ActorCarrier.start(timer);
        }

        /** The deadline, as a {@code System.nanoTime()}. */
        @Override
        public long deadline() {
            return deadline;
        }

        private void fire() {
            pending = this;
            owner.unpark();
        }

        @Override
        public void close() {
            if (defect != Defect.CLOSE_LEAVES_TIMER_ARMED) {
                timer.kill();
            }                                                // BROKEN (CLOSE_LEAVES_TIMER_ARMED): the timer stays armed
            PENDING.compareAndSet(BrokenTimeout.this, this, null);
        }
    }
}
