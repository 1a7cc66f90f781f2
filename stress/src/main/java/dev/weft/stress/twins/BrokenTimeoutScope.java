package dev.weft.stress.twins;

import dev.weft.fibers.internal.timer.TimerTask;
import dev.weft.fibers.internal.timer.TimerThread;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A copy of how {@code dev.weft.fibers.Timeout} reaches a
 * patched fiber on a {@code MultiCarrierScheduler}: the deadline is armed on a timer thread of
 * its own, which records the expiry in the owner's pending slot when it fires (in parallel with
 * the owner); the owner throws a pending expiry at its suspension points ({@link #yieldNow},
 * {@link #park}). One step is broken on purpose: {@link Scope#close()} only disarms the timer.
 * The real close also drops an expiry that fired but was not thrown yet, and the real delivery
 * ignores an expiry whose timeout is closed; here such an expiry stays pending and is thrown at
 * the owner's next suspension point, after the scope. The twin test runs it in the shape of
 * {@code Timeout_02_CloseVsExpiry}.
 *
 * <p>One instance stands for one owner strand: only that strand calls {@link #open},
 * {@link #yieldNow}, {@link #park} and {@link Scope#close()}.
 */
public final class BrokenTimeoutScope {
    private static final TimerThread TIMERS = new TimerThread("weft-negative-control-timer");

    /** Thrown at a suspension point once a scope's deadline has passed. */
    public static final class Expired extends Error {
        private static final long serialVersionUID = 1L;

        Expired() {
            super("negative control: timeout expired", null, false, false);
        }
    }

    private final AtomicReference<Scope> pending = new AtomicReference<>();

    /** A scope that expires {@code nanos} from now. */
    public Scope open(long nanos) {
        Scope s = new Scope();
        TIMERS.schedule(s.timer, System.nanoTime() + nanos);
        return s;
    }

    /** A suspension point: throws a pending expiry, lets others run, throws again. */
    public void yieldNow() {
        deliverPending();
        Thread.yield();
        deliverPending();
    }

    /** A suspension point that parks the owner until its permit is available. */
    public void park() {
        deliverPending();
        LockSupport.park(this);
        deliverPending();
    }

    private void deliverPending() {
        Scope s = pending.getAndSet(null);
        if (s != null) {
            throw new Expired(); // BROKEN (with close): thrown even if its scope was closed
        }
    }

    /** One timeout of the owner. */
    public final class Scope implements AutoCloseable {
        private volatile boolean expired;
        private final TimerTask timer = new TimerTask() {
            @Override
            protected void fire() {
                expired = true;
                pending.compareAndSet(null, Scope.this);
            }
        };

        /** Whether the timer fired. */
        public boolean hasExpired() {
            return expired;
        }

        @Override
        public void close() {
            TIMERS.cancel(timer); // BROKEN: an expiry that already fired stays pending
        }
    }
}
