package dev.weft.stress.harness;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.fibers.internal.access.FibersAccess;
import dev.weft.fibers.internal.access.SharedSecrets;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Test scaffolding (not library code) that lets jcstress actors drive fibers while respecting
 * the runtime's rule that <b>a fiber runs all its segments on one thread</b> (see
 * {@link MultiCarrierScheduler}: inside a raw continuation {@code Thread.currentThread()} is the
 * carrier and compiled code may keep it across a yield, so a fiber must never be resumed on
 * another thread than the one that ran it first).
 *
 * <p>Reaches the runtime's carrier internals through its one access door,
 * {@link FibersAccess}.
 *
 * <h2>How a test drives a fiber</h2>
 * <ol>
 *   <li>{@link #unstarted} makes a fiber of one of two shared {@link Hub}s ("weft-stress-0"
 *       and "weft-stress-1", daemon threads that live as long as the forked JVM) without
 *       queueing it. Its carrier is that hub's thread, for its first segment and every later
 *       one.</li>
 *   <li>An actor calls {@link #start}: the fiber is queued on its hub, exactly as a spawn from
 *       a thread would queue it. The fiber-side steps (the park handshake, the re-check of the
 *       permit, the lock's queueing) then run on the hub's carrier, in parallel with the actors;
 *       the racing steps are the cross-thread ones (unpark, kill, release, timer expiry).
 *       To make them meet, a racing actor usually waits ({@link #awaitFlag}) for a flag that
 *       the fiber raises just before its racing step.</li>
 *   <li>An arbiter waits for settlement: {@link #awaitEnd} (a bounded join), or
 *       {@link #settle}, which waits until the hub has run everything queued before it.</li>
 * </ol>
 * {@link #execute} runs a plain task on a hub's carrier: the twins (negative controls) use it
 * to run their copy of the algorithm in the same shape.
 */
public final class ActorCarrier {
    private static final FibersAccess RUNTIME = SharedSecrets.fibers();
    private static final Hub[] HUBS = {new Hub("weft-stress-0"), new Hub("weft-stress-1")};
    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(10);

    private ActorCarrier() {}

    /** The shared hub {@code i} (0 or 1). */
    public static Hub hub(int i) {
        return HUBS[i];
    }

    /** A fiber of hub 0 that runs {@code task} once an actor calls {@link #start} on it. */
    public static <V> Fiber<V> unstarted(Callable<V> task) {
        return unstarted(0, task);
    }

    /** A fiber of hub {@code i} that runs {@code task} once an actor calls {@link #start} on it. */
    public static <V> Fiber<V> unstarted(int i, Callable<V> task) {
        return RUNTIME.unstarted(HUBS[i], task, false);
    }

    /** Like {@link #unstarted(Callable)}, for a task without a result. */
    public static Fiber<Void> unstarted(Runnable task) {
        return unstarted(0, task);
    }

    /** Like {@link #unstarted(int, Callable)}, for a task without a result. */
    public static Fiber<Void> unstarted(int i, Runnable task) {
        return unstarted(i, () -> {
            task.run();
            return null;
        });
    }

    /** Queues an unstarted fiber on its hub (call once per fiber): it runs there from now on. */
    public static void start(Fiber<?> fiber) {
        RUNTIME.start(fiber);
    }

    /** Queues {@code task} on hub {@code i}'s carrier; for the twins. */
    public static void execute(int i, Runnable task) {
        execute(HUBS[i], task);
    }

    /** Queues {@code task} on {@code hub}'s carrier (waking it if idle); for the twins. */
    public static void execute(Hub hub, Runnable task) {
        RUNTIME.execute(hub, task);
    }

    /**
     * Queues {@code probe} on the current fiber's hub, behind the fiber: called by a fiber
     * right before it parks, the probe runs before the fiber continues if and only if the park
     * really suspended (a park that returns at once continues first).
     */
    public static void probeFromFiber(Runnable probe) {
        RUNTIME.executeBehindCurrentFiber(probe);
    }

    /** Starts {@code fiber} and waits until its first segment has ended (parked, yielded or done). */
    public static boolean startAndAwaitSuspension(Fiber<?> fiber) {
        start(fiber);
        long deadline = System.nanoTime() + BOUND_NANOS;
        for (int spins = 0; ; spins++) {
            if (RUNTIME.firstTurnEnded(fiber)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            backOff(spins);
        }
    }

    /** Waits (spinning, then yielding) until {@code flag} is true, for at most ten seconds. */
    public static boolean awaitFlag(java.util.function.BooleanSupplier flag) {
        long deadline = 0;
        for (int spins = 0; !flag.getAsBoolean(); spins++) {
            if (spins == 1000) {
                deadline = System.nanoTime() + BOUND_NANOS;
            } else if (spins > 1000 && System.nanoTime() > deadline) {
                return false;
            }
            backOff(spins);
        }
        return true;
    }

    private static void backOff(int spins) {
        if (spins < 200) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /**
     * Waits, as a thread, for {@code fiber} to end.
     *
     * @return false if it did not end within ten seconds (a hang)
     */
    public static boolean awaitEnd(Fiber<?> fiber) {
        try {
            return fiber.join(Duration.ofNanos(BOUND_NANOS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Kills {@code fiber} (one left parked by a test) and waits for it to end. */
    public static boolean killAndAwait(Fiber<?> fiber) {
        fiber.kill();
        return awaitEnd(fiber);
    }

    /**
     * Waits until both hubs have run everything queued on them before this call, twice (so
     * that a resumption queued by a resumption has run too).
     *
     * @return false if they did not get there within ten seconds
     */
    public static boolean settle() {
        for (int round = 0; round < 2; round++) {
            CountDownLatch done = new CountDownLatch(HUBS.length);
            for (Hub h : HUBS) {
                RUNTIME.execute(h, done::countDown);
            }
            try {
                if (!done.await(BOUND_NANOS, TimeUnit.NANOSECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
