package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import dev.weft.stress.shapes.NestedExpiryShape;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A copy of how {@code dev.weft.fibers.Timeout}s reach their
 * fiber: each arms a timer; a firing records its timeout in the fiber's one pending slot and
 * wakes the fiber, which throws the pending expiry at its next suspension point unless that
 * timeout's scope has closed. The fiber is a virtual thread that {@code ActorCarrier} hub 0's
 * carrier runs; the timers fire on a thread of their own. One step is broken on purpose: while
 * an earlier expiry of a still open scope is pending, a later firing is dropped ("the first to
 * fire wins", the runtime's rule before issue 10's fix), so an outer timeout that expires with
 * an inner one is never thrown. The twin test runs it in the shape of
 * {@code Timeout_03_InnerThenOuterExpiry}.
 *
 * <p>One instance stands for one fiber: only that fiber calls {@link #open}, {@link #sleep} and
 * {@link Scope#close()}.
 */
public final class BrokenNestedTimeouts implements NestedExpiryShape.Subject {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r ->
            Thread.ofPlatform().name("weft-negative-control-timer").daemon().unstarted(r));

    /** Thrown at a suspension point once a scope's deadline has passed. */
    static final class Expired extends Error {
        private static final long serialVersionUID = 1L;
        final transient Scope scope;

        Expired(Scope scope) {
            super("negative control: timeout expired", null, false, false);
            this.scope = scope;
        }
    }

    private final AtomicReference<Scope> pending = new AtomicReference<>();
    private volatile Thread thread;
    private volatile boolean done;

    @Override
    public void start(Runnable body) {
        Thread t = ActorFibers.virtualThreads(ActorCarrier.hub(0)).unstarted(() -> {
            try {
                body.run();
            } finally {
                done = true;
            }
        });
        thread = t; // before the body runs: the timers read it
        t.start();
    }

    @Override
    public NestedExpiryShape.Scope open(long nanos) {
        Scope s = new Scope();
        s.timer = TIMER.schedule(s::fire, nanos, TimeUnit.NANOSECONDS);
        return s;
    }

    @Override
    public void sleep(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            deliverPending();
            LockSupport.parkNanos(left);
            deliverPending();
        }
    }

    private void deliverPending() {
        Scope s = pending.get();
        if (s != null && pending.compareAndSet(s, null) && s.open) {
            throw new Expired(s);
        }
    }

    @Override
    public boolean isExpiryOf(Throwable t, NestedExpiryShape.Scope scope) {
        return t instanceof Expired e && e.scope == scope;
    }

    @Override
    public boolean awaitEnd() {
        return ActorCarrier.awaitFlag(() -> done);
    }

    /** One timeout of the fiber. */
    final class Scope implements NestedExpiryShape.Scope {
        volatile boolean open = true;
        volatile boolean expired;
        volatile ScheduledFuture<?> timer;

        void fire() {
            expired = true;
            for (;;) {
                Scope p = pending.get();
                if (p != null && p.open) {
                    return; // BROKEN: the first to fire wins, this expiry is dropped and never re-armed
                }
                if (pending.compareAndSet(p, this)) {
                    break;
                }
            }
            LockSupport.unpark(thread);
        }

        @Override
        public boolean hasExpired() {
            return expired;
        }

        @Override
        public void close() {
            open = false;
            timer.cancel(false);
            pending.compareAndSet(this, null);
        }
    }
}
