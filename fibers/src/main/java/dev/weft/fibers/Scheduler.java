package dev.weft.fibers;

import dev.weft.fibers.internal.timer.TimerTask;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * Runs fibers on carrier threads. Two kinds:
 * <ul>
 *   <li>{@link Hub}: one carrier, a FIFO run queue and a timer heap; gevent's hub, with its
 *       exact ordering rules. The default.</li>
 *   <li>{@link MultiCarrierScheduler}: N carriers sharing new fibers, for CPU
 *       parallelism; no ordering between fibers on different carriers.</li>
 * </ul>
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>A fiber runs on its scheduler's carriers only, one carrier at a time.</li>
 *   <li>A fiber spawned from a fiber runs on the spawner's scheduler ({@link Fiber#spawn});
 *       choose another per spawn with {@link #spawn(Callable)} on that scheduler.</li>
 *   <li>Any thread or fiber may spawn on, and join fibers of, any scheduler; a thread
 *       blocks as a thread while it waits.</li>
 *   <li>{@link #close()} rejects new spawns, kills every unfinished fiber so that its
 *       {@code finally} blocks run (a continuation that is merely dropped is collected
 *       without running them), waits for all of them to end, and stops the carriers.</li>
 * </ol>
 * As an {@link Executor}, {@link #execute} spawns a fiber.
 */
public abstract sealed class Scheduler implements Executor, AutoCloseable permits Hub, MultiCarrierScheduler {

    Scheduler() {}

    /**
     * The default hub: spawned onto by {@link Fiber#spawn} from threads. Its carrier is a
     * daemon thread named {@code weft-hub}; it lives as long as the JVM and cannot be closed.
     */
    public static Hub defaultScheduler() {
        return DefaultHub.HUB;
    }

    private static final class DefaultHub {
        static final Hub HUB = new Hub("weft-hub", true);
    }

    /** The scheduler {@link Fiber#spawn} uses: the current fiber's, else the default hub. */
    static Scheduler forSpawn() {
        Fiber<?> f = Fiber.current();
        return f != null ? f.scheduler : defaultScheduler();
    }

    /**
     * Spawns a fiber that calls {@code task}. See {@link Fiber} for when it first runs.
     *
     * @throws java.util.concurrent.RejectedExecutionException if this scheduler is closed
     * @throws IllegalStateException if the JVM lacks Weft's {@code --add-exports} flag
     */
    public final <V> Fiber<V> spawn(Callable<V> task) {
        return spawn(null, task);
    }

    /** Like {@link #spawn(Callable)}, for a task without a result. */
    public final Fiber<Void> spawn(Runnable task) {
        return spawn(null, task);
    }

    /** Like {@link #spawn(Callable)}, naming the fiber ({@code null}: a generated name). */
    public final <V> Fiber<V> spawn(String name, Callable<V> task) {
        return spawn(name, task, Monkey.isPatchedAll());
    }

    /** Spawns a plain fiber, or a patched one (a virtual thread this scheduler runs). */
    /** {@code task} is a {@code Callable<V>} or a {@code Runnable}. */
    final <V> Fiber<V> spawn(String name, Object task, boolean patched) {
        Fiber<V> f = newFiber(name, task, patched);
        admit(f);
        return f;
    }

    private <V> Fiber<V> newFiber(String name, Object task, boolean patched) {
        Objects.requireNonNull(task, "task");
        ContinuationAccess.require();
        if (patched) {
            VirtualCarrierAccess.require();
        }
        return patched ? new PatchedFiber<>(this, name, task) : new ContinuationFiber<>(this, name, task);
    }

    /**
     * The scheduler of this scheduler's patched fibers' virtual threads: each task is one
     * turn of a virtual thread, queued like a fiber.
     */
    final Executor virtualThreadScheduler = this::submitTask;

    /** Like {@link #spawn(Runnable)}, naming the fiber ({@code null}: a generated name). */
    public final Fiber<Void> spawn(String name, Runnable task) {
        Objects.requireNonNull(task, "task");
        return spawn(name, (Object) task, Monkey.isPatchedAll());
    }

    /**
     * Runs {@code task} as a fiber of this scheduler and waits for its value: the form for a
     * program's main body, which then plays gevent's main greenlet. Fibers it spawns follow the
     * scheduler's ordering rules exactly (on a {@link Hub}: they first run when it yields or
     * blocks), whereas fibers spawned from a thread start at once, concurrently with it.
     *
     * @return the task's value
     * @throws Exception what the task threw, as it is (not wrapped)
     * @throws java.util.concurrent.CancellationException if the fiber was killed
     * @throws IllegalStateException if called from a fiber of this scheduler (call the task directly)
     */
    public final <V> V invoke(Callable<V> task) throws Exception {
        requireNotOwnFiber("Scheduler.invoke()");
        Fiber<V> f = newFiber("main", task, Monkey.isPatchedAll());
        f.onComplete(outcomeGoesToTheCaller -> { }); // before it can run: a failure is ours, not the handler's
        admit(f);
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            throw (Error) cause;
        }
    }

    /** Spawns a fiber that runs {@code command}. */
    @Override
    public final void execute(Runnable command) {
        spawn(command);
    }

    /**
     * Kills every unfinished fiber, waits for all of them to end and stops the carriers.
     * Idempotent. A fiber that catches its {@link FiberExit} and blocks forever makes this
     * wait forever.
     *
     * @throws IllegalStateException if called from a fiber of this scheduler
     */
    @Override
    public abstract void close();

    /** Whether {@link #close()} has been called. */
    public abstract boolean isClosed();

    // ---- the runtime's side: called by Fiber, Timeout and the carriers

    /** Queues a new fiber. @throws java.util.concurrent.RejectedExecutionException if closed */
    final void admit(Fiber<?> f) {
        if (isClosed()) {
            throw new java.util.concurrent.RejectedExecutionException(this + " is closed: it spawns no more fibers");
        }
        f.start();
    }

    /** Queues the first run of a new plain fiber on some carrier (admit has accepted it). */
    abstract void admitToCarrier(ContinuationFiber<?> f);

    /** Queues one turn of a patched fiber's virtual thread. Never blocks, never runs it. */
    abstract void submitTask(Runnable virtualThreadTurn);

    /** A patched fiber's body starts; called in its virtual thread, on a carrier. */
    abstract void patchedStarted(Fiber<?> f);

    /** A patched fiber's body has ended; called in its virtual thread, on a carrier. */
    abstract void patchedEnded(Fiber<?> f);

    /** Arms a timer of a patched fiber's; called by that fiber, on whichever carrier it is. */
    abstract void armPatchedTimer(TimerTask task, long deadline);

    /** Disarms a timer armed by {@link #armPatchedTimer}; called by the same fiber. */
    abstract void disarmPatchedTimer(TimerTask task);

    final void requireNotOwnFiber(String what) {
        Fiber<?> f = Fiber.current();
        if (f != null && f.scheduler == this) {
            throw new IllegalStateException(what + " was called from " + f + ", a fiber of the scheduler itself: "
                    + "it would wait for itself. Call it from a thread or a fiber of another scheduler.");
        }
    }

    /** Waits, as the current strand, until {@code done} is true; interrupts are kept, not thrown. */
    static void awaitUninterruptibly(java.util.function.BooleanSupplier done) {
        boolean interrupted = false;
        while (!done.getAsBoolean()) {
            Strand.park();
            if (Fiber.current() == null && Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
