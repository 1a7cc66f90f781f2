package dev.weft.fibers.internal.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The mutual exclusion behind every short critical section that patched fibers, plain fibers and
 * threads of one scheduler share: the coordination kit's (queues, signals, groups, scopes;
 * {@code Channel} inlines the same lock in its own field and shares {@link #pause}) and the
 * multi-carrier timer thread's. Not re-entrant, not fair, never held across a park, an unpark, a
 * yield or user code: only for a few field updates. Exported to {@code dev.weft.locks} only.
 *
 * <h2>Why not a Java monitor</h2>
 * A patched fiber is a virtual thread whose carrier is a Weft carrier thread, and a plain fiber
 * runs on that carrier thread itself. When both contend for one monitor, the virtual thread
 * that blocks entering it is unmounted, while the plain fibers block their carrier threads
 * entering it; the JDK may then choose the unmounted virtual thread as the monitor's next
 * owner, and no carrier is free to mount it: every carrier of the scheduler hangs. The soak's
 * item flows hung both carriers of a {@code MultiCarrierScheduler(2)} so, on a {@code Queue}.
 * A {@code java.util.concurrent} lock is no better: a carrier thread queued behind a parked
 * virtual thread of its own waits for it forever ({@code PatchedFiberTest} hung so on the
 * timer thread's {@code ReentrantLock}). A spin lock has no successor: whoever runs takes it.
 *
 * <h2>Waiting for it</h2>
 * A holder is always running (it holds the lock for a few instructions and never unmounts,
 * since nothing it does under the lock can block), so waiters spin. A platform thread (a
 * carrier included) that has spun a while yields its CPU, for a holder that the OS has
 * descheduled. A virtual thread never yields: {@code Thread.yield()} unmounts it, and one that
 * holds another lock (a select holds several channels' locks in turn) would then sit unmounted
 * holding it while the carriers spin for it.
 */
public final class SpinLock {
    private static final VarHandle STATE;
    private static final int SPINS_BEFORE_YIELD = 64;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SpinLock.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 0: free; 1: held. */
    private volatile int state;

    /** Takes the lock, spinning while another strand holds it. */
    public void lock() {
        if (!STATE.compareAndSet(this, 0, 1)) {
            lockSlow();
        }
    }

    private void lockSlow() {
        for (int spins = 0; ; spins++) {
            if (state == 0 && STATE.compareAndSet(this, 0, 1)) {
                return;
            }
            pause(spins);
        }
    }

    /** Releases the lock. Only by the strand that took it (not checked: a misuse is a bug of the kit). */
    public void unlock() {
        STATE.setRelease(this, 0);
    }

    /**
     * One step of waiting for a spin lock that another strand holds, the {@code spins}-th:
     * see the class comment.
     */
    public static void pause(int spins) {
        if (spins < SPINS_BEFORE_YIELD || Thread.currentThread().isVirtual()) {
            Thread.onSpinWait();
        } else {
            Thread.yield(); // a platform thread or a carrier: yields the CPU, unmounts nothing
        }
    }
}
