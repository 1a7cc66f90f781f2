package dev.weft.fibers;

import dev.weft.fibers.internal.timer.TimerTask;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs fibers on carrier threads. Two kinds:
 * <ul>
 *   <li>{@link Hub}: one carrier, a FIFO run queue and a timer heap; gevent's hub, with its
 *       exact ordering rules. The default.</li>
 *   <li>{@link MultiCarrierScheduler}: N carriers sharing new fibers, for CPU
 *       parallelism; no ordering between fibers on different carriers.</li>
 *   <li>{@link SimulatedScheduler}: a deterministic simulation for testing; a policy makes
 *       every scheduling decision, time is virtual, the thread that calls {@link #invoke} runs it.</li>
 * </ul>
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>A fiber runs on its scheduler's carriers only, one carrier at a time.</li>
 *   <li>A fiber spawned from a fiber runs on the spawner's scheduler ({@link Fiber#spawn});
 *       choose another per spawn with {@link #spawn(Callable)} on that scheduler.</li>
 *   <li>Any thread or fiber may spawn on, and join fibers of, any scheduler; a thread
 *       blocks as a thread while it waits. The exception is a {@link SimulatedScheduler}: only
 *       its own fibers may spawn on it or touch its fibers, so that its runs repeat.</li>
 *   <li>{@link #close()} rejects new spawns, kills every unfinished fiber so that its
 *       {@code finally} blocks run (a continuation that is merely dropped is collected
 *       without running them), waits for all of them to end, and stops the carriers.</li>
 * </ol>
 * As an {@link Executor}, {@link #execute} spawns a fiber.
 */
public abstract sealed class Scheduler implements Executor, AutoCloseable
        permits Hub, MultiCarrierScheduler, SimulatedScheduler {

    /** System property: {@code true} makes every scheduler capture spawn sites (see {@link #captureSpawnSites}). */
    public static final String CAPTURE_SPAWN_SITES = "dev.weft.captureSpawnSites";

    /** System property: {@code true} makes every scheduler strict about deadlocks (see {@link #strictDeadlocks}). */
    public static final String STRICT_DEADLOCKS = "dev.weft.strictDeadlocks";
    /**
     * System property: the default {@link #deadlockGrace grace period} of the deadlock report:
     * {@code off}, milliseconds ({@code 5000}), {@code 500ms}, {@code 10s} or an ISO-8601 duration.
     */
    public static final String DEADLOCK_GRACE = "dev.weft.deadlockGrace";
    private static final long DEFAULT_DEADLOCK_GRACE_NANOS = dev.weft.fibers.internal.Durations.parseNanos(DEADLOCK_GRACE, "5s");

    private volatile boolean spawnSites = Boolean.getBoolean(CAPTURE_SPAWN_SITES);
    private volatile boolean strictDeadlocks = Boolean.getBoolean(STRICT_DEADLOCKS);
    private volatile long deadlockGraceNanos = DEFAULT_DEADLOCK_GRACE_NANOS;
    /** The fibers of running {@link #invoke} calls: strict mode throws its report to them. */
    private final java.util.Set<Fiber<?>> invoked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Set once by {@link Monkey#patchAll()}: every fiber spawned from then on is patched. */
    static volatile boolean patchedByDefault;

    Scheduler() {}

    /**
     * Whether fibers made from now on record where they were spawned (the spawning strand's
     * stack), which their failure reports then show: gevent's "Spawned at". Off by default (the
     * system property {@value #CAPTURE_SPAWN_SITES} turns it on for every scheduler); it costs a
     * stack walk per spawn.
     */
    public final void captureSpawnSites(boolean on) {
        spawnSites = on;
    }

    final boolean capturesSpawnSites() {
        return spawnSites;
    }

    /**
     * Whether a deadlock ends {@link #invoke} at once: gevent's {@code LoopExit}, for programs
     * whose fibers are woken by each other only. A deadlock is a moment when every fiber of this
     * scheduler is parked with no timer armed, no socket registered, no work offloaded
     * ({@link dev.weft.fibers.io.Blocking}) and no patched fiber inside a JDK call: nothing can
     * then move unless a thread outside wakes a fiber. Strict, each fiber running an
     * {@code invoke} is killed with a {@link DeadlockDetected} whose message is the report, and
     * {@code invoke} throws it; without an {@code invoke} running the report is logged at once.
     * Not strict (the default; the system property {@value #STRICT_DEADLOCKS} changes it), the
     * report is logged once per episode after the {@link #deadlockGrace grace period} and the
     * fibers keep waiting. Checked on a {@link Hub}; a {@link MultiCarrierScheduler} does not check.
     */
    public final void strictDeadlocks(boolean on) {
        strictDeadlocks = on;
    }

    /**
     * How long every fiber must stay stuck before the deadlock report is logged (see
     * {@link #strictDeadlocks}); default 5 seconds, or the system property
     * {@value #DEADLOCK_GRACE}. Longer than any wait on a thread outside that is expected:
     * such a wait looks like a deadlock from inside. {@link java.time.Duration#ZERO} switches the
     * logged report off for this scheduler (strict mode still throws).
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public final void deadlockGrace(java.time.Duration grace) {
        deadlockGraceNanos = Fiber.nanos(grace, "deadlock grace");
    }

    /**
     * Replaces the handler that receives the deadlock reports that are logged rather than thrown
     * (see {@link #strictDeadlocks}), from every scheduler. It runs on the carrier that found the
     * deadlock and must not block. The default logs each as a WARNING to the
     * {@link System.Logger} named {@code dev.weft}; a handler that throws is replaced by the
     * default for that report.
     */
    public static void setDeadlockHandler(java.util.function.Consumer<? super String> handler) {
        DeadlockReport.installHandler(handler);
    }

    final boolean strictAboutDeadlocks() {
        return strictDeadlocks;
    }

    final long deadlockGraceNanos() {
        return deadlockGraceNanos;
    }

    /** Whether {@code f} runs an {@link #invoke} of this scheduler now. */
    final boolean isInvoked(Fiber<?> f) {
        return invoked.contains(f);
    }

    /**
     * A fiber dump of this scheduler as text, in the spirit of gevent's {@code format_run_info}:
     * its carriers (thread state, run queue, inbox, timers, live fibers) and, per live fiber, its
     * id, name, state, what it waits on and for how long, its stack and (when
     * {@link #captureSpawnSites captured}) its spawn site. Each carrier answers between two of
     * its fibers' turns; a carrier that does not answer within a second (a fiber blocks it) is
     * shown with the stack of its thread instead of its fibers. Safe from any strand.
     */
    public final String dump() {
        return FiberDump.text(java.util.List.of(snapshot()));
    }

    /** {@link #dump()} as one JSON object (see docs/debugging.md for its fields). */
    public final String dumpJson() {
        return FiberDump.json(java.util.List.of(snapshot()));
    }

    /** What {@link #dump()} shows, taken now. */
    abstract FiberDump.SchedulerSnapshot snapshot();

    /**
     * System property: the default {@linkplain #blockedCarrierThreshold(Duration) blocked-carrier
     * threshold} of every scheduler: {@code off}, milliseconds ({@code 100}), {@code 250ms},
     * {@code 2s} or an ISO-8601 duration. Default 100 ms.
     */
    public static final String BLOCKED_CARRIER_THRESHOLD = CarrierWatchdog.THRESHOLD_PROPERTY;

    private volatile long blockedCarrierThresholdNanos = CarrierWatchdog.defaultThresholdNanos();

    /**
     * How long a carrier of this scheduler may run one fiber without switching before the
     * blocked-carrier monitor reports it: a {@code WARNING} to the {@code System.Logger}
     * {@code dev.weft} with the carrier, the fiber, the carrier thread's stack and how long, and a
     * JFR event {@code dev.weft.BlockedCarrier}. One report per episode; a fiber that blocks again
     * is logged at most every 30 s (its episodes are counted meanwhile). The monitor is one daemon
     * thread for the JVM; a carrier pays two plain stores per switch for it. {@link Duration#ZERO}
     * switches it off for this scheduler. Default: the system property
     * {@value #BLOCKED_CARRIER_THRESHOLD}, else 100 ms.
     *
     * @throws IllegalArgumentException if {@code threshold} is negative
     */
    public final void blockedCarrierThreshold(Duration threshold) {
        if (threshold.isNegative()) {
            throw new IllegalArgumentException("a blocked-carrier threshold cannot be negative, was " + threshold
                    + ": pass Duration.ZERO to switch the monitor off");
        }
        long nanos;
        try {
            nanos = threshold.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE; // centuries: never reported
        }
        blockedCarrierThresholdNanos = nanos;
        CarrierWatchdog.thresholdChanged();
    }

    /** The blocked-carrier threshold in nanoseconds, 0 when the monitor is off for this scheduler. */
    final long blockedCarrierThresholdNanos() {
        return blockedCarrierThresholdNanos;
    }

    /**
     * The default hub: spawned onto by {@link Fiber#spawn} from threads. Its carrier is a
     * daemon thread named {@code weft-hub}; it lives as long as the JVM and cannot be closed.
     */
    public static Hub defaultScheduler() {
        return DefaultHub.HUB;
    }

    private static final class DefaultHub {
        static final Hub HUB = new Hub("weft-hub", true);

        static {
            // the default hub is never closed: at exit, say how many of its fibers never ended
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("weft-hub-exit").unstarted(() -> {
                HUB.awaitQueuedTurns(100_000_000L); // fibers spawned just before exit take their first turn
                int live = HUB.liveFibersRacy();
                if (live > 0) {
                    // System.err, not the System.Logger: java.util.logging resets itself in a shutdown hook of its own
                    System.err.println("weft: " + live + " fiber(s) of the default hub were still alive at JVM exit and "
                            + "were abandoned: their finally blocks did not run. Join them before exit, or spawn on a "
                            + "Hub you close.");
                }
            }));
        }
    }

    /** The scheduler {@link Fiber#spawn} uses: the current fiber's, else the default hub. */
    static Scheduler forSpawn() {
        Fiber<?> f = Fiber.current();
        return f != null ? f.scheduler() : defaultScheduler();
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
    public final Fiber<Void> spawn(CheckedRunnable task) {
        return spawn(null, task);
    }

    /** Like {@link #spawn(Callable)}, naming the fiber ({@code null}: a generated name). */
    public final <V> Fiber<V> spawn(String name, Callable<V> task) {
        return spawn(name, task, patchedByDefault);
    }

    /** Spawns a plain fiber, or a patched one (a virtual thread this scheduler runs). */
    /** {@code task} is a {@code Callable<V>} or a {@code CheckedRunnable}. */
    final <V> Fiber<V> spawn(String name, Object task, boolean patched) {
        Fiber<V> f = newFiber(name, task, patched);
        f.start();
        return f;
    }

    final <V> Fiber<V> newFiber(String name, Object task, boolean patched) {
        Objects.requireNonNull(task, "task");
        ContinuationAccess.require();
        if (patched) {
            if (this instanceof SimulatedScheduler) {
                throw SimulatedScheduler.patchedUnsupported();
            }
            VirtualCarrierAccess.require();
        }
        return patched ? new PatchedFiber<>(this, name, task) : new ContinuationFiber<>(this, name, task);
    }

    /**
     * The scheduler of this scheduler's patched fibers' virtual threads: each task is one
     * turn of a virtual thread, queued like a fiber.
     */
    final Executor virtualThreadScheduler = this::submitTask;

    /** Like {@link #spawn(CheckedRunnable)}, naming the fiber ({@code null}: a generated name). */
    public final Fiber<Void> spawn(String name, CheckedRunnable task) {
        Objects.requireNonNull(task, "task");
        return spawn(name, (Object) task, patchedByDefault);
    }

    /**
     * Makes a fiber of this scheduler that calls {@code task} once {@link Fiber#start()} is
     * called: gevent's {@code Greenlet(f)}. Until then it is neither alive nor done; a kill ends
     * it without its body ever running.
     */
    public final <V> Fiber<V> unstarted(Callable<V> task) {
        return newFiber(null, task, patchedByDefault);
    }

    /** Like {@link #unstarted(Callable)}, for a task without a result. */
    public final Fiber<Void> unstarted(CheckedRunnable task) {
        return newFiber(null, task, patchedByDefault);
    }

    /**
     * Spawns a fiber that first runs once {@code delay} has passed: gevent's
     * {@code spawn_later}. See {@link Fiber#startLater}.
     *
     * @throws java.util.concurrent.RejectedExecutionException if this scheduler is closed
     */
    public final <V> Fiber<V> spawnLater(Duration delay, Callable<V> task) {
        Fiber<V> f = unstarted(task);
        f.startLater(delay);
        return f;
    }

    /** Like {@link #spawnLater(Duration, Callable)}, for a task without a result. */
    public final Fiber<Void> spawnLater(Duration delay, CheckedRunnable task) {
        Fiber<Void> f = unstarted(task);
        f.startLater(delay);
        return f;
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
    public <V> V invoke(Callable<V> task) throws Exception {
        requireNotOwnFiber("Scheduler.invoke()");
        Fiber<V> f = newFiber("main", task, patchedByDefault);
        f.claimOutcome(); // before it can run: a failure is rethrown to the caller, not reported
        invoked.add(f);
        f.start();
        return outcomeOfInvoked(f);
    }

    /** Waits for the fiber {@link #invoke} started and returns its value, or rethrows its failure as it is. */
    final <V> V outcomeOfInvoked(Fiber<V> f) throws Exception {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            cause.addSuppressed(new AwaitedBy(e)); // the caller's frames beside the fiber's own
            if (cause instanceof Exception x) {
                throw x;
            }
            throw (Error) cause;
        } finally {
            invoked.remove(f);
        }
    }

    /** Stands beside a failure rethrown by {@link #invoke}: the frames of the strand that waited for it. */
    private static final class AwaitedBy extends Exception {
        private static final long serialVersionUID = 1L;

        AwaitedBy(Exception waiting) {
            super("rethrown by Scheduler.invoke() in " + Strand.current(), null, false, true);
            setStackTrace(waiting.getStackTrace());
        }
    }

    /** Spawns a fiber that runs {@code command}. */
    @Override
    public final void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        spawn(command::run);
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

    /** Whether the carriers have stopped: a task queued now is never run. */
    abstract boolean isTerminated();

    /**
     * Patched fibers started whose body has not begun. A patched fiber's first turn is a
     * virtual thread's task, not a Fiber, so a carrier that stopped cannot tell it from any other
     * late task and drops it; these are then abandoned (completed killed) instead of never ending.
     * Whoever removes a fiber from this set decides it: its body (the fiber's first turn) or its
     * abandonment (a stopped scheduler), never both.
     */
    private final java.util.Set<Fiber<?>> patchedPending = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A patched fiber is about to start its virtual thread. */
    final void patchedLaunching(Fiber<?> f) {
        patchedPending.add(f);
    }

    /** Its virtual thread was started: if the carriers stopped meanwhile, its first turn is lost. */
    final void patchedLaunched(Fiber<?> f) {
        // NOTE: added before this read; termination is published before its sweep reads the set
        if (isTerminated() && patchedPending.remove(f)) {
            f.abandon();
        }
    }

    /** The patched fiber's first turn runs. @return false if it was abandoned: the body must not run */
    final boolean patchedClaimsItsRun(Fiber<?> f) {
        return patchedPending.remove(f);
    }

    /** Called once the carriers have stopped (after isTerminated() became true). */
    final void abandonPendingPatched() {
        for (Fiber<?> f : patchedPending) {
            if (patchedPending.remove(f)) {
                f.abandon();
            }
        }
    }

    // ---- the JVM's live schedulers: the blocked-carrier watchdog and the JVM-wide dump read them

    /**
     * Every scheduler whose carriers run: added once its carriers started, removed once they
     * stopped (a group's carriers are not listed, the group is). A closed scheduler is therefore
     * held by nothing here; one that is never closed is held by its carrier threads anyway.
     */
    private static final Set<Scheduler> LIVE = ConcurrentHashMap.newKeySet();

    /**
     * Calls {@code action} for each scheduler of this JVM whose carriers run (a group, not its
     * carriers), from any thread. Weakly consistent: a scheduler started or stopped meanwhile
     * may or may not be seen; one seen may have stopped by the time {@code action} runs.
     */
    static void forEachLive(Consumer<? super Scheduler> action) {
        LIVE.forEach(action);
    }

    /** Its carriers run: list it. Called once, by the constructor of a hub or group, last. */
    final void registerLive() {
        LIVE.add(this);
        CarrierWatchdog.schedulerStarted(blockedCarrierThresholdNanos);
        SchedulerMBeans.schedulerStarted();
    }

    /**
     * A fiber dump of every scheduler of this JVM whose carriers run (see {@link #dump()}), as
     * {@code ./weft dump PID} and the MBean {@code dev.weft:type=Schedulers} show it from outside.
     */
    public static String dumpAll() {
        return FiberDump.text(snapshotAll());
    }

    /** {@link #dumpAll()} as one JSON object. */
    public static String dumpAllJson() {
        return FiberDump.json(snapshotAll());
    }

    private static java.util.List<FiberDump.SchedulerSnapshot> snapshotAll() {
        java.util.List<Scheduler> all = new java.util.ArrayList<>();
        forEachLive(all::add);
        java.util.List<FiberDump.SchedulerSnapshot> out = new java.util.ArrayList<>(all.size());
        for (Scheduler s : all) {
            out.add(s.snapshot());
        }
        return out;
    }

    /** Its name: a hub's carrier thread's, a group's carriers' prefix. Its MBean is named after it. */
    abstract String name();

    /** Started fibers not ended, from any thread: racy, for reports. */
    abstract int liveFibersRacy();

    /** Fibers and turns queued to run, from any thread: racy, for reports. */
    abstract int runnableRacy();

    /** Timers armed, from any thread: racy, for reports. */
    abstract int timersRacy();

    /** Its carriers have stopped: forget it. */
    final void unregisterLive() {
        LIVE.remove(this);
    }

    /** Calls {@code action} for each carrier (a hub: itself; a group: each of its hubs). */
    abstract void forEachCarrier(Consumer<? super Hub> action);

    /*
     * Counters, from any thread: sums of per-carrier counters that each carrier writes alone
     * (no atomic read-modify-write on the hot path). Each is monotonic per carrier; a sum read
     * while the carriers run is a recent value, not a snapshot.
     */

    /** Tasks the carriers ran: plain fibers mounted and turns of patched fibers' virtual threads. */
    abstract long switchCount();

    /** Suspensions of plain fibers in a park (a pinned park blocks its carrier and is not counted). */
    abstract long parkCount();

    /** Parked plain fibers made runnable again (an unpark, a kill or a timeout, a timed park's timer). */
    abstract long unparkCount();

    // ---- the runtime's side: called by Fiber, Timeout and the carriers

    /** Queues a new fiber. @throws java.util.concurrent.RejectedExecutionException if closed */
    final void admit(Fiber<?> f) {
        if (isClosed()) {
            throw new java.util.concurrent.RejectedExecutionException(this + " is closed: it spawns no more fibers");
        }
        f.launch();
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

    /** Disarms a timer armed by {@link #armPatchedTimer}, from any strand. */
    abstract void disarmPatchedTimerFromAnywhere(TimerTask task);

    final void requireNotOwnFiber(String what) {
        Fiber<?> f = Fiber.current();
        if (f != null && f.scheduler() == this) {
            throw new IllegalStateException(what + " was called from " + f + ", a fiber of the scheduler itself: "
                    + "it would wait for itself. Call it from a thread or a fiber of another scheduler.");
        }
    }

    /** Waits, as the current strand, until {@code done} is true; interrupts are kept, not thrown. */
    static void awaitUninterruptibly(Object blocker, java.util.function.BooleanSupplier done) {
        boolean interrupted = false;
        while (!done.getAsBoolean()) {
            Strand.park(blocker);
            if (Fiber.current() == null && Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
