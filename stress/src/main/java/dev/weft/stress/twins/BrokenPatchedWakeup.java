package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import dev.weft.stress.shapes.StrayInterruptShape;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A copy of how a kill and a timeout's expiry reach a
 * patched {@code dev.weft.fibers.Fiber}: a virtual thread that the shared group's carriers run
 * ({@link ActorFibers#virtualThreads}); a kill is recorded once (CAS), an expiry in a pending
 * slot (by a timer thread of its own), and each is thrown at the next suspension point, which
 * clears the interrupt status that carried it. One step is broken on purpose, in both
 * {@link #kill()} and the timer's firing: the fiber is unparked <em>before</em> it is
 * interrupted (the runtime's order before issue 10's fix), so the woken fiber can clear its
 * interrupt status and throw before the interrupt lands, and keeps a stray interrupt. The twin
 * test runs it in the shape of {@code Monkey_03_ExitLeavesNoInterrupt}.
 */
public final class BrokenPatchedWakeup implements StrayInterruptShape.Subject {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r ->
            Thread.ofPlatform().name("weft-negative-control-timer").daemon().unstarted(r));

    /** Thrown at a suspension point for a kill. */
    static final class Exit extends Error {
        private static final long serialVersionUID = 1L;

        Exit() {
            super("negative control: killed", null, false, false);
        }
    }

    /** Thrown at a suspension point for an expired scope. */
    static final class Expired extends Error {
        private static final long serialVersionUID = 1L;

        Expired() {
            super("negative control: timeout expired", null, false, false);
        }
    }

    private final AtomicBoolean kill = new AtomicBoolean();
    private final AtomicReference<TimedScope> pending = new AtomicReference<>();
    /** Only accessed by the fiber. */
    private boolean killDelivered;
    private volatile Thread thread;
    private volatile boolean done;

    @Override
    public void start(Runnable body) {
        Thread t = ActorFibers.virtualThreads(ActorFibers.group()).unstarted(() -> {
            try {
                body.run();
            } finally {
                done = true;
            }
        });
        thread = t; // before the body runs: the timer and the killer read it
        t.start();
    }

    @Override
    public void yieldNow() {
        deliverPending();
        Thread.yield();
        deliverPending();
    }

    @Override
    public void kill() {
        if (kill.compareAndSet(false, true)) {
            wakeAndInterrupt();
        }
    }

    private void wakeAndInterrupt() {
        LockSupport.unpark(thread); // BROKEN: the woken fiber can clear its interrupt and throw before the next line
        thread.interrupt();
    }

    private void deliverPending() {
        if (kill.get() && !killDelivered) {
            killDelivered = true;
            Thread.interrupted(); // the interrupt that carried the kill is spent here
            throw new Exit();
        }
        TimedScope s = pending.getAndSet(null);
        if (s != null) {
            Thread.interrupted();
            if (s.state.get() != TimedScope.CLOSED) {
                throw new Expired();
            }
        }
    }

    @Override
    public StrayInterruptShape.Scope openTimeout(long nanos) {
        TimedScope s = new TimedScope();
        s.timer = TIMER.schedule(s::fire, nanos, TimeUnit.NANOSECONDS);
        return s;
    }

    @Override
    public boolean isExit(Throwable t) {
        return t instanceof Exit;
    }

    @Override
    public boolean isExpiry(Throwable t) {
        return t instanceof Expired;
    }

    @Override
    public boolean awaitEnd() {
        return ActorCarrier.awaitFlag(() -> done);
    }

    /** A timeout: OPEN, then FIRING and FIRED if its timer fires first, or CLOSED if its scope closes first. */
    private final class TimedScope implements StrayInterruptShape.Scope {
        static final int OPEN = 0, FIRING = 1, FIRED = 2, CLOSED = 3;
        final AtomicInteger state = new AtomicInteger(OPEN);
        volatile ScheduledFuture<?> timer;

        void fire() {
            if (state.compareAndSet(OPEN, FIRING)) {
                pending.set(this);
                wakeAndInterrupt();
                state.set(FIRED);
            }
        }

        @Override
        public void close() {
            if (state.compareAndSet(OPEN, CLOSED)) {
                timer.cancel(false);
                return;
            }
            while (state.get() == FIRING) {
                Thread.onSpinWait(); // close returns once the firing has finished
            }
            if (pending.compareAndSet(this, null)) {
                Thread.interrupted(); // fired but not thrown: dropped with its interrupt
            }
            state.set(CLOSED);
        }
    }
}
