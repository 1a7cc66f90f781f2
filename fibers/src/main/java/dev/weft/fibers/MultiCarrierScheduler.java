package dev.weft.fibers;

import dev.weft.fibers.internal.timer.TimerTask;
import dev.weft.fibers.internal.timer.TimerThread;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A scheduler with N carrier threads, for fibers that need CPU parallelism. Each carrier is a
 * {@link Hub}; new fibers go to a queue all carriers share, and a carrier takes from it when it
 * runs out of work or between its batches: as many as bring it a handful above the least loaded
 * carrier's count of started fibers (at least a handful when it is idle), but only one between
 * batches while another carrier is idle, which takes the rest.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>A started fiber never changes carrier.</b> Work is balanced when fibers start,
 *       not after. The reason is a property of raw continuations: inside one,
 *       {@code Thread.currentThread()} is the carrier, and compiled code may keep it across a
 *       suspension (the JIT assumes a frame's thread does not change), so a fiber resumed on
 *       another carrier could use a stale thread, for a {@code ThreadLocal}, a lock's owner or
 *       a pool's queue. (A patched fiber, see {@link Monkey}, is a virtual thread and may
 *       move: the JDK makes that safe.)</li>
 *   <li>On its carrier a fiber follows the {@link Hub} rules: waking never switches, a yield
 *       goes to the tail, timers fire in deadline order.</li>
 *   <li>Fibers on different carriers run in parallel and in no fixed order relative to each
 *       other: guard shared state with Weft's locks.</li>
 *   <li>An idle carrier looks for work for up to 20 µs, then sleeps; a spawn wakes one idle
 *       carrier (see {@code Hub.IDLE_SPIN_NANOS} for why it spins).</li>
 * </ol>
 */
public final class MultiCarrierScheduler extends Scheduler {
    private static final AtomicInteger COUNT = new AtomicInteger();

    /** {@code weft-carrier-G}: its carriers are named after it, and so is its MBean. */
    private final String name;
    private final Hub[] carriers;
    /** New fibers, and turns of patched fibers' virtual threads: any carrier may run them. */
    private final ConcurrentLinkedQueue<Object> shared = new ConcurrentLinkedQueue<>();
    /** Patched fibers whose body is running: they belong to no one carrier. */
    private final Set<Fiber<?>> patchedLive = ConcurrentHashMap.newKeySet();
    /** Timers of patched fibers, which may arm on one carrier and disarm on another. */
    private final TimerThread patchedTimers;
    private volatile boolean closing;
    private volatile boolean terminated;

    /** Creates a scheduler with one carrier per available processor. */
    public MultiCarrierScheduler() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Creates a scheduler with {@code carriers} carrier threads (daemons, named
     * {@code weft-carrier-G-i}).
     *
     * @throws IllegalArgumentException if {@code carriers < 1}
     */
    public MultiCarrierScheduler(int carriers) {
        if (carriers < 1) {
            throw new IllegalArgumentException("a scheduler needs at least one carrier, was asked for " + carriers);
        }
        this.name = "weft-carrier-" + COUNT.incrementAndGet();
        String prefix = name + "-";
        this.carriers = new Hub[carriers];
        for (int i = 0; i < carriers; i++) {
            this.carriers[i] = new Hub(prefix + (i + 1), this);
        }
        this.patchedTimers = new TimerThread(prefix + "timer");
        registerLive();
    }

    /** The number of carrier threads. */
    public int carrierCount() {
        return carriers.length;
    }

    // ---- Scheduler

    @Override
    void forEachCarrier(Consumer<? super Hub> action) {
        for (Hub h : carriers) {
            action.accept(h);
        }
    }

    @Override
    long switchCount() {
        long n = 0;
        for (Hub h : carriers) {
            n += h.switchCount();
        }
        return n;
    }

    @Override
    long parkCount() {
        long n = 0;
        for (Hub h : carriers) {
            n += h.parkCount();
        }
        return n;
    }

    @Override
    long unparkCount() {
        long n = 0;
        for (Hub h : carriers) {
            n += h.unparkCount();
        }
        return n;
    }

    @Override
    void admitToCarrier(ContinuationFiber<?> f) {
        share(f);
    }

    @Override
    void submitTask(Runnable virtualThreadTurn) {
        share(virtualThreadTurn);
    }

    private void share(Object task) {
        shared.offer(task);
        // NOTE: published before the idle flags are read; a carrier publishes idle before it
        // looks at the shared queue a last time (Hub.waitForWork): no lost wake-up.
        for (Hub h : carriers) {
            if (h.wakeIfIdle()) {
                break;
            }
        }
        if (terminated) {
            abandonLateArrivals();
        }
    }

    @Override
    void patchedStarted(Fiber<?> f) {
        patchedLive.add(f);
        if (closing) {
            f.killAtStart();
        }
    }

    @Override
    void patchedEnded(Fiber<?> f) {
        patchedLive.remove(f);
    }

    /** A patched fiber may arm a timer on one carrier and disarm it on another: the group's timer thread keeps them. */
    @Override
    void armPatchedTimer(TimerTask task, long deadline) {
        patchedTimers.schedule(task, deadline);
    }

    @Override
    void disarmPatchedTimer(TimerTask task) {
        patchedTimers.cancel(task);
    }

    @Override
    void disarmPatchedTimerFromAnywhere(TimerTask task) {
        patchedTimers.cancel(task); // the timer thread's heap is locked: safe from any thread
    }

    // ---- for the carriers

    Object pollShared() {
        return shared.poll();
    }

    boolean sharedIsEmpty() {
        return shared.isEmpty();
    }

    /** How many new fibers an idle carrier takes from the shared queue at least, and how far it may lead. */
    static final int SHARED_HANDFUL = 32;

    /**
     * How many new fibers {@code carrier} may take from the shared queue now, {@code idle} if it
     * has nothing else to run. A busy carrier takes one while another carrier is idle: that one
     * takes the rest, and a new fiber never leaves the carrier it starts on, so one taken by a
     * busy carrier waits behind its work. Otherwise a carrier takes enough to bring it a handful
     * above the least loaded other carrier's count of started fibers, and at least a handful when
     * idle, one when busy: a burst of spawns then starts at once, shared out by load, instead of
     * a handful per pass of the loop. A lone carrier takes them all, as a hub runs what it
     * spawns. Racy reads: a heuristic only; every task taken runs on the carrier that took it.
     */
    int share(Hub carrier, boolean idle) {
        int least = Integer.MAX_VALUE;
        boolean otherIdle = false;
        for (Hub h : carriers) {
            if (h == null || h == carrier) {
                continue; // null: a carrier already runs while the group is still making the others
            }
            otherIdle |= h.isIdle();
            least = Math.min(least, h.liveFibersRacy());
        }
        if (!idle && otherIdle) {
            return 1;
        }
        if (least == Integer.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        return Math.max(idle ? SHARED_HANDFUL : 1, least - carrier.liveFibers() + SHARED_HANDFUL);
    }

    // ---- the deadlock watch

    /**
     * The quiet spell last checked: the newest of the carriers' {@code quietSince} then. One
     * check, so at most one report, per episode. Written by the checking carrier, which holds
     * {@link #checking}.
     */
    private volatile long checkedSpell = Long.MIN_VALUE;
    /** A carrier is checking: at most one at a time (see {@link #sleepWatchingForDeadlock}). */
    private volatile boolean checking;
    private static final java.lang.invoke.VarHandle CHECKING;

    static {
        try {
            CHECKING = java.lang.invoke.MethodHandles.lookup()
                    .findVarHandle(MultiCarrierScheduler.class, "checking", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Sleeps as {@code park()} does, for carrier {@code me}, which is about to sleep quiet (no
     * timer, no socket, nothing queued), watching for a deadlock of the whole group: a fiber
     * parked on one carrier may be woken by a fiber of another, so only a moment when every
     * carrier is quiet, the shared queue empty and no patched fiber's timer armed, can be one.
     *
     * <p>The carrier that finds every other one quiet (the last to go quiet; both, if two go
     * quiet at once: each marks itself with a volatile store before it reads the others, so at
     * least one of them sees the other) waits out the grace period and checks, over every
     * carrier's live fibers and the patched ones. A carrier that finds another busy sleeps
     * without a limit: that one checks when it goes quiet. The others' live lists are read while
     * they are quiet, and the check reports only if no carrier's spell changed meanwhile. One
     * carrier checks at a time (the others' snapshots are dump requests it waits for); each
     * carrier snapshots its own fibers for the report.
     */
    void sleepWatchingForDeadlock(Hub me) {
        long now = System.nanoTime();
        me.markQuiet(now);
        boolean strict = strictAboutDeadlocks();
        long grace = deadlockGraceNanos();
        long spell = strict || grace > 0 ? quietSpell() : Long.MIN_VALUE;
        if (spell == Long.MIN_VALUE || spell == checkedSpell) {
            java.util.concurrent.locks.LockSupport.park(me);
            return;
        }
        long left = strict ? 0 : spell + grace - now;
        if (left > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(me, left);
            return;
        }
        java.util.List<Fiber<?>> live = new java.util.ArrayList<>();
        for (Hub h : carriers) { // all made: quietSpell saw each
            live.addAll(h.liveFibersInOrder());
        }
        live.addAll(patchedLive);
        if (live.isEmpty() || quietSpell() != spell || !CHECKING.compareAndSet(this, false, true)) {
            java.util.concurrent.locks.LockSupport.park(me); // nothing to report, someone moved, or another carrier checks
            return;
        }
        try {
            if (checkedSpell != spell) { // NOTE: one check per spell; two checkers would wait for each other's dump answer
                checkedSpell = spell;
                DeadlockReport.check(this, live, this::deadlockSnapshots, (now - spell) / 1_000_000);
            }
        } finally {
            checking = false;
        }
    }

    /**
     * The fibers' snapshots for a deadlock report, each carrier's taken by that carrier (a
     * frozen stack is walked only on its own carrier: the others answer a dump request, as for
     * {@link #dump}, which does not end their quiet spell; one that does not answer in time is
     * walked from here); the patched ones from here.
     */
    private java.util.List<FiberDump.FiberSnapshot> deadlockSnapshots() {
        java.util.List<FiberDump.FiberSnapshot> all = new java.util.ArrayList<>();
        for (Hub h : carriers) {
            FiberDump.CarrierSnapshot c = h.carrierSnapshot();
            // NOTE: a carrier that did not answer within the dump's second (a loaded machine, a
            // cold JIT) is still quiet: its fibers are walked from here rather than left out
            all.addAll(c.answered() ? c.fibers() : FiberDump.ofAll(h.liveFibersInOrder()));
        }
        all.addAll(FiberDump.ofAll(new java.util.ArrayList<>(patchedLive)));
        return all;
    }

    /**
     * The newest {@code quietSince} of the carriers if every one is quiet with an empty inbox,
     * the shared queue is empty and no patched fiber's timer is armed; else Long.MIN_VALUE.
     */
    private long quietSpell() {
        TimerThread timers = patchedTimers;
        if (timers == null) {
            return Long.MIN_VALUE; // still in the constructor: the carriers start as they are made
        }
        long newest = Long.MIN_VALUE;
        for (Hub h : carriers) {
            if (h == null) {
                return Long.MIN_VALUE;
            }
            long q = h.quietSinceFromAnywhere();
            if (Hub.isBusy(q) || !h.inboxIsEmpty()) {
                return Long.MIN_VALUE;
            }
            newest = Math.max(newest, q);
        }
        return shared.isEmpty() && timers.size() == 0 ? newest : Long.MIN_VALUE;
    }

    /** Whether a closing carrier may stop: nothing shared is left to run or to kill. */
    boolean drained() {
        return shared.isEmpty() && patchedLive.isEmpty();
    }

    /** Started fibers that have not ended. Only exact once the scheduler is closed. */
    int liveFibers() {
        int n = patchedLive.size();
        for (Hub h : carriers) {
            n += h.liveFibers();
        }
        return n;
    }

    /** Timers armed now. Only exact once the scheduler is closed. */
    int pendingTimers() {
        int n = patchedTimers.size();
        for (Hub h : carriers) {
            n += h.pendingTimers();
        }
        return n;
    }

    @Override
    String name() {
        return name;
    }

    @Override
    int liveFibersRacy() {
        int n = patchedLive.size();
        for (Hub h : carriers) {
            n += h.liveFibersRacy();
        }
        return n;
    }

    @Override
    int runnableRacy() {
        int n = shared.size();
        for (Hub h : carriers) {
            n += h.runnableRacy();
        }
        return n;
    }

    @Override
    int timersRacy() {
        int n = patchedTimers.size();
        for (Hub h : carriers) {
            n += h.timersRacy();
        }
        return n;
    }

    @Override
    FiberDump.SchedulerSnapshot snapshot() {
        java.util.List<FiberDump.CarrierSnapshot> cs = new java.util.ArrayList<>(carriers.length);
        for (Hub h : carriers) {
            cs.add(h.carrierSnapshot());
        }
        return new FiberDump.SchedulerSnapshot(toString(), cs, shared.size(),
                FiberDump.ofAll(new java.util.ArrayList<>(patchedLive))); // patched fibers: walkable from any thread
    }

    private void abandonLateArrivals() {
        for (Object task; (task = shared.poll()) != null; ) {
            if (task instanceof Fiber<?> f) {
                f.abandon();
            }
        }
    }

    // ---- closing

    @Override
    public void close() {
        requireNotOwnFiber("MultiCarrierScheduler.close()");
        if (terminated) {
            return;
        }
        closing = true;
        patchedLive.forEach(Fiber::kill);
        for (Hub h : carriers) {
            h.beginClose();
        }
        for (Hub h : carriers) {
            h.closeAndWait();
        }
        terminated = true;
        unregisterLive();
        abandonLateArrivals();
        abandonPendingPatched();
        patchedTimers.close();
    }

    @Override
    public boolean isClosed() {
        return closing;
    }

    @Override
    boolean isTerminated() {
        return terminated;
    }

    @Override
    public String toString() {
        return "MultiCarrierScheduler[" + name + ", " + carriers.length + " carriers]";
    }
}
