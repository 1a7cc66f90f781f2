package dev.weft.fibers;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

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
     * The three fields below belong to the fiber; they live here for its size (issue 16). The
     * JDK's Continuation is 44 bytes of header and fields, with one byte free after its three
     * booleans; the fiber reference above fills its alignment to 48 bytes. The timer and the
     * stamp make this object 56 bytes, as they would make the fiber (48 bytes, and full) 56; the
     * started flag fills the free byte, where in the fiber it would cost 8 bytes. Why the last
     * yield was pinned, which used to be a fourth, lives in the carrier's Hub.
     */
    /**
     * Wakes the fiber from a timed park; made on the first one, touched only by the fiber.
     */
    ContinuationFiber.ParkTimer parkTimer;
    /** The fiber's park stamp ({@code Fiber.parkStamp()}); written by the fiber only, read racily by reports. */
    int parkStamp;
    /** The fiber's started flag ({@code Fiber.markStarted()}): set once, by CAS, by {@code start()} or by a kill before it. */
    volatile boolean started;

    private static final VarHandle STARTED;

    static {
        try {
            STARTED = MethodHandles.lookup().findVarHandle(FiberContinuation.class, "started", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The body of every fiber continuation: one shared object instead of a lambda per fiber
     * (16 bytes less per fiber); it finds its fiber through the mounted continuation.
     */
    private static final Runnable BODY = () -> currentFiber().body();

    FiberContinuation(ContinuationFiber<?> fiber) {
        super(SCOPE, BODY);
        this.fiber = fiber;
    }

    /** Marks the fiber started; whether this call did (see {@link #started}). */
    boolean markStarted() {
        return !started && STARTED.compareAndSet(this, false, true);
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
        fiber.home().pinnedReason = reason; // NOTE: on the carrier, with this fiber mounted: home is set
    }
}
