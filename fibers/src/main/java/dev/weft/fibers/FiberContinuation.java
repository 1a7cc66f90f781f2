package dev.weft.fibers;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The continuation that carries one {@link Fiber}: the only class that touches
 * {@code jdk.internal.vm}, so the rest of the runtime links even without the export flag.
 *
 * <p>{@link #onPinned} does not throw (the JDK's default does, and inside a native upcall that
 * takes the JVM down): it records the reason in the fiber's hub and lets {@code yield} return
 * {@code false}, and the fiber then blocks its carrier instead (see
 * {@code ContinuationFiber.parkOnCarrier}).
 */
final class FiberContinuation extends Continuation {
    static final ContinuationScope SCOPE = new ContinuationScope("weft-fiber");

    final ContinuationFiber<?> fiber;
    /*
     * The two fields below belong to the fiber; they live here because the JDK's Continuation
     * leaves 4 bytes of alignment padding that this class's fields fill: with one reference of
     * its own (the fiber) this object is 56 bytes whether it holds one, two or three 4-byte
     * fields, so these two cost nothing here and would cost the fiber 8 bytes (issue 16). Why
     * the last yield was pinned, which used to be the third, lives in the carrier's Hub.
     */
    /**
     * Wakes the fiber from a timed park; made on the first one, touched only by the fiber.
     */
    ContinuationFiber.ParkTimer parkTimer;
    /** The fiber's park stamp ({@code Fiber.parkStamp()}); written by the fiber only, read racily by reports. */
    int parkStamp;

    /**
     * The body of every fiber continuation: one shared object instead of a lambda per fiber
     * (16 bytes less per fiber); it finds its fiber through the mounted continuation.
     */
    private static final Runnable BODY = () -> currentFiber().body();

    FiberContinuation(ContinuationFiber<?> fiber) {
        super(SCOPE, BODY);
        this.fiber = fiber;
    }

    /** The fiber mounted on the current thread, or {@code null}. */
    static Fiber<?> currentFiber() {
        Continuation c = Continuation.getCurrentContinuation(SCOPE);
        return c == null ? null : ((FiberContinuation) c).fiber;
    }

    /**
     * Suspends the current fiber.
     *
     * @return {@code false} if the fiber is pinned and did not suspend
     */
    static boolean suspend() {
        return Continuation.yield(SCOPE);
    }

    /**
     * Walks the stack of this continuation while it is suspended (for a simulation's report of
     * where a fiber waits), from its innermost frame out.
     */
    <T> T walkSuspended(java.util.function.Function<? super java.util.stream.Stream<StackWalker.StackFrame>, ? extends T> walker) {
        return stackWalker(WALK_OPTIONS).walk(walker);
    }

    private static final java.util.Set<StackWalker.Option> WALK_OPTIONS =
            java.util.EnumSet.of(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    @Override
    protected void onPinned(Pinned reason) {
        fiber.home.pinnedReason = reason; // NOTE: on the carrier, with this fiber mounted: home is set
    }
}
