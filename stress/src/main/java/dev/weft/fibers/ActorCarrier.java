package dev.weft.fibers;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Lets a jcstress actor thread be the carrier of a fiber, so that the racing steps of a test
 * (the carrier's park handshake, a waker's unpark, a kill) really run on the actor threads
 * that jcstress starts together, instead of on a scheduler thread that starts late.
 *
 * <p>Lives in the stress module, in the runtime's package, to reach its package-private
 * carrier API; it is test scaffolding, not library code.
 *
 * <h2>How a test drives a fiber</h2>
 * <ol>
 *   <li>{@link #unstarted} makes a fiber of the shared one-carrier {@link WorkStealingScheduler}
 *       without queueing it: nobody else may run it.</li>
 *   <li>An actor calls {@link #runUntilSuspended}: the actor thread mounts the fiber and runs
 *       it to its first suspension (or its end), then performs the carrier's after-yield
 *       handshake (PARKING to PARKED, re-check the permit) exactly as a scheduler thread
 *       would. This is legal because an unstarted, unqueued fiber is owned by whoever runs it.</li>
 *   <li>Whoever wins the PARKED to RUNNABLE transition submits the fiber to the shared
 *       scheduler, whose carrier resumes it. An arbiter calls {@link #settle} to wait until
 *       every such resumption has run, then reads what the fiber recorded.</li>
 * </ol>
 * The scheduler is a {@code WorkStealingScheduler}, not a {@code Hub}: a hub's bookkeeping
 * is carrier-only, whereas this scheduler's start/terminate hooks are thread-safe, and its
 * timers run on their own thread.
 */
public final class ActorCarrier {
    /** Resumes the fibers that the racing steps submit. One carrier: resumptions run in turn. */
    private static final WorkStealingScheduler RESUMER = new WorkStealingScheduler(1);
    private static final ForkJoinPool RESUMER_POOL = pool(RESUMER);
    private static final Constructor<?> PLAIN_FIBER = plainFiberConstructor();

    private ActorCarrier() {}

    /** A fiber that runs {@code task} once an actor calls {@link #runUntilSuspended} on it. */
    @SuppressWarnings("unchecked")
    public static <V> Fiber<V> unstarted(Callable<V> task) {
        ContinuationAccess.require();
        try {
            return (Fiber<V>) (PLAIN_FIBER.getParameterCount() == 3
                    ? PLAIN_FIBER.newInstance(RESUMER, null, task)
                    : PLAIN_FIBER.newInstance(RESUMER, null, task, false));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a plain fiber through " + PLAIN_FIBER, e);
        }
    }

    /**
     * Fiber's package-private constructor (scheduler, name, task[, patched]): looked up by its
     * leading parameters, so that this scaffolding follows the runtime when it grows a flag.
     */
    private static Constructor<?> plainFiberConstructor() {
        for (Constructor<?> c : Fiber.class.getDeclaredConstructors()) {
            Class<?>[] p = c.getParameterTypes();
            if (p.length >= 3 && p[0] == Scheduler.class && p[1] == String.class && p[2] == Callable.class
                    && (p.length == 3 || (p.length == 4 && p[3] == boolean.class))) {
                c.setAccessible(true);
                return c;
            }
        }
        throw new ExceptionInInitializerError("Fiber has no (Scheduler, String, Callable[, boolean]) constructor");
    }

    /** Like {@link #unstarted(Callable)}, for a task without a result. */
    public static Fiber<Void> unstarted(Runnable task) {
        return unstarted(() -> {
            task.run();
            return null;
        });
    }

    /**
     * Mounts {@code fiber} on the calling thread and runs it until it suspends or ends, then
     * performs the carrier's after-yield handshake. Call once per fiber, on an unstarted one.
     */
    public static void runUntilSuspended(Fiber<?> fiber) {
        fiber.runOnCarrier();
    }

    /**
     * Waits, as a thread, for {@code fiber} to end: what an arbiter calls when the fiber must
     * end on its own.
     *
     * @return false if it did not end within ten seconds (a hang)
     */
    public static boolean awaitEnd(Fiber<?> fiber) {
        try {
            return fiber.join(java.time.Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until the shared scheduler has run every resumption submitted before this call.
     *
     * @return false if it did not get there within ten seconds
     */
    public static boolean settle() {
        return RESUMER_POOL.awaitQuiescence(10, TimeUnit.SECONDS);
    }

    private static ForkJoinPool pool(WorkStealingScheduler scheduler) {
        try {
            Field f = WorkStealingScheduler.class.getDeclaredField("carriers");
            f.setAccessible(true);
            return (ForkJoinPool) f.get(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
