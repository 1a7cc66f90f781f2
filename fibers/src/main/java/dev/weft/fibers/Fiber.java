package dev.weft.fibers;

import dev.weft.fibers.internal.access.SharedSecrets;
import dev.weft.fibers.internal.timer.TimerTask;

import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A lightweight strand that runs on a carrier thread of a {@link Scheduler} and switches
 * cooperatively: it runs until it parks, sleeps, joins or yields, and then its carrier runs
 * the next fiber. Weft's greenlet.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>Spawning never switches.</b> {@link #spawn} only schedules the fiber; on a
 *       {@link Hub} it first runs when its spawner yields or blocks, and fibers start in spawn
 *       order.</li>
 *   <li><b>Suspension points</b> are {@link #yieldNow()}, {@link #sleep}, {@link #join},
 *       {@link #get}, and every {@link Strand#park()} (so every blocking Weft lock). A fiber
 *       that never reaches one is never interrupted: there is no pre-emption.</li>
 *   <li><b>Kill</b> ({@link #kill()}) throws {@link FiberExit} in the target at its current or
 *       next suspension point; its {@code finally} blocks run. A fiber killed before it ever ran
 *       never runs. Only the first kill counts: later ones change nothing. Waking the target
 *       never switches away from the killer.</li>
 *   <li><b>Outcome.</b> A fiber ends in exactly one of three ways: with a value
 *       ({@link #isSuccessful()}), killed ({@link #isCancelled()}, also successful, as in
 *       gevent), or failed ({@link #exception()}). Its effects happen-before the return of
 *       {@link #join()}, {@link #get()} and every completion callback.</li>
 *   <li><b>Lifecycle.</b> A fiber made by {@link #unstarted} runs once {@link #start()} is
 *       called (once: later calls change nothing); until then it is neither alive nor done, and a
 *       kill ends it without its body ever running. {@link #isAlive()} is "started and not
 *       done". {@link #startLater} and {@link #spawnLater} delay the first run.</li>
 *   <li><b>Callbacks</b> registered with {@link #onComplete} run exactly once each, in
 *       registration order, also when registered after completion (then at once, in the
 *       registering strand). Strands waiting in {@link #join()} or {@link #get()} are woken
 *       before the callbacks run, so a callback that blocks cannot hold them. A timed wait that
 *       times out, or a waiter that is killed, leaves nothing behind.</li>
 *   <li><b>Failures are never silent</b> (gevent's rule). Every failure (an exception other than
 *       a kill's {@link FiberExit} or the exception given to {@link #kill(Throwable)}) is
 *       reported once, with the fiber's name and, when its scheduler
 *       {@link Scheduler#captureSpawnSites captures them}, where it was spawned, to the
 *       {@link #setFailureHandler failure handler} (by default an ERROR to the
 *       {@link System.Logger} named {@code dev.weft}); the scheduler keeps running. The one
 *       exception: a failure that a strand blocked in {@link #get()} or
 *       {@link Scheduler#invoke} at that moment receives, since it is rethrown to it. Joining,
 *       {@link #joinAll} and callbacks do not silence a failure.</li>
 * </ol>
 *
 * <h2>Differences from threads and {@code java.util.concurrent}</h2>
 * A fiber is not a {@link Thread}: {@code Thread.currentThread()} inside it is its carrier, so
 * {@code ThreadLocal}s, {@code Thread.sleep}, {@code synchronized} waits and j.u.c. locks
 * belong to, or block, the carrier and every fiber on it. Use {@link FiberLocal},
 * {@link #sleep}, and Weft's locks. Fibers are not interrupted; they are killed. As a
 * {@link Future}, {@link #get()} wraps a failure in {@link ExecutionException} and reports a
 * kill as {@link CancellationException}; {@link #cancel(boolean)} kills. A body may throw
 * checked exceptions ({@link java.util.concurrent.Callable}, {@link CheckedRunnable}); calls that
 * return another fiber's failure wrap it ({@link #get()}, {@link #joinAllOrFail}), while
 * {@link Scheduler#invoke}, which plays the program's main body, rethrows it as it is.
 *
 * @param <V> the type of the fiber's result
 */
public abstract sealed class Fiber<V> extends Strand implements Future<V> permits ContinuationFiber, PatchedFiber {

    /*
     * The two kinds, as the JDK splits BaseVirtualThread into VirtualThread and BoundVirtualThread:
     * ContinuationFiber runs on a raw continuation of a Weft carrier (its own state machine and
     * park/unpark handshake); PatchedFiber is a JDK virtual thread whose scheduler is a Weft carrier
     * (monkey mode). This class holds what both share: the public API, the task, the outcome
     * (Completion), kill and timeout delivery at suspension points, and the fiber's locals.
     *
     * Kill and timeout signals. A kill is recorded once (CAS on `kill`); a fired Timeout raises
     * `timeoutFired`. Another strand records the signal, then wakes the fiber (postKill,
     * postTimeout: each kind its own way). The fiber acts on both at its suspension points
     * (deliverPending), kill first: an exception is built first and marked delivered last, so a
     * delivery that fails (a StackOverflowError while building it) leaves the signal pending.
     */

    private static final VarHandle KILL;

    static {
        try {
            KILL = MethodHandles.lookup().findVarHandle(Fiber.class, "kill", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        SharedSecrets.setFibersAccess(new InternalAccess());
    }

    /** Stands in {@link #kill} for a plain kill; the {@link FiberExit} is made in the fiber. */
    static final Object PLAIN_KILL = new Object();

    private static final System.Logger LOG = System.getLogger("dev.weft");
    private static volatile BiConsumer<? super Fiber<?>, ? super Throwable> failureHandler = Fiber::logFailure;

    /**
     * Where the fiber runs: the scheduler it was made on; for a plain fiber, from its first run
     * on, its home {@link Hub} instead, which names the scheduler it serves ({@link Hub#served}).
     * One field for both, since a plain fiber needs its scheduler only until it has a home (one
     * field fewer in every fiber, issue 16); {@link #scheduler()} reads the scheduler either
     * way. Written before the fiber is admitted, then (a plain fiber's first run) by its carrier,
     * before any park publishes the fiber to its unparkers; a racy reader sees either value,
     * and both name the same scheduler.
     */
    Scheduler runsOn;
    /**
     * Two values in turn, since a fiber never needs both (one field fewer in every fiber,
     * issue 16). Until its body begins: the task, a {@code Callable<V>} or a
     * {@code CheckedRunnable} (then V is Void), kept as given, or a DelayedStart around one;
     * written before the fiber starts (start publishes it). From then on: what the fiber waits
     * on in its current {@link Strand#park(Object)}, or null (also while it runs), written by
     * the fiber only and read racily by dumps and by its carrier's deadlock check, through
     * {@link #parkBlocker()}, which reads it only while a park stamp is set.
     */
    private Object taskThenBlocker;
    /** The outcome and its waiters: {@link Completion}'s state, which only it touches (by VarHandle). */
    volatile Object completion;
    /** The first kill requested (a Throwable or PLAIN_KILL); set once, never cleared. */
    private volatile Object kill;
    /**
     * {@link #KILL_DELIVERED}, {@link #RUNNING_CALLBACKS} and {@link #PIN_REPORTED}: one byte for
     * all, since with booleans the object would grow by 8 bytes (see FiberExtras). Only accessed
     * by the fiber itself.
     */
    private byte fiberFlags;
    /** Raised when a Timeout of this fiber fires; lowered by the fiber as it looks for the ones to throw. */
    volatile boolean timeoutFired;
    /** What the fiber seldom needs (its name, timeouts, locals): null until first needed. */
    private FiberExtras extras;
    /** Links in a Hub's list of started fibers. Only accessed by the hub's carrier. */
    Fiber<?> liveNext;
    Fiber<?> livePrev;

    /** {@link #fiberFlags}: the kill was thrown in the fiber. */
    private static final byte KILL_DELIVERED = 1;
    /** {@link #fiberFlags}: the fiber runs its completion callbacks now. */
    private static final byte RUNNING_CALLBACKS = 2;
    /** {@link #fiberFlags}: a pinned suspension of the fiber was reported (a {@code ContinuationFiber}'s). */
    private static final byte PIN_REPORTED = 4;

    Fiber(Scheduler scheduler, String name, Object task) {
        this.runsOn = scheduler;
        Object label = scheduler.capturesSpawnSites() ? new SpawnSite(name) : name;
        if (label != null) {
            extras().label = label;
        }
        this.taskThenBlocker = task;
    }

    /** The fiber's extras, made on first use: by its constructor, or by the fiber itself. */
    final FiberExtras extras() {
        FiberExtras x = extras;
        if (x == null) {
            extras = x = new FiberExtras();
        }
        return x;
    }

    /** The fiber's extras, or null while it has none. */
    final FiberExtras extrasOrNull() {
        return extras;
    }

    private Object label() {
        FiberExtras x = extras;
        return x == null ? null : x.label;
    }

    /** Whether this is the fiber's first pinned suspension to report (it is marked reported). Fiber only. */
    final boolean firstPinReport() {
        if ((fiberFlags & PIN_REPORTED) != 0) {
            return false;
        }
        fiberFlags |= PIN_REPORTED;
        return true;
    }

    /** The stack of the strand that made a fiber (gevent's "Spawned at", Kotlin's creation stack trace), and its name. */
    static final class SpawnSite extends Throwable {
        private static final long serialVersionUID = 1L;

        final String name;

        SpawnSite(String name) {
            super("spawned by " + Strand.current().name(), null, false, true);
            this.name = name;
        }
    }

    // ------------------------------------------------------------------ what each kind does its own way

    /** Makes a new fiber runnable on its scheduler. Called once, by the scheduler's admit. */
    abstract void launch();

    /** Whether this fiber runs as a virtual thread (see {@link Monkey}). */
    abstract boolean isPatched();

    /**
     * Marks this fiber started: by {@link #start()}, or by a kill before it. Each kind keeps the
     * flag where it costs no bytes (a plain fiber in its continuation's alignment gap).
     *
     * @return whether this call marked it (true once per fiber)
     */
    abstract boolean markStarted();

    /** Whether {@link #start()} (or a spawn, or a kill before the start) has marked this fiber started. */
    abstract boolean isStarted();

    /**
     * Parks this fiber, which must be the current one, recording {@code blocker} while it is
     * parked ({@link #noteParkStart}, {@link #noteParkEnd}). See {@link Strand#park(Object)}.
     */
    abstract void parkFiber(Object blocker);

    /** Timed park of this fiber, which must be the current one. See {@link Strand#parkNanos(Object, long)}. */
    abstract void parkFiberNanos(Object blocker, long nanos);

    /**
     * Timed park of this fiber, the current one, until {@code deadline} on
     * {@link #schedulerNanoTime()}, {@code nanos} from now: a step of a sleep.
     *
     * @return true if the deadline is known to have passed without reading the clock again (the
     *         park's timer fired); false says nothing
     */
    abstract boolean parkFiberUntil(Object blocker, long deadline, long nanos);

    /** Lets the other runnable fibers run once; the current fiber goes to the tail. */
    abstract void yieldToOthers();

    /** Arms a timer of this fiber's (a timed park, a Timeout). Called by the fiber itself. */
    abstract void armTimer(TimerTask task, long deadline);

    /** Disarms a timer armed by {@link #armTimer}. Called by the fiber itself. */
    abstract void disarmTimer(TimerTask task);

    /** Disarms a timer armed by {@link #armTimer}, from any strand. */
    abstract void disarmTimerFromAnywhere(TimerTask task);

    /**
     * Records {@code k} as this fiber's kill unless one was recorded before, and wakes the fiber
     * so that it throws it. Called from another strand (or by a scheduler at the fiber's start).
     *
     * @return whether {@code k} was recorded
     */
    abstract boolean postKill(Object k);

    /** Raises {@link #timeoutFired} and wakes the fiber. Called by a firing Timeout's timer. */
    abstract void postTimeout();

    /** The fiber's scheduling state by name, for dumps; racy. */
    abstract String stateName();

    /**
     * The frames of this fiber while it is not mounted, innermost first; for dumps. A plain
     * fiber's only from its own carrier (which then runs no fiber), a patched one's from anywhere.
     */
    abstract StackTraceElement[] unmountedStack();

    /**
     * Called by the fiber when it has acted on a kill or timeout signal (thrown it, or dropped a
     * closed timeout's): a patched fiber settles its interrupt status here. Plain fibers have
     * nothing to settle.
     *
     * @param deliveringKill whether the pending kill is being thrown now (it no longer counts as pending)
     */
    void signalsSettled(boolean deliveringKill) {
    }

    /** What the fiber ended with, as its outcome should record it. */
    Throwable outcomeOf(Throwable thrown) {
        return thrown;
    }

    /** The kill recorded for this fiber (a Throwable or PLAIN_KILL), or null. */
    final Object killRequested() {
        return kill;
    }

    final boolean casKill(Object k) {
        return KILL.compareAndSet(this, null, k);
    }

    /** Whether a kill or a fired timeout waits to be thrown. Only meaningful in the fiber. */
    final boolean hasPendingSignal(boolean deliveringKill) {
        return (!deliveringKill && kill != null && (fiberFlags & KILL_DELIVERED) == 0) || timeoutFired;
    }

    // ------------------------------------------------------------------ spawning and the current fiber

    /**
     * Spawns a fiber that calls {@code task}, on the current fiber's scheduler, or on the
     * {@link Scheduler#defaultScheduler() default hub} when called from a thread.
     *
     * @throws java.util.concurrent.RejectedExecutionException if that scheduler is closed
     * @throws IllegalStateException if the JVM lacks Weft's {@code --add-exports} flag
     */
    public static <V> Fiber<V> spawn(Callable<V> task) {
        return Scheduler.forSpawn().spawn(task);
    }

    /** Like {@link #spawn(Callable)}, for a task without a result. */
    public static Fiber<Void> spawn(CheckedRunnable task) {
        return Scheduler.forSpawn().spawn(task);
    }

    /** Like {@link #spawn(Callable)}, naming the fiber. */
    public static <V> Fiber<V> spawn(String name, Callable<V> task) {
        return Scheduler.forSpawn().spawn(name, task);
    }

    /** Like {@link #spawn(CheckedRunnable)}, naming the fiber. */
    public static Fiber<Void> spawn(String name, CheckedRunnable task) {
        return Scheduler.forSpawn().spawn(name, task);
    }

    /**
     * A fiber of the current fiber's scheduler (or the default hub) that runs {@code task} once
     * {@link #start()} is called. See {@link Scheduler#unstarted(Callable)}.
     */
    public static <V> Fiber<V> unstarted(Callable<V> task) {
        return Scheduler.forSpawn().unstarted(task);
    }

    /** Like {@link #unstarted(Callable)}, for a task without a result. */
    public static Fiber<Void> unstarted(CheckedRunnable task) {
        return Scheduler.forSpawn().unstarted(task);
    }

    /** Spawns a fiber that first runs after {@code delay}. See {@link Scheduler#spawnLater(Duration, Callable)}. */
    public static <V> Fiber<V> spawnLater(Duration delay, Callable<V> task) {
        return Scheduler.forSpawn().spawnLater(delay, task);
    }

    /** Like {@link #spawnLater(Duration, Callable)}, for a task without a result. */
    public static Fiber<Void> spawnLater(Duration delay, CheckedRunnable task) {
        return Scheduler.forSpawn().spawnLater(delay, task);
    }

    /** The fiber that calls this, or {@code null} when called from a thread. */
    public static Fiber<?> current() {
        if (!ContinuationAccess.EXPORTED) {
            return null;
        }
        Fiber<?> f = FiberContinuation.currentFiber();
        if (f == null && Thread.currentThread().isVirtual()) {
            f = PatchedFiber.currentPatched();
        }
        return f;
    }

    private static Fiber<?> currentOrThrow(String what, String instead) {
        Fiber<?> f = current();
        if (f == null) {
            throw new IllegalStateException(what + " was called outside a fiber (in thread "
                    + Thread.currentThread().getName() + "): " + instead);
        }
        return f;
    }

    // ------------------------------------------------------------------ yield and sleep

    /**
     * Lets every other runnable fiber of this scheduler run once, then continues: the caller
     * goes to the tail of the run queue. gevent's {@code sleep(0)}.
     *
     * @throws IllegalStateException if called outside a fiber (a thread has
     *                               {@link Thread#yield()})
     * @throws FiberExit if the fiber is killed
     * @throws TimeoutExpired if a {@link Timeout} of the fiber expires
     */
    public static void yieldNow() {
        currentOrThrow("Fiber.yieldNow()", "only fibers yield to each other; a thread may use Thread.yield()")
                .yieldToOthers();
    }

    /**
     * Suspends the current fiber for at least {@code duration}, letting the others run;
     * {@link Duration#ZERO} is {@link #yieldNow()}. Called from a thread, sleeps the thread
     * (an interrupt ends the sleep early and stays set).
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws FiberExit if the fiber is killed
     * @throws TimeoutExpired if a {@link Timeout} of the fiber expires
     */
    public static void sleep(Duration duration) {
        long nanos = nanos(duration, "sleep duration");
        Fiber<?> f = current();
        if (f == null) {
            long deadline = System.nanoTime() + nanos;
            for (long left = nanos; left > 0 && !Thread.currentThread().isInterrupted();
                    left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        } else if (nanos == 0) {
            f.yieldToOthers();
        } else {
            f.parkFor(nanos);
        }
    }

    /** Parks this fiber, the current one, for at least {@code nanos}. */
    void parkFor(long nanos) {
        long deadline = schedulerNanoTime() + nanos;
        // NOTE: one clock read per step, none after a step whose timer fired: a read costs about
        // 25 ns (clock_gettime), and a storm of 1 ms sleeps spent a third of its carrier's time
        // in the reads a sleep used to make (issue 16)
        for (long left = nanos; left > 0; left = deadline - schedulerNanoTime()) {
            if (parkFiberUntil(SLEEPING, deadline, left)) {
                return;
            }
        }
    }

    /**
     * The clock of this fiber's scheduler, in nanoseconds: a {@link SimulatedScheduler}'s virtual
     * time, else {@link System#nanoTime()}. See {@link Strand#nanoTime()}.
     */
    final long schedulerNanoTime() {
        SimulatedScheduler sim = simulation();
        return sim != null ? sim.nanoTime() : System.nanoTime();
    }

    /** The blocker of {@link #sleep}: a sleeping fiber waits on time alone. */
    static final Object SLEEPING = new Object() {
        @Override
        public String toString() {
            return "Fiber.sleep";
        }
    };

    // ------------------------------------------------------------------ what a parked fiber waits on

    /*
     * Recorded by each kind's parkFiber itself, around its suspension (after the permit's fast
     * path, before the resumed fiber throws a pending kill or timeout), not by a wrapper method:
     * a wrapper would be one more frame in every parked continuation's stack chunk (issue 16).
     */

    /** A park of this fiber, the current one, begins. */
    final void noteParkStart(Object blocker, boolean timed) {
        taskThenBlocker = blocker;
        setParkStamp(parkClock() << 2 | (timed ? 3 : 2));
    }

    /**
     * When the current park began and whether it is timed, or 0 while the fiber is not in a
     * {@code Strand} park: {@code clock << 2 | 2 | timed}, where {@code clock} is
     * {@link #waitClock()}, about a millisecond a tick. An int (not a long nanoTime) because a
     * parked fiber pays for every byte it has (issue 16); bit 1 keeps a stamp non-zero. Written
     * by the fiber only, read racily by reports. Each kind keeps it where it costs least.
     */
    abstract int parkStamp();

    /** Sets {@link #parkStamp()}; the fiber itself only. */
    abstract void setParkStamp(int stamp);

    /**
     * What the fiber waits on in its current {@link Strand#park(Object)}, or null (also while it
     * runs, and while it waits elsewhere). Racy, for reports and the deadlock check.
     */
    final Object parkBlocker() {
        return parkStamp() != 0 ? taskThenBlocker : null;
    }

    /** The {@link #waitClock()} a park of this fiber is stamped with (see ContinuationFiber's). */
    int parkClock() {
        return waitClock();
    }

    /** The park has ended (the fiber runs again). */
    final void noteParkEnd() {
        setParkStamp(0);
        taskThenBlocker = null;
    }

    /** The clock of {@link #parkStamp()}: {@code nanoTime} in ticks of 2^20 ns (1.05 ms), 30 bits. */
    static int waitClock() {
        return waitClockAt(System.nanoTime());
    }

    /** {@link #waitClock()} at {@code nanoTime}. */
    static int waitClockAt(long nanoTime) {
        return (int) (nanoTime >>> 20);
    }

    /** Whether the fiber is in a {@code Strand} park now; racy, for reports. */
    final boolean inStrandPark() {
        return parkStamp() != 0;
    }

    /** Whether its current park has a time limit; racy, for reports. */
    final boolean inTimedPark() {
        return (parkStamp() & 1) != 0;
    }

    /**
     * How long the fiber has been in its current {@code Strand} park, in milliseconds, or -1 if it
     * is not in one. Up to days; exact to about a millisecond, or, where its carrier's clock
     * stamped the park ({@code Hub.waitClock}), longer by at most that clock's age. Racy, for reports.
     */
    final long parkedMillis() {
        int stamp = parkStamp();
        if (stamp == 0) {
            return -1;
        }
        long ticks = (waitClock() - (stamp >>> 2)) & 0x3FFF_FFFF;
        return ticks * (1 << 20) / 1_000_000;
    }

    /** Converts a non-negative duration to nanoseconds, saturating at {@code Long.MAX_VALUE}. */
    static long nanos(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + d);
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public boolean isFiber() {
        return true;
    }

    // ------------------------------------------------------------------ starting

    /**
     * Schedules this fiber's first run, once: a fiber made by {@link Scheduler#unstarted} runs
     * only after this (gevent's {@code Greenlet.start()}); a second call, or a call on a fiber
     * that was spawned or killed, changes nothing. Never switches.
     *
     * @throws java.util.concurrent.RejectedExecutionException if its scheduler is closed (the
     *         fiber then ends killed without running)
     */
    public void start() {
        if (markStarted()) {
            admit();
        }
    }

    /**
     * Like {@link #start()}, but the fiber first runs once {@code delay} has passed (gevent's
     * {@code start_later}). Until then it counts as started and alive; a kill before the delay
     * ends it without its body ever running.
     *
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public void startLater(Duration delay) {
        long nanos = nanos(delay, "delay");
        if (markStarted()) {
            if (nanos > 0) {
                taskThenBlocker = new DelayedStart(nanos, taskThenBlocker);
            }
            admit();
        }
    }

    private void admit() {
        try {
            runsOn.admit(this);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            abandon();
            throw closed;
        }
    }

    /** A body that first sleeps: the task of a fiber started later. */
    private record DelayedStart(long nanos, Object task) {
    }

    // ------------------------------------------------------------------ the fiber's life

    /** Completes a fiber that never ran because its scheduler closed first. */
    final void abandon() {
        if (isDone()) {
            return; // NOTE: ended by its failed carrier (Hub.carrierFailed), then woken late
        }
        casKill(PLAIN_KILL);
        complete(null, new FiberExit("scheduler closed before the fiber ran"));
    }

    /**
     * Ends a fiber that will never run again because its carrier failed, failed with
     * {@code cause}; recorded as its kill first, so that the failure is not reported once per
     * fiber (the carrier reported it once). Carrier only.
     */
    final void endUnfinished(Throwable cause) {
        casKill(cause);
        complete(null, cause);
    }

    /** Called by a scheduler whose fiber starts while it closes: the kill is thrown by the body's first check. */
    final void killAtStart() {
        postKill(PLAIN_KILL);
    }

    private static Object runRunnable(Object task) throws Exception {
        ((CheckedRunnable) task).run();
        return null;
    }

    /**
     * Sleeps out a delayed start and returns the task: its own frame, so that the delayed start
     * keeps no value of its own in {@link #body()}'s frame, which every suspended fiber keeps.
     */
    private Object sleepThenTask(DelayedStart delayed) {
        parkFor(delayed.nanos());
        return delayed.task();
    }

    /** The fiber's whole life inside its continuation (or virtual thread). */
    @SuppressWarnings("unchecked")
    final void body() {
        V value = null;
        Throwable thrown = null;
        try {
            deliverPending(); // a fiber killed before it ever ran never runs
            Object task = taskThenBlocker;
            taskThenBlocker = null; // NOTE: before the first park, which keeps its blocker here
            if (task instanceof DelayedStart delayed) {
                task = sleepThenTask(delayed);
            }
            value = (V) (task instanceof Callable<?> c ? c.call() : runRunnable(task));
        } catch (Throwable t) {
            thrown = t;
        }
        try {
            completeOutOfLine.invokeExact(this, (Object) value, thrown);
        } catch (Throwable e) {
            throw Fiber.<RuntimeException>sneaky(e); // complete throws nothing checked
        }
    }

    /**
     * {@link #complete}, called through this handle so that the JIT never inlines it into
     * {@link #body()}. Why: a compiled frame is as large as the most values its method keeps
     * live across any call, and body's frame stays in every suspended fiber's stack chunk. With
     * the completion (its waiter and callback loops) inlined, C2 made that frame 48 bytes
     * larger, which every parked fiber kept (264 B of stack chunk instead of 216 B, measured
     * with {@code jcmd GC.class_histogram} on 100,000 parked fibers, issue 16). The JDK marks
     * such methods {@code @DontInline}, which only its own classes may use. The field is not
     * final on purpose: a constant handle would be inlined like a direct call. The indirect call
     * costs a few nanoseconds once per fiber.
     */
    @SuppressWarnings("FieldMayBeFinal")
    private static MethodHandle completeOutOfLine;

    static {
        try {
            completeOutOfLine = MethodHandles.lookup().findVirtual(Fiber.class, "complete",
                    MethodType.methodType(void.class, Object.class, Throwable.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private void complete(Object value, Throwable thrown) {
        Throwable failure = thrown == null ? null : outcomeOf(thrown);
        Completion.Outcome outcome = value == null && failure == null ? Completion.Outcome.NULL_VALUE
                : new Completion.Outcome(value, failure);
        fiberFlags |= RUNNING_CALLBACKS;
        boolean claimed;
        try {
            claimed = Completion.complete(this, outcome);
        } finally {
            fiberFlags &= ~RUNNING_CALLBACKS;
        }
        if (!claimed && failure != null && !(failure instanceof FiberExit) && failure != kill) {
            report(failure); // no strand rethrows it: it must not go unseen (see the class guarantees)
        }
    }

    final void report(Throwable t) {
        try {
            failureHandler.accept(this, t);
        } catch (Throwable handlerFailed) {
            printFailure(this, t);
        }
    }

    // ------------------------------------------------------------------ kill and timeouts

    /**
     * Kills this fiber: it gets a {@link FiberExit} at its current or next suspension point and
     * ends killed. Asynchronous: returns without waiting (see {@link #killAndJoin}). Does
     * nothing if the fiber is done or was killed before. Killing the current fiber throws
     * at once. The {@code FiberExit} of a plain kill carries no stack trace (it is thrown where
     * the fiber was suspended, which its cause-less stack would only repeat); a kill costs well
     * under a microsecond.
     */
    public void kill() {
        requestKill(PLAIN_KILL);
    }

    /**
     * Kills this fiber with {@code exception} instead of {@link FiberExit}: the fiber then
     * ends failed with it (gevent's {@code kill(exception)}), unless it handles it. The
     * exception is thrown at the suspension point as it is, even if it is a checked one.
     */
    public void kill(Throwable exception) {
        requestKill(Objects.requireNonNull(exception, "exception"));
    }

    /**
     * Kills this fiber and waits up to {@code timeout} for it to end.
     *
     * @return whether it ended within the timeout (a fiber whose cleanup blocks may not)
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public boolean killAndJoin(Duration timeout) throws InterruptedException {
        long nanos = nanos(timeout, "timeout");
        kill();
        return await(nanos, false);
    }

    /**
     * Kills this fiber and waits until it has ended: gevent's {@code kill(block=True)}. Weft's
     * {@link #kill()} does not wait, as {@link Future#cancel} does not.
     *
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public void killAndJoin() throws InterruptedException {
        kill();
        await(-1, false);
    }

    /** Marks the outcome as the caller's before the fiber starts: a failure is rethrown to it, not reported. */
    final void claimOutcome() {
        Completion.push(this, CLAIMED, true);
    }

    private static final Consumer<Fiber<?>> CLAIMED = f -> { };

    /** Kills this fiber ({@link #kill()}). @return whether this call killed a running fiber */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return requestKill(PLAIN_KILL);
    }

    private boolean requestKill(Object k) {
        if (isDone()) {
            return false;
        }
        SimulatedScheduler sim = simulation();
        if (sim != null) {
            sim.requireInside("kill " + this);
        }
        if (markStarted()) { // NOTE: reads the flag before its CAS
            // never started, and now never will: it ends killed here, its body never run
            if (!casKill(k)) {
                return false;
            }
            complete(null, k == PLAIN_KILL ? FiberExit.plainKill() : (Throwable) k);
            return true;
        }
        if (current() == this) {
            if (!casKill(k)) {
                return false;
            }
            deliverPending();
            return true;
        }
        return postKill(k);
    }

    /** Throws a pending kill, then a pending timeout. Called by the fiber at suspension points. */
    final void deliverPending() {
        byte flags = fiberFlags;
        if ((flags & RUNNING_CALLBACKS) != 0) {
            throw new IllegalStateException(this + " is done and runs its completion callbacks: a callback must not "
                    + "block (park, sleep, join, lock), since close() would wait for it. Spawn a fiber from the "
                    + "callback for work that blocks.");
        }
        Object k = kill;
        if (k != null && (flags & KILL_DELIVERED) == 0) {
            deliverKill(k);
        }
        FiberExtras x;
        if (timeoutFired || ((x = extras) != null && x.innermostTimeout != null && anyTimeoutDue(x))) {
            deliverTimeout();
        }
    }

    /**
     * Whether an open timeout's deadline has passed though its timer has not fired (yet). A
     * patched fiber's timeouts fire on its scheduler's timer while its sleeps and timed parks
     * end on the JDK's: two queues, so a loaded timer thread could let a sleep that spans a
     * deadline end first, and the scope close with its timeout never thrown (the soak, under
     * load, lost 68 in 123,000 nested scopes so). Checking the clock at each suspension point
     * of a fiber with open timeouts throws every timeout at the first suspension point after
     * its deadline, whichever timer is late.
     */
    private boolean anyTimeoutDue(FiberExtras x) {
        long now = schedulerNanoTime(); // a simulated timeout's deadline is virtual
        for (Timeout t = x.innermostTimeout; t != null; t = t.enclosing) {
            if (t.isPending() && now - t.deadline() >= 0) {
                return true;
            }
        }
        return false;
    }

    private void deliverKill(Object k) {
        // NOTE: built before it is marked delivered: if building it overflows the stack, it stays pending
        Throwable exit = k == PLAIN_KILL ? FiberExit.plainKill() : (Throwable) k;
        signalsSettled(true);
        fiberFlags |= KILL_DELIVERED;
        throw Fiber.<RuntimeException>sneaky(exit);
    }

    /**
     * Throws the expired open timeout with the earliest deadline (the outermost of equal ones, as
     * their timers fire in that order). Expired means fired, or due by the clock though its timer
     * has not fired: timers on different structures fire out of order (see
     * {@link Timeout#expireIfDue}). Others that expired stay pending and are thrown at later
     * suspension points, once this one was handled: none is lost.
     */
    private void deliverTimeout() {
        timeoutFired = false; // NOTE: lowered before the scan: a timer that fires during it raises it again
        Timeout first = null;
        int expired = 0;
        long now = schedulerNanoTime();
        FiberExtras x = extras;
        for (Timeout t = x == null ? null : x.innermostTimeout; t != null; t = t.enclosing) {
            // NOTE: one due whose timer has not fired is expired here (see Timeout.expireIfDue)
            if (t.isPendingExpiry() || t.expireIfDue(now)) {
                expired++;
                if (first == null || t.deadline() <= first.deadline()) {
                    first = t;
                }
            }
        }
        if (first == null) {
            signalsSettled(false); // what fired was closed meanwhile
            return;
        }
        if (expired > 1) {
            timeoutFired = true;
        }
        Throwable e = first.expiryException();
        signalsSettled(false);
        first.markDelivered();
        throw Fiber.<RuntimeException>sneaky(e);
    }

    /** A Timeout of this fiber opens. Called by the fiber. */
    final void timeoutOpened(Timeout t) {
        FiberExtras x = extras();
        t.enclosing = x.innermostTimeout;
        x.innermostTimeout = t;
    }

    /**
     * A Timeout of this fiber closed, after any firing of it has finished: an expiry of it not
     * thrown yet is dropped (and in a patched fiber so is the interrupt that carried it).
     */
    final void timeoutClosed(Timeout t) {
        FiberExtras x = extras(); // made when t opened
        if (x.innermostTimeout == t) {
            x.innermostTimeout = t.enclosing;
        } else {
            for (Timeout inner = x.innermostTimeout; inner != null; inner = inner.enclosing) {
                if (inner.enclosing == t) {
                    inner.enclosing = t.enclosing; // closed out of order
                    break;
                }
            }
        }
        t.enclosing = null;
        if (t.hasExpired()) {
            timeoutFired = false; // NOTE: lowered before the scan, as in deliverTimeout
            for (Timeout open = x.innermostTimeout; open != null; open = open.enclosing) {
                if (open.isPendingExpiry()) {
                    timeoutFired = true;
                    break;
                }
            }
            signalsSettled(false);
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }

    // ------------------------------------------------------------------ join and outcome

    /**
     * Waits until this fiber is done. Returns at once if it is.
     *
     * @throws IllegalStateException if a fiber joins itself
     * @throws InterruptedException if the calling thread is interrupted (never for fibers)
     * @throws FiberExit if the calling fiber is killed while waiting
     */
    public void join() throws InterruptedException {
        await(-1, false);
    }

    /**
     * Waits up to {@code timeout} for this fiber to be done. A wait that times out leaves nothing
     * behind in this fiber.
     *
     * @return whether it is done
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public boolean join(Duration timeout) throws InterruptedException {
        return await(nanos(timeout, "timeout"), false);
    }

    /**
     * Waits for the outcome; {@code nanos < 0} waits without a limit. A claiming wait (get)
     * rethrows a failure, which is then not reported. @return isDone()
     */
    private boolean await(long nanos, boolean claims) throws InterruptedException {
        if (isDone()) {
            return true;
        }
        Strand me = Strand.current();
        if (me == this) {
            throw new IllegalStateException(this + " tried to join itself: it would wait forever. "
                    + "Join it from another fiber or thread.");
        }
        if (!me.isFiber() && Thread.interrupted()) {
            throw new InterruptedException();
        }
        SimulatedScheduler sim = simulation();
        if (sim != null) {
            sim.requireJoinable(this, me);
        }
        Completion.Node node = Completion.push(this, me, claims);
        if (node == null) {
            return true;
        }
        try {
            long deadline = nanos < 0 ? 0 : Strand.nanoTime() + nanos; // NOTE: a join without a limit reads no clock
            while (!isDone()) {
                if (nanos < 0) {
                    Strand.park(this);
                } else {
                    long left = deadline - Strand.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    Strand.parkNanos(this, left);
                }
                if (!me.isFiber() && Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return true;
        } finally {
            if (!isDone()) {
                Completion.remove(this, node); // timed out, killed or interrupted: leave nothing behind
            }
        }
    }

    /**
     * Runs {@code callback} with this fiber once it is done: callbacks run in registration
     * order, in the completing fiber right after its outcome is published and its joiners are
     * woken, or at once in the caller if the fiber is already done. A callback should be short
     * and must not block: one that reaches a suspension point of the completing fiber (a park,
     * sleep, join or lock) gets an {@link IllegalStateException} there. One that throws is
     * reported to the failure handler and the others still run.
     */
    public void onComplete(Consumer<? super Fiber<V>> callback) {
        Objects.requireNonNull(callback, "callback");
        if (Completion.push(this, callback) == null) {
            Completion.run(callback, this);
        }
    }

    /** Waiters and callbacks registered now; for tests. */
    final int waiterNodes() {
        return Completion.nodes(this);
    }

    /**
     * Waits for the fiber and returns its value.
     *
     * @throws ExecutionException with the failure as its cause, if the fiber failed
     * @throws CancellationException if the fiber was killed
     */
    @Override
    public V get() throws InterruptedException, ExecutionException {
        await(-1, true);
        return outcome();
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!await(Math.max(0, unit.toNanos(timeout)), true)) {
            throw new TimeoutException(this + " did not finish within " + timeout + " " + unit);
        }
        return outcome();
    }

    @SuppressWarnings("unchecked")
    private V outcome() throws ExecutionException {
        Completion.Outcome o = Completion.outcome(this);
        Throwable t = o.failure();
        if (t == null) {
            return (V) o.value();
        }
        if (t instanceof FiberExit) {
            throw (CancellationException) new CancellationException(this + " was killed").initCause(t);
        }
        throw new ExecutionException(t);
    }

    private Throwable failure() {
        return isDone() ? Completion.outcome(this).failure() : null;
    }

    /** Whether the fiber has ended (with a value, killed, or failed). */
    @Override
    public boolean isDone() {
        return Completion.isDone(this);
    }

    /** Whether the fiber has been started and has not ended (gevent's {@code bool(greenlet)}). */
    public boolean isAlive() {
        return isStarted() && !isDone();
    }

    /** Whether the fiber ended with a value or was killed (gevent's {@code successful()}). */
    public boolean isSuccessful() {
        Throwable t = failure();
        return isDone() && (t == null || t instanceof FiberExit);
    }

    /** Whether the fiber ended killed (by {@link FiberExit}). */
    @Override
    public boolean isCancelled() {
        return failure() instanceof FiberExit;
    }

    /** The fiber's value, or {@code null} if it has not ended with one. */
    @SuppressWarnings("unchecked")
    public V value() {
        return isDone() ? (V) Completion.outcome(this).value() : null;
    }

    /** The exception the fiber failed with, or {@code null} (also when it was killed). */
    public Throwable exception() {
        Throwable t = failure();
        return t instanceof FiberExit ? null : t;
    }

    // ------------------------------------------------------------------ many fibers

    /** Waits for all {@code fibers}; returns them in completion order. See {@link #joinAll(Collection, Duration, int)}. */
    @SafeVarargs
    public static <F extends Fiber<?>> List<F> joinAll(F... fibers) throws InterruptedException {
        return GroupJoin.joinAll(Arrays.asList(fibers), -1, fibers.length);
    }

    /** Waits for all {@code fibers}; returns them in completion order. See {@link #joinAll(Collection, Duration, int)}. */
    public static <F extends Fiber<?>> List<F> joinAll(Collection<F> fibers) throws InterruptedException {
        return GroupJoin.joinAll(fibers, -1, fibers.size());
    }

    /**
     * Waits until {@code count} of {@code fibers} are done or {@code timeout} passes, and
     * returns those that are done, in the order they completed (fibers already done when
     * called come first, in the order given), at most {@code count} of them. gevent's
     * {@code joinall(greenlets, timeout, count)}. A wait that times out leaves nothing behind in
     * the fibers still running.
     *
     * @param timeout how long to wait, or {@code null} for no limit
     * @param count   how many to wait for; at most {@code fibers.size()} is waited for
     * @throws IllegalArgumentException if {@code count} or {@code timeout} is negative
     * @throws IllegalStateException if the calling fiber is among {@code fibers}
     */
    public static <F extends Fiber<?>> List<F> joinAll(Collection<F> fibers, Duration timeout, int count)
            throws InterruptedException {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        return GroupJoin.joinAll(fibers, timeout == null ? -1 : nanos(timeout, "timeout"), count);
    }

    /**
     * Waits for all {@code fibers} like {@link #joinAll(Collection, Duration, int)}, but throws as
     * soon as one of them fails: gevent's {@code joinall(raise_error=True)}. The earliest failure in
     * time is thrown; the other fibers are left running and joinable. A kill is not a failure.
     *
     * @param timeout how long to wait, or {@code null} for no limit
     * @return the fibers done, in completion order (all of them unless the timeout passed)
     * @throws ExecutionException with the first failure as its cause
     */
    public static <F extends Fiber<?>> List<F> joinAllOrFail(Collection<F> fibers, Duration timeout)
            throws InterruptedException, ExecutionException {
        return GroupJoin.joinAllOrFail(fibers, timeout == null ? -1 : nanos(timeout, "timeout"));
    }

    /** Kills every fiber in {@code fibers} ({@link #kill()}), without waiting. */
    public static void killAll(Collection<? extends Fiber<?>> fibers) {
        fibers.forEach(Fiber::kill);
    }

    /**
     * Kills every fiber in {@code fibers} and waits up to {@code timeout} for all to end.
     *
     * @return whether all ended in time
     */
    public static boolean killAll(Collection<? extends Fiber<?>> fibers, Duration timeout) throws InterruptedException {
        killAll(fibers);
        List<Fiber<?>> all = new ArrayList<>(fibers);
        return joinAll(all, timeout, all.size()).size() == all.size();
    }

    /** Kills every fiber in {@code fibers} and waits until all have ended (gevent's {@code killall(block=True)}). */
    public static void killAllAndJoin(Collection<? extends Fiber<?>> fibers) throws InterruptedException {
        killAll(fibers);
        joinAll(new ArrayList<>(fibers));
    }

    // ------------------------------------------------------------------ naming and reporting

    /** Where this fiber was spawned, when its scheduler captured it, else null. */
    final Throwable spawnSite() {
        return label() instanceof SpawnSite site ? site : null;
    }

    /** The fiber's name: the one given at spawn, else {@code fiber@<hash>}. */
    @Override
    public String name() {
        Object label = label();
        String name = label instanceof SpawnSite site ? site.name : (String) label;
        if (name != null) {
            return name;
        }
        SimulatedScheduler sim = simulation();
        long simulatedId = sim != null ? sim.idOf(this) : 0;
        return simulatedId > 0 ? "fiber-" + simulatedId // deterministic, as everything in a simulation
                : "fiber@" + Integer.toHexString(System.identityHashCode(this));
    }

    /** The scheduler this fiber runs on. */
    public Scheduler scheduler() {
        Scheduler s = runsOn;
        return s instanceof Hub home ? home.served() : s;
    }

    /** The simulation this fiber runs in, or {@code null}: {@link #scheduler()}, without its other branches. */
    final SimulatedScheduler simulation() {
        Scheduler s = runsOn;
        return s instanceof Hub home ? home.simulation : s instanceof SimulatedScheduler sim ? sim : null;
    }

    @Override
    public String toString() {
        String outcome = !isDone() ? (isStarted() ? "alive" : "unstarted")
                : isCancelled() ? "killed" : failure() != null ? "failed" : "done";
        return "Fiber[" + name() + ", " + outcome + "]";
    }

    /**
     * Replaces the handler that receives the failures nobody was waiting for (see the class
     * guarantees), and the exceptions thrown by completion callbacks.
     * The default prints the stack trace and a line {@code <UTC time> <fiber> failed with
     * <exception class>} to {@code System.err}, as gevent's hub does. The handler runs in the
     * failed fiber; one that throws is replaced by the default for that report.
     */
    public static void setFailureHandler(BiConsumer<? super Fiber<?>, ? super Throwable> handler) {
        failureHandler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Replaces the handler that receives the one {@link PinnedYield} report per fiber that
     * blocked its carrier because it could not suspend. The default logs it as a warning to the
     * {@link System.Logger} named {@code dev.weft}.
     */
    public static void setPinnedHandler(Consumer<? super PinnedYield> handler) {
        ContinuationFiber.installPinnedHandler(handler);
    }

    private static void printFailure(Fiber<?> fiber, Throwable t) {
        PrintStream err = System.err;
        synchronized (err) {
            t.printStackTrace(err);
            err.println(Instant.now() + " " + fiber + " failed with " + t.getClass().getName());
        }
    }

    /** The default failure handler: an ERROR to the System.Logger {@code dev.weft}, with the spawn site if captured. */
    private static void logFailure(Fiber<?> fiber, Throwable t) {
        LOG.log(System.Logger.Level.ERROR, fiber.failureReport(t), t);
    }

    /** The report's text: the fiber, what it failed with, and where it was spawned (when captured). */
    final String failureReport(Throwable t) {
        StringBuilder b = new StringBuilder().append(this).append(" failed with ").append(t);
        if (label() instanceof SpawnSite spawnSite) {
            b.append(System.lineSeparator()).append("Spawned at (").append(spawnSite.getMessage()).append("):");
            for (StackTraceElement e : spawnSite.getStackTrace()) {
                b.append(System.lineSeparator()).append("\tat ").append(e);
            }
        }
        return b.toString();
    }
}
