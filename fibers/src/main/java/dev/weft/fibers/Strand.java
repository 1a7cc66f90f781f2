package dev.weft.fibers;

import java.util.concurrent.locks.LockSupport;

/**
 * A unit of execution that can block and be woken: a {@link Fiber}, or a thread (platform or
 * virtual). Synchronizers written against {@code Strand} work for both, which is how Weft's
 * locks serve fibers and threads waiting on the same instance.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>{@link #park()} and {@link #unpark()} follow {@link LockSupport}: each strand has one
 *       permit; {@code unpark} makes it available, {@code park} consumes it or blocks until it
 *       is made available. An {@code unpark} before the {@code park} makes the {@code park}
 *       return at once; two {@code unpark}s before a {@code park} give one permit.</li>
 *   <li>No lost wake-up: an {@code unpark} that races with a {@code park} of the same strand
 *       either lets that {@code park} return or leaves the permit for the next one.</li>
 *   <li>Like {@code LockSupport.park}, {@code park} may return spuriously: callers re-check
 *       their condition in a loop.</li>
 *   <li>A fiber blocks only itself: its carrier runs other fibers meanwhile. A thread blocks as
 *       a thread. {@code unpark} never blocks and never switches away from the caller.</li>
 *   <li>A fiber's park is a suspension point: a pending {@link Fiber#kill() kill} or
 *       {@link Timeout} is thrown from it (as {@link FiberExit} or {@link TimeoutExpired}).
 *       A thread's park returns when the thread is interrupted, leaving the interrupt status
 *       set.</li>
 * </ol>
 */
public abstract sealed class Strand permits Fiber, ThreadStrand {

    Strand() {}

    /** The strand that calls this: the current fiber, else the current thread's strand. */
    public static Strand current() {
        Fiber<?> f = Fiber.current();
        return f != null ? f : ThreadStrand.ofCurrentThread();
    }

    /**
     * Blocks the current strand until its permit is available, then consumes it.
     * May return spuriously. Prefer {@link #park(Object)}, which says what the strand waits on.
     *
     * @throws FiberExit if the current fiber is killed
     * @throws TimeoutExpired if a {@link Timeout} of the current fiber expires
     */
    public static void park() {
        Fiber<?> f = Fiber.current();
        if (f != null) {
            f.parkFiber(null); // directly, not through park(Object): a frame less in a parked fiber's stack
        } else {
            LockSupport.park();
        }
    }

    /**
     * Like {@link #park()}, recording {@code blocker} as what the strand waits on, as
     * {@link LockSupport#park(Object)} does: a fiber dump and a deadlock report show it (its
     * {@code toString}, so a synchronizer's should state its state), and how long the strand
     * has waited. Synchronizers pass {@code this}.
     *
     * @param blocker the object waited on (a lock, a queue, a fiber being joined), or null
     * @throws FiberExit if the current fiber is killed
     * @throws TimeoutExpired if a {@link Timeout} of the current fiber expires
     */
    public static void park(Object blocker) {
        Fiber<?> f = Fiber.current();
        if (f != null) {
            f.parkFiber(blocker);
        } else {
            LockSupport.park(blocker);
        }
    }

    /**
     * Like {@link #park()}, but returns after at most {@code nanos} nanoseconds.
     * Returns at once if {@code nanos <= 0}. Prefer {@link #parkNanos(Object, long)}.
     *
     * @throws FiberExit if the current fiber is killed
     * @throws TimeoutExpired if a {@link Timeout} of the current fiber expires
     */
    public static void parkNanos(long nanos) {
        Fiber<?> f = Fiber.current();
        if (f != null) {
            f.parkFiberNanos(null, nanos);
        } else if (nanos > 0) {
            LockSupport.parkNanos(nanos);
        }
    }

    /**
     * Like {@link #parkNanos(long)}, recording {@code blocker} as what the strand waits on
     * (see {@link #park(Object)}).
     *
     * @throws FiberExit if the current fiber is killed
     * @throws TimeoutExpired if a {@link Timeout} of the current fiber expires
     */
    public static void parkNanos(Object blocker, long nanos) {
        Fiber<?> f = Fiber.current();
        if (f != null) {
            f.parkFiberNanos(blocker, nanos);
        } else if (nanos > 0) {
            LockSupport.parkNanos(blocker, nanos);
        }
    }

    /**
     * The current strand's clock, in nanoseconds, for deadlines of timed waits: for a fiber of a
     * {@link SimulatedScheduler} its virtual time ({@link SimulatedScheduler#nanoTime()}), which
     * {@link #parkNanos}, {@link Fiber#sleep} and {@link Timeout} measure too; else
     * {@link System#nanoTime()}. Synchronizers with timed waits read time here, so that they wait
     * in virtual time inside a simulation. Like {@code System.nanoTime()}, only differences of two
     * values of the same strand are meaningful.
     */
    public static long nanoTime() {
        Fiber<?> f = Fiber.current();
        return f != null ? f.schedulerNanoTime() : System.nanoTime();
    }

    /**
     * Makes this strand's permit available, waking it if it is parked. Never blocks and never
     * switches: a woken fiber runs when its scheduler gets to it.
     */
    public abstract void unpark();

    /** Whether this strand is a fiber (as opposed to a thread). */
    public abstract boolean isFiber();

    /** The strand's name: the fiber's name, or the thread's. */
    public abstract String name();
}
