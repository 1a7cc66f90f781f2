package dev.weft.fibers;

import dev.weft.fibers.internal.timer.TimerTask;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A deadline for the fiber that opens it: once it passes, a {@link TimeoutExpired} is thrown in
 * that fiber at its current or next suspension point, unless the timeout was closed first.
 * gevent's {@code with Timeout(seconds):}, as a try-with-resources scope:
 * <pre>{@code
 * try (Timeout t = Timeout.after(Duration.ofMillis(500))) {
 *     reply = connection.read();
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>A timeout is thrown at most once, only in the fiber that opened it, and never after
 *       that fiber closed it: an expiry that raced with {@link #close()} is dropped.</li>
 *   <li>Nesting works: an expired timeout is thrown at the fiber's next suspension point, and
 *       {@link TimeoutExpired#timeout()} tells which one it was (see there for the idiom). When
 *       several expire before the fiber gets to run, the one with the earliest deadline is thrown
 *       first (the outermost of equal ones) and each other one still open is thrown at a later
 *       suspension point, once the first was handled: no expiry of an open timeout is lost.</li>
 *   <li>{@link Duration#ZERO} fires at the scheduler's next turn, so the first suspension
 *       point inside throws.</li>
 *   <li>{@link #after(Duration, Throwable)} throws a given exception instead of
 *       {@link TimeoutExpired} (gevent's {@code Timeout(seconds, exception)}); the rules above
 *       are the same.</li>
 *   <li>{@link #close()} is the scope's end, by the fiber that opened it; {@link #cancel()}
 *       disarms it from any strand (gevent's {@code cancel()}). After either, it is never thrown.
 *       (In a patched fiber, a cancel from another strand that races the expiry may still have
 *       interrupted a blocking JDK call.)</li>
 *   <li>Like a kill, a timeout cannot interrupt code that never suspends.</li>
 * </ol>
 */
public final class Timeout implements AutoCloseable {
    /*
     * The timer and close race only for a patched fiber of a MultiCarrierScheduler, whose
     * timers fire on the group's timer thread (elsewhere both run on the fiber's carrier):
     *
     *   OPEN -> FIRING -> FIRED   the timer: records the expiry in the fiber, interrupts it
     *   OPEN -> FIRED             the owner, at a suspension point, found it due before its timer fired
     *   OPEN -> CLOSED            close won: the timer does nothing
     *
     * close waits out FIRING (a few instructions on the timer thread), so that once it has
     * cleared the expiry no half-delivered part of it (the interrupt) can still arrive.
     */
    private static final int OPEN = 0;
    private static final int FIRING = 1;
    private static final int FIRED = 2;
    private static final int CLOSED = 3;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Timeout.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Duration duration;
    private final Fiber<?> owner;
    private final long deadline;
    /** What to throw on expiry instead of a TimeoutExpired, or null. */
    private final Throwable exception;
    private final TimerTask timer = new TimerTask() {
        @Override
        protected void fire() {
            expire();
        }
    };
    /** OPEN, FIRING, FIRED or CLOSED (see above). */
    private volatile int state;
    /** Set when the deadline passed while open; read by the owner. */
    private volatile boolean expired;
    /** Set by the owner on close; read by the timer, which may run on another thread. */
    private volatile boolean closed;
    /** Whether the owner has thrown this timeout. Only accessed by the owner. */
    private boolean delivered;
    /** The next open timeout of the owner, outwards. Only accessed by the owner (see Fiber.timeoutOpened). */
    Timeout enclosing;

    private Timeout(Duration duration, Fiber<?> owner, long deadline, Throwable exception) {
        this.duration = duration;
        this.owner = owner;
        this.deadline = deadline;
        this.exception = exception;
    }

    /**
     * Opens a timeout of {@code duration} for the current fiber.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException if called outside a fiber
     */
    public static Timeout after(Duration duration) {
        return open(duration, null);
    }

    /**
     * Opens a timeout of {@code duration} for the current fiber that throws {@code exception}
     * (as it is, even a checked one) instead of {@link TimeoutExpired} when it expires.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException if called outside a fiber
     */
    public static Timeout after(Duration duration, Throwable exception) {
        return open(duration, Objects.requireNonNull(exception, "exception"));
    }

    private static Timeout open(Duration duration, Throwable exception) {
        long nanos = Fiber.nanos(duration, "timeout");
        Fiber<?> f = Fiber.current();
        if (f == null) {
            throw new IllegalStateException("Timeout.after() was called outside a fiber (in thread "
                    + Thread.currentThread().getName() + "): timeouts are thrown at a fiber's suspension points; "
                    + "threads use the timed variants of each call");
        }
        long now = f.schedulerNanoTime();
        Timeout t = new Timeout(duration, f, nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos, exception);
        f.timeoutOpened(t);
        f.armTimer(t.timer, t.deadline);
        return t;
    }

    /**
     * Runs {@code task} in the current fiber under a timeout of {@code duration}.
     *
     * @throws TimeoutExpired if it expires first
     */
    public static <V> V withTimeout(Duration duration, Callable<V> task) throws Exception {
        Timeout t = after(duration);
        try (t) {
            return task.call();
        } catch (Exception e) {
            if (t.interruptedBlockingCall()) {
                throw (TimeoutExpired) new TimeoutExpired(t).initCause(e);
            }
            throw e;
        }
    }

    /**
     * Runs {@code task} in the current fiber under a timeout of {@code duration}, returning
     * {@code fallback} if this timeout expires first (gevent's {@code timeout_value}). An outer
     * timeout that fires meanwhile is still thrown.
     */
    public static <V> V withTimeout(Duration duration, Callable<V> task, V fallback) throws Exception {
        Timeout t = after(duration);
        try (t) {
            return task.call();
        } catch (TimeoutExpired e) {
            if (e.timeout() != t) {
                throw e;
            }
            return fallback;
        } catch (Exception e) {
            if (t.interruptedBlockingCall()) {
                return fallback;
            }
            throw e;
        }
    }

    /**
     * Whether this timeout expired in a patched fiber, whose blocking JDK call then ended
     * with an exception of its own (see {@link Monkey}).
     */
    private boolean interruptedBlockingCall() {
        return expired && owner.isPatched();
    }

    /** The timer's action: records the expiry and signals the owner, unless closed first. */
    void expire() {
        if (STATE.compareAndSet(this, OPEN, FIRING)) {
            expired = true;
            owner.postTimeout();
            state = FIRED;
        }
    }

    /**
     * Expires this timeout from its owner, at a suspension point, if its deadline has passed
     * but its timer has not fired yet, and disarms the timer. Timers of one fiber can fire late
     * or out of deadline order when they live on other structures than its waits (a patched
     * fiber's timeouts fire on its scheduler's timer, its sleeps end on the JDK's): without
     * this, an outer timeout whose timer happened to fire first would be thrown past an inner
     * one that was due earlier, or a sleep spanning a deadline would end before a loaded timer
     * fired it, and the timeout would be lost with its scope (the soak saw both under load).
     *
     * @return whether it is now a pending expiry (expired here, or its timer fired meanwhile)
     */
    boolean expireIfDue(long now) {
        if (now - deadline < 0) {
            return false;
        }
        if (state == OPEN && STATE.compareAndSet(this, OPEN, FIRED)) {
            expired = true; // read by the owner only, which is the caller
            owner.disarmTimer(timer);
            return true;
        }
        while (state == FIRING) {
            Thread.onSpinWait(); // its timer is posting the expiry right now: take it as pending
        }
        return isPendingExpiry();
    }

    /** The exception to throw on expiry: the given one, or a TimeoutExpired. Called by the owner. */
    Throwable expiryException() {
        return exception != null ? exception : new TimeoutExpired(this);
    }

    /** Expired, open and not thrown yet. Called by the owner. */
    boolean isPendingExpiry() {
        return expired && !delivered && !closed;
    }

    /** The owner throws this timeout now. */
    void markDelivered() {
        delivered = true;
    }

    /** The deadline, in terms of its fiber's {@link Strand#nanoTime()}. */
    long deadline() {
        return deadline;
    }

    /**
     * Whether the deadline passed while this timeout was open (it fired). True only once the
     * expiry was posted to its fiber, so a suspension point reached after this returned true
     * throws it (if the timeout is still open).
     */
    public boolean hasExpired() {
        return state == FIRED;
    }

    /** The duration this timeout was opened with. */
    public Duration duration() {
        return duration;
    }

    /** Whether this timeout is still open (not closed or cancelled). */
    public boolean isOpen() {
        return !closed;
    }

    /** Whether this timeout is armed: neither fired nor closed nor cancelled yet. */
    public boolean isPending() {
        return state == OPEN;
    }

    /**
     * Disarms this timeout from any strand; an expiry not thrown yet is dropped. Idempotent.
     * Called by the fiber that opened it, this is {@link #close()}.
     */
    public void cancel() {
        if (Fiber.current() == owner) {
            close();
            return;
        }
        if (closed) {
            return;
        }
        if (!STATE.compareAndSet(this, OPEN, CLOSED)) {
            while (state == FIRING) {
                Thread.onSpinWait();
            }
        }
        closed = true; // NOTE: the owner's scan skips it from now on; the owner unlinks it at close
        owner.disarmTimerFromAnywhere(timer);
    }

    /**
     * Ends the timeout's scope: disarms it and drops an expiry not thrown yet. Idempotent.
     *
     * @throws IllegalStateException if called by another strand than the fiber that opened it
     *                               (another strand calls {@link #cancel()})
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Fiber.current() != owner) {
            throw new IllegalStateException("A Timeout is closed by the fiber that opened it (" + owner
                    + "), not by " + Strand.current() + ": another strand disarms it with cancel()");
        }
        if (!STATE.compareAndSet(this, OPEN, CLOSED)) {
            while (state == FIRING) {
                Thread.onSpinWait(); // the timer thread is between recording the expiry and interrupting
            }
        }
        closed = true;
        owner.disarmTimer(timer);
        owner.timeoutClosed(this);
    }

    @Override
    public String toString() {
        return "Timeout[" + duration + (closed ? ", closed]" : "]");
    }
}
