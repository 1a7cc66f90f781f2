package dev.weft.fibers;

import dev.weft.fibers.internal.jfr.LongParkEvent;
import dev.weft.fibers.internal.jfr.PinnedYieldEvent;
import dev.weft.fibers.internal.timer.TimerTask;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A plain fiber: a raw continuation ({@link FiberContinuation}) that a {@link Hub}'s carrier
 * mounts and runs. It reads line by line against the JDK's {@code VirtualThread}: the state table,
 * the park/unpark handshake (permit first, state second) and the carrier's side after a yield.
 */
final class ContinuationFiber<V> extends Fiber<V> {

    /*
     * States. The fiber moves itself between the mounted states; its carrier moves it out of
     * the transient ones after the continuation has yielded; any strand may move it from
     * PARKED to RUNNABLE, by CAS, after setting the permit.
     *
     *   UNSTARTED -> RUNNING     carrier mounts it the first time
     *   RUNNABLE  -> RUNNING     carrier mounts it again
     *   RUNNING   -> PARKING     park: about to yield          (fiber)
     *   PARKING   -> PARKED      yielded; then re-check permit (carrier)
     *   PARKED    -> RUNNABLE    unpark, or the re-check, by CAS; the winner submits it
     *   PARKING   -> RUNNING     yield failed: pinned          (fiber)
     *   RUNNING   -> PINNED      parks its carrier thread      (fiber)
     *   PINNED    -> RUNNING     carrier thread woke           (fiber)
     *   RUNNING   -> YIELDING    yieldNow: about to yield      (fiber)
     *   YIELDING  -> RUNNABLE    yielded; carrier re-submits it to the tail (carrier)
     *   RUNNING   -> TERMINATED  body returned                 (carrier)
     *
     * Invariant: a fiber is in its hub's queue at most once, because only the strand that
     * performs a transition into RUNNABLE submits it; so no two carriers ever resume it.
     */
    static final byte UNSTARTED = 0;
    static final byte RUNNING = 1;
    static final byte PARKING = 2;
    static final byte PARKED = 3;
    static final byte PINNED = 4;
    static final byte YIELDING = 5;
    static final byte RUNNABLE = 6;
    static final byte TERMINATED = 7;

    private static final VarHandle STATE;
    private static final VarHandle PARK_PERMIT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(ContinuationFiber.class, "state", byte.class);
            PARK_PERMIT = l.findVarHandle(ContinuationFiber.class, "parkPermit", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final System.Logger LOG = System.getLogger("dev.weft");
    private static volatile Consumer<? super PinnedYield> pinnedHandler = ContinuationFiber::logPinned;

    private final FiberContinuation continuation;
    /**
     * A byte, not an int: with the park permit and the two flag bytes of {@code Fiber} it fills
     * the last 4-byte slot of a 48-byte object (issue 16).
     */
    private volatile byte state;
    private volatile boolean parkPermit;

    ContinuationFiber(Scheduler scheduler, String name, Object task) {
        super(scheduler, name, task);
        this.continuation = new FiberContinuation(this);
    }

    @Override
    void launch() {
        runsOn.admitToCarrier(this); // NOTE: not run yet, so runsOn is still the scheduler
    }

    /**
     * The hub whose carrier runs this fiber, once it has run ({@link #runsOn} from then on):
     * set on the first run, never changed. A fiber never moves to another carrier, because
     * inside a raw continuation {@code Thread.currentThread()} is the carrier and compiled code
     * may keep it across a yield (the JIT assumes a frame's thread does not change). Read by
     * unparkers after the state CAS, which orders them after the first run's write.
     */
    Hub home() {
        return (Hub) runsOn;
    }

    /** Whether a carrier has mounted this fiber (so it has a home). */
    boolean hasRun() {
        return state != UNSTARTED;
    }

    @Override
    boolean markStarted() {
        return continuation.markStarted();
    }

    @Override
    boolean isStarted() {
        return continuation.started;
    }

    @Override
    boolean isPatched() {
        return false;
    }

    /** The continuation, for a simulation's driver to walk a suspended fiber's stack. */
    FiberContinuation continuation() {
        return continuation;
    }

    /** The state (see the table above); for the runtime's own tests and diagnostics. */
    int runState() {
        return state;
    }

    private static final String[] STATE_NAMES =
            {"UNSTARTED", "RUNNING", "PARKING", "PARKED", "PINNED", "YIELDING", "RUNNABLE", "TERMINATED"};

    @Override
    String stateName() {
        return STATE_NAMES[state];
    }

    @Override
    StackTraceElement[] unmountedStack() {
        return continuation.getStackTrace();
    }

    // ------------------------------------------------------------------ the fiber's side

    @Override
    int parkStamp() {
        return continuation.parkStamp;
    }

    @Override
    void setParkStamp(int stamp) {
        continuation.parkStamp = stamp;
    }

    /** Its carrier's clock when the watchdog keeps it, else the clock read now (see Hub.waitClock). */
    @Override
    int parkClock() {
        int c = home().waitClock;
        return c != 0 ? c : waitClock();
    }

    @Override
    void yieldToOthers() {
        deliverPending();
        STATE.setRelease(this, YIELDING);
        if (!FiberContinuation.suspend()) {
            STATE.setRelease(this, RUNNING);
            reportPinned();
            PinnedYieldEvent jfr = FlightEvents.pinBegins();
            if (jfr != null) {
                FlightEvents.pinnedEnded(jfr, this, home().pinnedReason);
            }
        }
        deliverPending();
    }

    @Override
    void parkFiber(Object blocker) {
        deliverPending();
        if (parkPermit) {
            parkPermit = false;
            return;
        }
        noteParkStart(blocker, false);
        LongParkEvent jfr = FlightEvents.parkBegins(this, 0);
        STATE.setRelease(this, PARKING);
        if (FiberContinuation.suspend()) {
            parkPermit = false; // consume the permit that made the carrier resume us
            if (jfr != null) {
                FlightEvents.parkEnded(jfr, this);
            }
        } else {
            STATE.setRelease(this, RUNNING);
            parkOnCarrier(0);
        }
        noteParkEnd();
        deliverPending();
    }

    @Override
    void parkFiberNanos(Object blocker, long nanos) {
        if (nanos <= 0) {
            deliverPending();
            return;
        }
        parkFiberUntil(blocker, schedulerNanoTime() + nanos, nanos);
    }

    /**
     * A sleep. Unlike the generic loop it keeps neither the deadline nor the time left in its
     * frame across the park, since that frame stays in every sleeping fiber's stack chunk (32
     * bytes there, issue 16): a sleep's park always arms the timer, and a sleep woken before its
     * deadline reads the deadline back from it.
     */
    @Override
    void parkFor(long nanos) {
        if (!parkFiberUntil(SLEEPING, schedulerNanoTime() + nanos, nanos)) {
            sleepRest();
        }
    }

    /** The rest of a sleep that was woken before its deadline (by an unpark meant for another wait). */
    private void sleepRest() {
        long deadline = continuation.parkTimer.deadline(); // NOTE: the deadline the sleep's park armed (see parkFiberUntil)
        for (long left = deadline - schedulerNanoTime(); left > 0; left = deadline - schedulerNanoTime()) {
            if (parkFiberUntil(SLEEPING, deadline, left)) {
                return;
            }
        }
    }

    @Override
    boolean parkFiberUntil(Object blocker, long deadline, long nanos) {
        deliverPending();
        if (parkPermit) {
            parkPermit = false;
            if (blocker != SLEEPING) {
                return false;
            }
            // NOTE: a sleep takes the permit and parks all the same, so that its timer is armed
            // with this deadline, which parkFor reads back if the park ends early
        }
        Object jfr = beginTimedPark(blocker, deadline); // NOTE: not typed: LongParkEvent loads only for a recording
        // NOTE: after the suspension the timer is read again from the continuation, and the deadline
        // is not used: every value live across it is a slot in the frame that each sleeping
        // fiber's stack keeps. The time left (nanos) is used for nothing here
        boolean fired;
        try {
            STATE.setRelease(this, PARKING);
            if (FiberContinuation.suspend()) {
                parkPermit = false;
                if (jfr != null) {
                    FlightEvents.parkEnded((LongParkEvent) jfr, this);
                }
            } else {
                STATE.setRelease(this, RUNNING);
                // at least 1 ns: 0 would park without a limit, and this carrier's timers cannot fire meanwhile
                parkOnCarrier(Math.max(1L, continuation.parkTimer.deadline() - schedulerNanoTime()));
            }
        } finally {
            fired = endTimedPark();
        }
        deliverPending();
        return fired;
    }

    /*
     * The timed park's work before and after its suspension, called through non-constant method
     * handles so that the JIT never inlines it into parkFiberUntil: that frame stays in every
     * sleeping fiber's stack chunk, and a compiled frame is as large as the most values its
     * method, inlined callees included, keeps live across any call. With the timer wheel's arm
     * and cancel inlined C2 made it 96 bytes (issue 16). Fiber.complete and the Semaphore's
     * enqueue are kept out of line the same way; the JDK would write @DontInline.
     */

    /** Arms the park's timer and records the park. Returns the flight event begun (a LongParkEvent), or null. */
    private Object beginTimedPark(Object blocker, long deadline) {
        try {
            return (Object) beginTimedParkOutOfLine.invokeExact(this, blocker, deadline);
        } catch (Throwable e) {
            throw Fiber.<RuntimeException>sneaky(e);
        }
    }

    /** Disarms the park's timer and ends the record. Returns whether the timer fired. */
    private boolean endTimedPark() {
        try {
            return (boolean) endTimedParkOutOfLine.invokeExact(this);
        } catch (Throwable e) {
            throw Fiber.<RuntimeException>sneaky(e);
        }
    }

    private Object armForPark(Object blocker, long deadline) {
        ParkTimer timer = continuation.parkTimer;
        if (timer == null) {
            continuation.parkTimer = timer = new ParkTimer(this);
        }
        armTimer(timer, deadline);
        noteParkStart(blocker, true);
        // NOTE: the time left is read again here, and only for a recording: passed in, it was live
        // across the calls before the park (a pending kill's among them, whose exception needs the
        // frame's state), one more slot in the frame each sleeping fiber keeps (issue 16)
        return FlightEvents.recorderOn() ? FlightEvents.parkBegins(this, deadline - schedulerNanoTime()) : null;
    }

    private boolean disarmAfterPark() {
        // NOTE: the timer leaves the wheel only by firing, once its deadline has passed on the
        // clock this fiber reads, or by the disarm here
        ParkTimer timer = continuation.parkTimer;
        boolean fired = !timer.isScheduled();
        disarmTimer(timer);
        noteParkEnd();
        return fired;
    }

    @SuppressWarnings("FieldMayBeFinal") // NOTE: not final on purpose: a constant handle is inlined like a direct call
    private static MethodHandle beginTimedParkOutOfLine;
    @SuppressWarnings("FieldMayBeFinal")
    private static MethodHandle endTimedParkOutOfLine;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            beginTimedParkOutOfLine = l.findVirtual(ContinuationFiber.class, "armForPark",
                    MethodType.methodType(Object.class, Object.class, long.class));
            endTimedParkOutOfLine = l.findVirtual(ContinuationFiber.class, "disarmAfterPark",
                    MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The pinned fallback: the continuation could not yield, so block the carrier thread, as
     * the JDK does for a pinned virtual thread. Every fiber of that carrier waits meanwhile.
     */
    private void parkOnCarrier(long nanos) {
        if (home().simulation != null) {
            throw home().simulation.pinned(this, String.valueOf(home().pinnedReason));
        }
        reportPinned();
        PinnedYieldEvent jfr = FlightEvents.pinBegins();
        STATE.setVolatile(this, PINNED); // NOTE: before reading the permit (pairs with unpark)
        try {
            if (!parkPermit) {
                if (nanos == 0) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, nanos);
                }
            }
        } finally {
            STATE.setVolatile(this, RUNNING);
        }
        parkPermit = false;
        if (jfr != null) {
            FlightEvents.pinnedEnded(jfr, this, home().pinnedReason);
        }
    }

    @Override
    void armTimer(TimerTask task, long deadline) {
        home().addTimer(task, deadline);
    }

    @Override
    void disarmTimer(TimerTask task) {
        home().cancelTimer(task);
    }

    @Override
    void disarmTimerFromAnywhere(TimerTask task) {
        home().cancelTimerFromAnywhere(task);
    }

    // ------------------------------------------------------------------ other strands' side

    /**
     * Makes the permit available and, if this fiber is parked, submits it to its hub.
     * Never blocks, never switches. Safe from any strand.
     */
    @Override
    public void unpark() {
        // NOTE: the permit is published before the state is read; park publishes the state
        // (PARKED or PINNED) before reading the permit. Both are volatile, so at least one
        // side sees the other's write: no lost wake-up.
        if (!parkPermit && !(boolean) PARK_PERMIT.getAndSet(this, true)) {
            int s = state;
            if (s == PARKED) {
                if (STATE.compareAndSet(this, PARKED, RUNNABLE)) {
                    home().enqueueUnparked(this);
                }
            } else if (s == PINNED) {
                LockSupport.unpark(home().carrier());
            }
        }
    }

    @Override
    boolean postKill(Object k) {
        if (!casKill(k)) {
            return false;
        }
        unpark();
        return true;
    }

    @Override
    void postTimeout() {
        timeoutFired = true;
        unpark();
    }

    // ------------------------------------------------------------------ the carrier's side

    /**
     * Ends this fiber unfinished, its carrier having failed (see {@code Hub.carrierFailed}):
     * TERMINATED first, so that an unpark racing this queues nothing. Carrier only; once.
     */
    void endWithFailedCarrier(IllegalStateException cause) {
        if ((byte) STATE.getAndSet(this, TERMINATED) != TERMINATED) {
            endUnfinished(cause);
        }
    }

    /**
     * Mounts and runs this fiber until it yields or ends. Called by the carrier of {@code hub},
     * which becomes the fiber's home on its first run: from then on the fiber runs only there.
     */
    void runOnCarrier(Hub hub) {
        if (state == UNSTARTED) {
            runsOn = hub; // NOTE: before the state's release below; unparkers read it after a park
            hub.onStart(this);
        }
        STATE.setRelease(this, RUNNING);
        continuation.run();
        if (continuation.isDone()) {
            STATE.setRelease(this, TERMINATED);
            hub.onTerminate(this);
        } else {
            afterYield();
        }
    }

    private void afterYield() {
        int s = state;
        if (s == PARKING) {
            STATE.setVolatile(this, PARKED); // NOTE: before reading the permit (pairs with unpark)
            home().countPark();
            if (parkPermit && STATE.compareAndSet(this, PARKED, RUNNABLE)) {
                home().enqueueUnparked(this);
            }
        } else if (s == YIELDING) {
            STATE.setRelease(this, RUNNABLE);
            home().enqueue(this);
        } else {
            throw new AssertionError("fiber yielded in state " + s);
        }
    }

    // ------------------------------------------------------------------ pinning

    static void installPinnedHandler(Consumer<? super PinnedYield> handler) {
        pinnedHandler = Objects.requireNonNull(handler, "handler");
    }

    private void reportPinned() {
        if (!firstPinReport()) {
            return;
        }
        Object reason = home().pinnedReason;
        StackTraceElement[] stack = Arrays.stream(new Throwable().getStackTrace())
                .dropWhile(e -> e.getClassName().startsWith(Fiber.class.getName())
                        || e.getClassName().equals(ContinuationFiber.class.getName())
                        || e.getClassName().equals(Strand.class.getName()))
                .toArray(StackTraceElement[]::new);
        try {
            pinnedHandler.accept(new PinnedYield(this, String.valueOf(reason), stack));
        } catch (Throwable ignored) {
            // a broken handler must not break the fiber that is being reported
        }
    }

    private static void logPinned(PinnedYield report) {
        LOG.log(System.Logger.Level.WARNING, report.toString());
    }

    /** Wakes its fiber when a timed park expires. */
    static final class ParkTimer extends TimerTask {
        private final ContinuationFiber<?> fiber;

        ParkTimer(ContinuationFiber<?> fiber) {
            this.fiber = fiber;
        }

        @Override
        protected void fire() {
            fiber.unpark();
        }
    }
}
