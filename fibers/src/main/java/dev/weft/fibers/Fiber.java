package dev.weft.fibers;

import dev.weft.fibers.timer.TimerTask;

import java.io.PrintStream;
import java.lang.invoke.MethodHandles;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
 *   <li><b>Callbacks</b> registered with {@link #onComplete} run exactly once each, in
 *       registration order, also when registered after completion (then at once, in the
 *       registering strand).</li>
 *   <li><b>Failures are never silent.</b> A fiber that fails (throws anything but
 *       {@link FiberExit}, and was not killed with that exception) while no strand is joining
 *       it and no callback is registered is reported once, with its name and stack, to the
 *       {@link #setFailureHandler failure handler}; the scheduler keeps running. A failure
 *       that someone is waiting for goes to them instead (as {@link #get()} rethrows it).</li>
 * </ol>
 *
 * <h2>Differences from threads and {@code java.util.concurrent}</h2>
 * A fiber is not a {@link Thread}: {@code Thread.currentThread()} inside it is its carrier, so
 * {@code ThreadLocal}s, {@code Thread.sleep}, {@code synchronized} waits and j.u.c. locks
 * belong to, or block, the carrier and every fiber on it. Use {@link FiberLocal},
 * {@link #sleep}, and Weft's locks. Fibers are not interrupted; they are killed. As a
 * {@link Future}, {@link #get()} wraps a failure in {@link ExecutionException} and reports a
 * kill as {@link CancellationException}; {@link #cancel(boolean)} kills.
 *
 * @param <V> the type of the fiber's result
 */
public final class Fiber<V> extends Strand implements Future<V> {

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
     * Invariant: a fiber is in its scheduler's queue at most once, because only the strand
     * that performs a transition into RUNNABLE submits it; so no two carriers ever resume it.
     */
    static final int UNSTARTED = 0;
    static final int RUNNING = 1;
    static final int PARKING = 2;
    static final int PARKED = 3;
    static final int PINNED = 4;
    static final int YIELDING = 5;
    static final int RUNNABLE = 6;
    static final int TERMINATED = 7;

    private static final VarHandle STATE;
    private static final VarHandle PARK_PERMIT;
    private static final VarHandle KILL;
    private static final VarHandle PENDING_TIMEOUT;
    private static final VarHandle CALLBACKS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Fiber.class, "state", int.class);
            PARK_PERMIT = l.findVarHandle(Fiber.class, "parkPermit", boolean.class);
            KILL = l.findVarHandle(Fiber.class, "kill", Object.class);
            PENDING_TIMEOUT = l.findVarHandle(Fiber.class, "pendingTimeout", Timeout.class);
            CALLBACKS = l.findVarHandle(Fiber.class, "callbacks", Callback.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Stands in {@link #kill} for a plain kill; the {@link FiberExit} is made in the fiber. */
    private static final Object PLAIN_KILL = new Object();

    /** The patched fiber a virtual thread runs, bound for the whole of its body. */
    private static final ScopedValue<Fiber<?>> PATCHED_CURRENT = ScopedValue.newInstance();

    private static volatile BiConsumer<? super Fiber<?>, ? super Throwable> failureHandler = Fiber::printFailure;
    private static volatile Consumer<? super PinnedYield> pinnedHandler = Fiber::printPinned;

    final Scheduler scheduler;
    private final String name;
    /** A {@code Callable<V>}, or a {@code Runnable} (then V is Void): kept as given, unwrapped. */
    private final Object task;
    /** The continuation of a plain fiber; {@code null} for a patched one. */
    private final FiberContinuation continuation;
    /**
     * The virtual thread of a patched fiber ({@link Monkey}); {@code null} for a plain one.
     * A patched fiber parks and wakes as that thread (LockSupport), not through {@link #state}.
     */
    private final Thread virtualThread;

    private volatile int state;
    private volatile boolean parkPermit;
    /** The first kill requested (a Throwable or PLAIN_KILL); set once, never cleared. */
    private volatile Object kill;
    /** Whether the kill was thrown in the fiber. Only accessed by the fiber itself. */
    private boolean killDelivered;
    /** A timeout that fired and has not been thrown yet. */
    private volatile Timeout pendingTimeout;
    /** Completion callbacks, newest first, or DONE once the outcome is published. */
    private volatile Callback callbacks;
    /** Written before callbacks becomes DONE, read after. */
    private V result;
    private Throwable failure;

    /**
     * The hub whose carrier runs this plain fiber, and that carrier thread: set on the first
     * run, never changed. A fiber never moves to another carrier, because inside a raw
     * continuation {@code Thread.currentThread()} is the carrier and compiled code may keep
     * it across a yield (the JIT assumes a frame's thread does not change). Read by
     * unparkers after the state CAS, which orders them after the first run's writes.
     */
    Hub home;
    Thread carrier;
    /** Wakes this fiber from a timed park; made on the first one. Only touched by the fiber. */
    private ParkTimer parkTimer;
    /** FiberLocal values by index. Only accessed by the fiber itself. */
    Object[] locals;
    /** Links in a Hub's list of started fibers. Only accessed by the hub's carrier. */
    Fiber<?> liveNext;
    Fiber<?> livePrev;
    /** Whether a pinned suspension was reported. Only accessed by the fiber itself. */
    private boolean pinReported;

    Fiber(Scheduler scheduler, String name, Object task, boolean patched) {
        this.scheduler = scheduler;
        this.name = name;
        this.task = task;
        if (patched) {
            this.continuation = null;
            this.virtualThread = VirtualCarrierAccess.builder(scheduler.virtualThreadScheduler)
                    .name(name != null ? name : "weft-patched")
                    .unstarted(this::patchedBody);
        } else {
            this.continuation = new FiberContinuation(this);
            this.virtualThread = null;
        }
    }

    /** Makes a new fiber runnable on its scheduler. Called once, by the scheduler's admit. */
    void start() {
        if (virtualThread != null) {
            virtualThread.start(); // the JDK submits its first turn to scheduler.virtualThreadScheduler
        } else {
            scheduler.admitToCarrier(this);
        }
    }

    /** Whether this fiber runs as a virtual thread (see {@link Monkey}). */
    boolean isPatched() {
        return virtualThread != null;
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
    public static Fiber<Void> spawn(Runnable task) {
        return Scheduler.forSpawn().spawn(task);
    }

    /** Like {@link #spawn(Callable)}, naming the fiber. */
    public static <V> Fiber<V> spawn(String name, Callable<V> task) {
        return Scheduler.forSpawn().spawn(name, task);
    }

    /** Like {@link #spawn(Runnable)}, naming the fiber. */
    public static Fiber<Void> spawn(String name, Runnable task) {
        return Scheduler.forSpawn().spawn(name, task);
    }

    /** The fiber that calls this, or {@code null} when called from a thread. */
    public static Fiber<?> current() {
        if (!ContinuationAccess.EXPORTED) {
            return null;
        }
        Fiber<?> f = FiberContinuation.currentFiber();
        if (f == null && Thread.currentThread().isVirtual()) {
            f = PATCHED_CURRENT.isBound() ? PATCHED_CURRENT.get() : null;
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
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
        } else if (nanos == 0) {
            f.yieldToOthers();
        } else {
            long deadline = System.nanoTime() + nanos;
            for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
                f.parkFiberNanos(left);
            }
        }
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

    private void yieldToOthers() {
        deliverPending();
        if (virtualThread != null) {
            Thread.yield(); // the JDK queues the virtual thread's next turn at the tail
            deliverPending();
            return;
        }
        STATE.setRelease(this, YIELDING);
        if (!FiberContinuation.suspend()) {
            STATE.setRelease(this, RUNNING);
            reportPinned();
        }
        deliverPending();
    }

    // ------------------------------------------------------------------ park / unpark

    /** Parks this fiber, which must be the current one. See {@link Strand#park()}. */
    void parkFiber() {
        deliverPending();
        if (virtualThread != null) {
            java.util.concurrent.locks.LockSupport.park(this);
            deliverPending();
            return;
        }
        if (parkPermit) {
            parkPermit = false;
            return;
        }
        STATE.setRelease(this, PARKING);
        if (FiberContinuation.suspend()) {
            parkPermit = false; // consume the permit that made the carrier resume us
        } else {
            STATE.setRelease(this, RUNNING);
            parkOnCarrier(0);
        }
        deliverPending();
    }

    /** Timed park of this fiber, which must be the current one. See {@link Strand#parkNanos}. */
    void parkFiberNanos(long nanos) {
        deliverPending();
        if (nanos <= 0) {
            return;
        }
        if (virtualThread != null) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, nanos);
            deliverPending();
            return;
        }
        if (parkPermit) {
            parkPermit = false;
            return;
        }
        ParkTimer timer = parkTimer;
        if (timer == null) {
            parkTimer = timer = new ParkTimer(this);
        }
        home.addTimer(timer, System.nanoTime() + nanos);
        try {
            STATE.setRelease(this, PARKING);
            if (FiberContinuation.suspend()) {
                parkPermit = false;
            } else {
                STATE.setRelease(this, RUNNING);
                parkOnCarrier(nanos);
            }
        } finally {
            home.cancelTimer(timer);
        }
        deliverPending();
    }

    /**
     * The pinned fallback: the continuation could not yield, so block the carrier thread, as
     * the JDK does for a pinned virtual thread. Every fiber of that carrier waits meanwhile.
     */
    private void parkOnCarrier(long nanos) {
        reportPinned();
        STATE.setVolatile(this, PINNED); // NOTE: before reading the permit (pairs with unpark)
        try {
            if (!parkPermit) {
                if (nanos == 0) {
                    java.util.concurrent.locks.LockSupport.park(this);
                } else {
                    java.util.concurrent.locks.LockSupport.parkNanos(this, nanos);
                }
            }
        } finally {
            STATE.setVolatile(this, RUNNING);
        }
        parkPermit = false;
    }

    /**
     * Makes the permit available and, if this fiber is parked, submits it to its scheduler.
     * Never blocks, never switches. Safe from any strand.
     */
    @Override
    public void unpark() {
        if (virtualThread != null) {
            java.util.concurrent.locks.LockSupport.unpark(virtualThread);
            return;
        }
        // NOTE: the permit is published before the state is read; park publishes the state
        // (PARKED or PINNED) before reading the permit. Both are volatile, so at least one
        // side sees the other's write: no lost wake-up.
        if (!parkPermit && !(boolean) PARK_PERMIT.getAndSet(this, true)) {
            int s = state;
            if (s == PARKED) {
                if (STATE.compareAndSet(this, PARKED, RUNNABLE)) {
                    home.enqueue(this);
                }
            } else if (s == PINNED) {
                java.util.concurrent.locks.LockSupport.unpark(carrier);
            }
        }
    }

    @Override
    public boolean isFiber() {
        return true;
    }

    /** The state (see the table above); for the runtime's own tests and diagnostics. */
    int runState() {
        return state;
    }

    // ------------------------------------------------------------------ the carrier's side

    /**
     * Mounts and runs this fiber until it yields or ends. Called by the carrier of {@code hub},
     * which becomes the fiber's home on its first run: from then on the fiber runs only there.
     */
    void runOnCarrier(Hub hub) {
        if (home == null) {
            home = hub;
            carrier = hub.carrier();
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
            if (parkPermit && STATE.compareAndSet(this, PARKED, RUNNABLE)) {
                home.enqueue(this);
            }
        } else if (s == YIELDING) {
            STATE.setRelease(this, RUNNABLE);
            home.enqueue(this);
        } else {
            throw new AssertionError("fiber yielded in state " + s);
        }
    }

    /** Completes a fiber that never ran because its scheduler closed first. */
    void abandon() {
        KILL.compareAndSet(this, null, PLAIN_KILL);
        complete(null, new FiberExit("scheduler closed before the fiber ran"));
    }

    /** A patched fiber's virtual thread runs this. */
    private void patchedBody() {
        ScopedValue.where(PATCHED_CURRENT, this).run(() -> {
            scheduler.patchedStarted(this);
            try {
                body();
            } finally {
                scheduler.patchedEnded(this);
            }
        });
    }

    private V runRunnable() {
        ((Runnable) task).run();
        return null;
    }

    /** The fiber's whole life inside its continuation (or virtual thread). */
    @SuppressWarnings("unchecked")
    void body() {
        V value = null;
        Throwable thrown = null;
        try {
            deliverPending(); // a fiber killed before it ever ran never runs
            value = task instanceof Callable<?> c ? (V) c.call() : runRunnable();
        } catch (Throwable t) {
            thrown = t;
        }
        complete(value, thrown);
    }

    private void complete(V value, Throwable thrown) {
        Object k = kill;
        if (virtualThread != null && k != null && thrown != null && thrown != k && !(thrown instanceof FiberExit)) {
            // the kill reached a blocking JDK call as an interrupt, which threw this: still a kill
            thrown = k == PLAIN_KILL ? (Throwable) new FiberExit().initCause(thrown) : (Throwable) k;
        }
        result = value;
        failure = thrown;
        Callback pending = (Callback) CALLBACKS.getAndSet(this, Callback.DONE);
        if (pending == null && thrown != null && !(thrown instanceof FiberExit) && thrown != kill) {
            report(thrown); // nobody is waiting for this outcome: it must not go unseen
        }
        Callback inOrder = null;
        for (Callback c = pending; c != null; ) {
            Callback next = c.next;
            c.next = inOrder;
            inOrder = c;
            c = next;
        }
        for (Callback c = inOrder; c != null; c = c.next) {
            c.run(this);
        }
    }

    private void report(Throwable t) {
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
     * at once.
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
        return await(nanos);
    }

    /** Kills this fiber ({@link #kill()}). @return whether this call killed a running fiber */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return requestKill(PLAIN_KILL);
    }

    private boolean requestKill(Object k) {
        if (isDone() || !KILL.compareAndSet(this, null, k)) {
            return false;
        }
        if (current() == this) {
            deliverPending();
        }
        unpark();
        if (virtualThread != null) {
            virtualThread.interrupt(); // so that a blocking JDK call gives up
        }
        return true;
    }

    /** Called by an expired {@link Timeout} of this fiber, from its timer. */
    void timeoutFired(Timeout t) {
        for (;;) {
            Timeout pending = pendingTimeout;
            if (pending != null && pending.isOpen()) {
                return; // an earlier timeout is still to be thrown: the first to fire wins
            }
            if (PENDING_TIMEOUT.compareAndSet(this, pending, t)) {
                break;
            }
        }
        unpark();
        if (virtualThread != null) {
            virtualThread.interrupt(); // so that a blocking JDK call gives up
        }
    }

    /**
     * Called by {@link Timeout#close()}, after any firing of {@code t} has finished: a timeout
     * that fired but was not thrown is dropped, and in a patched fiber so is the interrupt that
     * carried it, which would otherwise make the next blocking JDK call throw
     * {@code InterruptedException} for a closed timeout.
     */
    void clearTimeout(Timeout t) {
        if (PENDING_TIMEOUT.compareAndSet(this, t, null) && virtualThread != null) {
            Thread.interrupted();
            if (kill != null && !killDelivered) {
                virtualThread.interrupt(); // that interrupt may have carried a kill too: keep it
            }
        }
    }

    /** Throws a pending kill, then a pending timeout. Called by the fiber at suspension points. */
    private void deliverPending() {
        Object k = kill;
        if (k != null && !killDelivered) {
            killDelivered = true;
            if (virtualThread != null) {
                Thread.interrupted(); // the interrupt that carried the kill is spent here
            }
            if (k == PLAIN_KILL) {
                throw new FiberExit();
            }
            throw Fiber.<RuntimeException>sneaky((Throwable) k);
        }
        Timeout t = pendingTimeout;
        if (t != null) {
            PENDING_TIMEOUT.compareAndSet(this, t, null);
            if (virtualThread != null) {
                Thread.interrupted();
            }
            if (t.isOpen()) {
                throw new TimeoutExpired(t);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }

    private void reportPinned() {
        if (pinReported) {
            return;
        }
        pinReported = true;
        Object reason = continuation.pinnedReason;
        StackTraceElement[] stack = Arrays.stream(new Throwable().getStackTrace())
                .dropWhile(e -> e.getClassName().equals(Fiber.class.getName())
                        || e.getClassName().equals(Strand.class.getName()))
                .toArray(StackTraceElement[]::new);
        try {
            pinnedHandler.accept(new PinnedYield(this, String.valueOf(reason), stack));
        } catch (Throwable ignored) {
            // a broken handler must not break the fiber that is being reported
        }
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
        await(-1);
    }

    /**
     * Waits up to {@code timeout} for this fiber to be done.
     *
     * @return whether it is done
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public boolean join(Duration timeout) throws InterruptedException {
        return await(nanos(timeout, "timeout"));
    }

    /** Waits for the outcome; {@code nanos < 0} waits without a limit. @return isDone() */
    private boolean await(long nanos) throws InterruptedException {
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
        if (!push(new Callback(me))) {
            return true;
        }
        long deadline = System.nanoTime() + nanos;
        while (!isDone()) {
            if (nanos < 0) {
                Strand.park();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                Strand.parkNanos(left);
            }
            if (!me.isFiber() && Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        return true;
    }

    /** Adds a callback node. @return false if the fiber is done (the node was not added) */
    private boolean push(Callback node) {
        for (;;) {
            Callback head = callbacks;
            if (head == Callback.DONE) {
                return false;
            }
            node.next = head;
            if (CALLBACKS.compareAndSet(this, head, node)) {
                return true;
            }
        }
    }

    /**
     * Runs {@code callback} with this fiber once it is done: callbacks run in registration
     * order, in the completing fiber right after its outcome is published, or at once in the
     * caller if the fiber is already done. A callback should be short and must not block; one
     * that throws is reported to the failure handler and the others still run.
     */
    public void onComplete(Consumer<? super Fiber<V>> callback) {
        Callback node = new Callback(Objects.requireNonNull(callback, "callback"));
        if (!push(node)) {
            node.run(this);
        }
    }

    /**
     * Waits for the fiber and returns its value.
     *
     * @throws ExecutionException with the failure as its cause, if the fiber failed
     * @throws CancellationException if the fiber was killed
     */
    @Override
    public V get() throws InterruptedException, ExecutionException {
        join();
        return outcome();
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!await(Math.max(0, unit.toNanos(timeout)))) {
            throw new TimeoutException(this + " did not finish within " + timeout + " " + unit);
        }
        return outcome();
    }

    private V outcome() throws ExecutionException {
        Throwable t = failure;
        if (t == null) {
            return result;
        }
        if (t instanceof FiberExit) {
            throw (CancellationException) new CancellationException(this + " was killed").initCause(t);
        }
        throw new ExecutionException(t);
    }

    /** Whether the fiber has ended (with a value, killed, or failed). */
    @Override
    public boolean isDone() {
        return callbacks == Callback.DONE;
    }

    /** Whether the fiber has not ended yet (it may not have started). */
    public boolean isAlive() {
        return !isDone();
    }

    /** Whether the fiber ended with a value or was killed (gevent's {@code successful()}). */
    public boolean isSuccessful() {
        return isDone() && (failure == null || failure instanceof FiberExit);
    }

    /** Whether the fiber ended killed (by {@link FiberExit}). */
    @Override
    public boolean isCancelled() {
        return isDone() && failure instanceof FiberExit;
    }

    /** The fiber's value, or {@code null} if it has not ended with one. */
    public V value() {
        return isDone() ? result : null;
    }

    /** The exception the fiber failed with, or {@code null} (also when it was killed). */
    public Throwable exception() {
        return isDone() && !(failure instanceof FiberExit) ? failure : null;
    }

    // ------------------------------------------------------------------ many fibers

    /** Waits for all {@code fibers}; returns them in completion order. See {@link #joinAll(Collection, Duration, int)}. */
    @SafeVarargs
    public static <F extends Fiber<?>> List<F> joinAll(F... fibers) throws InterruptedException {
        return joinAll(Arrays.asList(fibers), null, fibers.length);
    }

    /** Waits for all {@code fibers}; returns them in completion order. See {@link #joinAll(Collection, Duration, int)}. */
    public static <F extends Fiber<?>> List<F> joinAll(Collection<F> fibers) throws InterruptedException {
        return joinAll(fibers, null, fibers.size());
    }

    /**
     * Waits until {@code count} of {@code fibers} are done or {@code timeout} passes, and
     * returns those that are done, in the order they completed (fibers already done when
     * called come first, in the order given), at most {@code count} of them. gevent's
     * {@code joinall(greenlets, timeout, count)}.
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
        long nanos = timeout == null ? -1 : nanos(timeout, "timeout");
        int target = Math.min(count, fibers.size());
        Strand me = Strand.current();
        if (fibers.contains(me)) {
            throw new IllegalStateException(me + " is in the fibers it joins: it would wait for itself forever");
        }
        ConcurrentLinkedQueue<F> done = new ConcurrentLinkedQueue<>();
        AtomicInteger doneCount = new AtomicInteger();
        for (F f : fibers) {
            f.onComplete(x -> {
                done.add(f);
                if (doneCount.incrementAndGet() == target) {
                    me.unpark();
                }
            });
        }
        long deadline = System.nanoTime() + nanos;
        while (doneCount.get() < target) {
            if (nanos < 0) {
                Strand.park();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Strand.parkNanos(left);
            }
            if (!me.isFiber() && Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        List<F> finished = new ArrayList<>(target);
        for (F f : done) {
            if (finished.size() == target) {
                break;
            }
            finished.add(f);
        }
        return finished;
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

    // ------------------------------------------------------------------ naming and reporting

    /** The fiber's name: the one given at spawn, else {@code fiber@<hash>}. */
    @Override
    public String name() {
        return name != null ? name : "fiber@" + Integer.toHexString(System.identityHashCode(this));
    }

    /** The scheduler this fiber runs on. */
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public String toString() {
        boolean started = virtualThread != null ? virtualThread.getState() != Thread.State.NEW : state != UNSTARTED;
        String outcome = !isDone() ? (started ? "alive" : "unstarted")
                : isCancelled() ? "killed" : failure != null ? "failed" : "done";
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
     * blocked its carrier because it could not suspend. The default prints it to
     * {@code System.err}.
     */
    public static void setPinnedHandler(Consumer<? super PinnedYield> handler) {
        pinnedHandler = Objects.requireNonNull(handler, "handler");
    }

    private static void printFailure(Fiber<?> fiber, Throwable t) {
        PrintStream err = System.err;
        synchronized (err) {
            t.printStackTrace(err);
            err.println(Instant.now() + " " + fiber + " failed with " + t.getClass().getName());
        }
    }

    private static void printPinned(PinnedYield report) {
        System.err.println(report);
    }

    // ------------------------------------------------------------------ helpers

    /** A completion callback: a strand to unpark (a joiner) or a consumer to call. */
    private static final class Callback {
        static final Callback DONE = new Callback(null);

        final Object action;
        Callback next;

        Callback(Object action) {
            this.action = action;
        }

        @SuppressWarnings("unchecked")
        void run(Fiber<?> fiber) {
            if (action instanceof Strand joiner) {
                joiner.unpark();
                return;
            }
            try {
                ((Consumer<Fiber<?>>) action).accept(fiber);
            } catch (Throwable t) {
                fiber.report(t);
            }
        }
    }

    /** Wakes its fiber when a timed park expires. */
    private static final class ParkTimer extends TimerTask {
        private final Fiber<?> fiber;

        ParkTimer(Fiber<?> fiber) {
            this.fiber = fiber;
        }

        @Override
        protected void fire() {
            fiber.unpark();
        }
    }
}
