package dev.weft.fibers;

import dev.weft.fibers.internal.access.FibersAccess;

import java.util.concurrent.Callable;

/** The runtime's side of {@link FibersAccess}, installed by {@link Fiber}'s class initialiser. */
final class InternalAccess implements FibersAccess {

    @Override
    public <V> Fiber<V> unstarted(Scheduler scheduler, Callable<V> task, boolean patched) {
        ContinuationAccess.require();
        if (patched) {
            VirtualCarrierAccess.require();
            return new PatchedFiber<>(scheduler, null, task);
        }
        return new ContinuationFiber<>(scheduler, null, task);
    }

    @Override
    public void start(Fiber<?> fiber) {
        fiber.start();
    }

    @Override
    public void execute(Hub hub, Runnable task) {
        hub.enqueue(task);
    }

    @Override
    public void executeBehindCurrentFiber(Runnable task) {
        if (!(Fiber.current() instanceof ContinuationFiber<?> f)) {
            throw new IllegalStateException("executeBehindCurrentFiber is for plain fibers, was called from " + Strand.current());
        }
        f.home().enqueue(task);
    }

    @Override
    public boolean firstTurnEnded(Fiber<?> fiber) {
        ContinuationFiber<?> f = (ContinuationFiber<?>) fiber;
        int s = f.runState();
        return s == ContinuationFiber.PARKED || s == ContinuationFiber.TERMINATED
                || s == ContinuationFiber.RUNNABLE; // NOTE: only after a run (an unstarted fiber is UNSTARTED)
    }

    @Override
    public Thread.Builder.OfVirtual virtualThreads(Scheduler scheduler) {
        VirtualCarrierAccess.require();
        return VirtualCarrierAccess.builder(scheduler.virtualThreadScheduler);
    }
}
