package dev.weft.stress.harness;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Monkey;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.fibers.Scheduler;
import dev.weft.fibers.internal.access.FibersAccess;
import dev.weft.fibers.internal.access.SharedSecrets;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Callable;

/**
 * Test scaffolding (not library code), next to {@link ActorCarrier}: the fibers that
 * {@link ActorCarrier}'s two single-carrier hubs cannot give a jcstress actor.
 * <ul>
 *   <li>A shared {@link MultiCarrierScheduler} with two carriers ({@link #group()}), for tests
 *       of what only the group does: balancing fibers between carriers when they start, and
 *       firing the timers of patched fibers on its own timer thread.</li>
 *   <li>Unstarted <em>patched</em> fibers ({@link Monkey}: virtual threads whose scheduler is a
 *       Weft carrier) of any scheduler, for instance {@code ActorCarrier.hub(0)}.</li>
 *   <li>{@link #carrierNow()}: the platform thread that runs the caller now, read in a way the
 *       JIT cannot carry across a suspension.</li>
 * </ul>
 * Reaches the runtime's unstarted fibers through its one access door, {@link FibersAccess}.
 */
public final class ActorFibers {
    private static final FibersAccess RUNTIME = SharedSecrets.fibers();
    private static final MultiCarrierScheduler GROUP = new MultiCarrierScheduler(2);

    /**
     * {@code Thread.currentThread()}, called through a method handle the JIT cannot treat as a
     * constant (hence not final), so it cannot inline it: every call is a real call that loads the current thread
     * afresh. Compiled code that read {@code Thread.currentThread()} directly may reuse a value
     * it loaded before a yield (the JIT assumes a frame's thread does not change), and would
     * then not see a fiber that moved.
     */
    @SuppressWarnings("FieldMayBeFinal")
    private static MethodHandle currentThread;

    static {
        try {
            currentThread = MethodHandles.lookup().findStatic(Thread.class, "currentThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ActorFibers() {}

    /**
     * The shared group: two carrier threads (daemons) that live as long as the forked JVM. A
     * fiber {@link #start started} on it runs on whichever carrier takes it first.
     */
    public static MultiCarrierScheduler group() {
        return GROUP;
    }

    /** A plain fiber of {@code scheduler} that runs {@code task} once an actor calls {@link #start} on it. */
    public static <V> Fiber<V> unstarted(Scheduler scheduler, Callable<V> task) {
        return RUNTIME.unstarted(scheduler, task, false);
    }

    /** A patched fiber (a virtual thread that {@code scheduler} runs) that runs {@code task} once started. */
    public static <V> Fiber<V> unstartedPatched(Scheduler scheduler, Callable<V> task) {
        return RUNTIME.unstarted(scheduler, task, true);
    }

    /** Makes an unstarted fiber of this class runnable on its scheduler, as a spawn would (call once). */
    public static void start(Fiber<?> fiber) {
        RUNTIME.start(fiber);
    }

    /**
     * A builder of virtual threads that {@code scheduler}'s carriers run, as patched fibers
     * are; for the negative controls' copies of the patched fiber.
     */
    public static Thread.Builder.OfVirtual virtualThreads(Scheduler scheduler) {
        return RUNTIME.virtualThreads(scheduler);
    }

    /** The thread that runs the caller right now (through a method handle: see the field {@code currentThread}). */
    public static Thread carrierNow() {
        try {
            return (Thread) currentThread.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
