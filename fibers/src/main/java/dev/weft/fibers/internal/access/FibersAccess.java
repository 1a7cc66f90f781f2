package dev.weft.fibers.internal.access;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Scheduler;

import java.util.concurrent.Callable;

/**
 * The runtime's internals that Weft's own test harnesses (the JCStress suite) need and users
 * must not: the one door through the {@code dev.weft.fibers} encapsulation, installed by the
 * runtime ({@link SharedSecrets}). Every method says which harness step it serves; a refactoring
 * of the runtime breaks compilation here and in the implementation, nowhere else.
 */
public interface FibersAccess {

    /** A fiber of {@code scheduler} that is not queued yet: a plain one, or a patched one (a virtual thread). */
    <V> Fiber<V> unstarted(Scheduler scheduler, Callable<V> task, boolean patched);

    /** Queues an unstarted fiber on its scheduler, as a spawn would. Call once per fiber. */
    void start(Fiber<?> fiber);

    /** Queues {@code task} on {@code hub}'s carrier, behind everything queued there now. */
    void execute(Hub hub, Runnable task);

    /** Queues {@code task} on the current plain fiber's carrier, behind the fiber itself. */
    void executeBehindCurrentFiber(Runnable task);

    /** Whether a started plain fiber's first turn has ended: it parked, yielded or terminated. */
    boolean firstTurnEnded(Fiber<?> fiber);

    /** A builder of virtual threads that {@code scheduler}'s carriers run, as patched fibers are. */
    Thread.Builder.OfVirtual virtualThreads(Scheduler scheduler);
}
