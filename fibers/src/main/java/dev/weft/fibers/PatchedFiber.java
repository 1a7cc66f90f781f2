package dev.weft.fibers;

import dev.weft.fibers.internal.timer.TimerTask;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A patched fiber ({@link Monkey}): a JDK virtual thread whose scheduler is a Weft carrier. It
 * parks, wakes and yields as that thread does ({@code LockSupport}, {@code Thread.yield}), so it
 * has no state machine of its own: the JDK's {@code VirtualThread} is it. What it adds is the
 * Weft side: {@link Fiber#current()} through a scoped value bound for its body, and kills and
 * timeouts carried by an interrupt, so that a blocking JDK call gives up.
 *
 * <h2>The interrupt handshake</h2>
 * A killer (or a firing Timeout) records the signal, then interrupts the virtual thread, which
 * also unparks it. The fiber may run between the two: it then throws the signal and clears its
 * interrupt status before the interrupt lands, which would leave a stray interrupt behind that
 * turns every later park into a spin. So a signaller counts itself in {@link #signalling} before
 * it records the signal and out after the interrupt; the fiber, once it acts on a signal, waits
 * until that count is zero before it settles its interrupt status ({@link #signalsSettled}):
 * clear, then set again only if another signal is still pending. Invariant: once the fiber has
 * settled, its interrupt status is set exactly when a kill or fired timeout still waits to be
 * thrown.
 */
final class PatchedFiber<V> extends Fiber<V> {
    private static final VarHandle SIGNALLING;
    private static final VarHandle STARTED;

    static {
        try {
            SIGNALLING = MethodHandles.lookup().findVarHandle(PatchedFiber.class, "signalling", int.class);
            STARTED = MethodHandles.lookup().findVarHandle(PatchedFiber.class, "started", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The patched fiber a virtual thread runs, bound for the whole of its body. */
    private static final ScopedValue<PatchedFiber<?>> CURRENT = ScopedValue.newInstance();

    private final Thread virtualThread;
    /** Strands between recording a kill or timeout for this fiber and interrupting it. */
    private volatile int signalling;
    /** See {@link Fiber#parkStamp()}. */
    private int parkStamp;
    /** See {@link Fiber#markStarted()}. */
    private volatile boolean started;

    PatchedFiber(Scheduler scheduler, String name, Object task) {
        super(scheduler, name, task);
        this.virtualThread = VirtualCarrierAccess.builder(scheduler.virtualThreadScheduler)
                .name(name != null ? name : "weft-patched")
                .unstarted(this::run);
    }

    @Override
    boolean markStarted() {
        return !started && STARTED.compareAndSet(this, false, true);
    }

    @Override
    boolean isStarted() {
        return started;
    }

    @Override
    int parkStamp() {
        return parkStamp;
    }

    @Override
    void setParkStamp(int stamp) {
        parkStamp = stamp;
    }

    /** The patched fiber of the current virtual thread, or {@code null}. */
    static Fiber<?> currentPatched() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    @Override
    void launch() {
        runsOn.patchedLaunching(this);
        virtualThread.start(); // the JDK submits its first turn to the scheduler's virtualThreadScheduler
        runsOn.patchedLaunched(this);
    }

    @Override
    boolean isPatched() {
        return true;
    }

    @Override
    String stateName() {
        return virtualThread.getState().name();
    }

    @Override
    StackTraceElement[] unmountedStack() {
        return virtualThread.getStackTrace();
    }

    /** The virtual thread's task. */
    private void run() {
        if (!runsOn.patchedClaimsItsRun(this)) {
            return; // its scheduler stopped first and abandoned it
        }
        ScopedValue.where(CURRENT, this).run(() -> {
            try {
                runsOn.patchedStarted(this); // a closing scheduler posts a kill: body() throws it first
                body();
            } finally {
                runsOn.patchedEnded(this);
            }
        });
    }

    // ------------------------------------------------------------------ the fiber's side

    @Override
    void yieldToOthers() {
        deliverPending();
        Thread.yield(); // the JDK queues the virtual thread's next turn at the tail
        deliverPending();
    }

    @Override
    void parkFiber(Object blocker) {
        deliverPending();
        noteParkStart(blocker, false);
        LockSupport.park(this);
        noteParkEnd();
        deliverPending();
    }

    @Override
    void parkFiberNanos(Object blocker, long nanos) {
        deliverPending();
        if (nanos <= 0) {
            return;
        }
        noteParkStart(blocker, true);
        LockSupport.parkNanos(this, nanos);
        noteParkEnd();
        deliverPending();
    }

    @Override
    boolean parkFiberUntil(Object blocker, long deadline, long nanos) {
        parkFiberNanos(blocker, nanos); // the JDK times it: whether it ran out is not known here
        return false;
    }

    @Override
    void armTimer(TimerTask task, long deadline) {
        runsOn.armPatchedTimer(task, deadline);
    }

    @Override
    void disarmTimer(TimerTask task) {
        runsOn.disarmPatchedTimer(task);
    }

    @Override
    void disarmTimerFromAnywhere(TimerTask task) {
        runsOn.disarmPatchedTimerFromAnywhere(task);
    }

    @Override
    void signalsSettled(boolean deliveringKill) {
        while (signalling != 0) {
            Thread.yield(); // a signaller is between recording and interrupting; let it finish (it may share our carrier)
        }
        Thread.interrupted();
        if (hasPendingSignal(deliveringKill)) {
            virtualThread.interrupt(); // what is still pending keeps its interrupt, for a blocking JDK call
        }
    }

    @Override
    Throwable outcomeOf(Throwable thrown) {
        Object k = killRequested();
        if (k != null && thrown != k && !(thrown instanceof FiberExit)) {
            // the kill reached a blocking JDK call as an interrupt, which threw this: still a kill
            return k == PLAIN_KILL ? new FiberExit().initCause(thrown) : (Throwable) k;
        }
        return thrown;
    }

    // ------------------------------------------------------------------ other strands' side

    @Override
    public void unpark() {
        LockSupport.unpark(virtualThread);
    }

    @Override
    boolean postKill(Object k) {
        SIGNALLING.getAndAdd(this, 1);
        try {
            if (!casKill(k)) {
                return false;
            }
            virtualThread.interrupt(); // wakes it, and makes a blocking JDK call give up
            return true;
        } finally {
            SIGNALLING.getAndAdd(this, -1);
        }
    }

    @Override
    void postTimeout() {
        SIGNALLING.getAndAdd(this, 1);
        try {
            timeoutFired = true;
            virtualThread.interrupt();
        } finally {
            SIGNALLING.getAndAdd(this, -1);
        }
    }
}
