package dev.weft.fibers;

import dev.weft.fibers.internal.carrier.CarrierThreads;
import dev.weft.fibers.internal.io.Poller;
import dev.weft.fibers.internal.timer.TimerTask;
import dev.weft.fibers.internal.timer.TimerWheel;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A scheduler with one carrier thread, a FIFO run queue and a timer wheel: gevent's hub.
 *
 * <h2>Guarantees (gevent's order, exactly)</h2>
 * <ol>
 *   <li>Fibers start in spawn order. A fiber spawned by a fiber of this hub first runs when
 *       its spawner yields or blocks.</li>
 *   <li>{@link Fiber#yieldNow()} sends the caller to the tail of the run queue: every fiber
 *       that was runnable runs once before the caller continues.</li>
 *   <li>Waking a fiber (unpark, release, kill, a join completing) appends it to the run queue
 *       and never switches away from the waker.</li>
 *   <li>Timers with equal deadlines fire in the order they were set. Expired timers are
 *       fired, and fibers woken from other threads are taken in, between batches: a batch
 *       runs every fiber that was runnable when it began, once.</li>
 *   <li>When nothing is runnable the carrier sleeps until the next timer, a wake-up from
 *       another thread or, once its fibers have waited for sockets, a socket's readiness; it
 *       does not spin.</li>
 * </ol>
 * <h2>I/O</h2>
 * The hub owns a readiness {@link Poller} (an NIO selector, opened on the first I/O wait of one
 * of its fibers). Once it has keys, the carrier polls it without blocking before each batch, so
 * a busy hub still takes in ready sockets, and sleeps in {@code select()} instead of
 * {@code park()} when idle, so a wake-up from another thread becomes a {@code Selector.wakeup()}.
 * A socket wait and its wake-up never leave the carrier thread.
 * Only fibers that reach a suspension point let others run: a fiber that computes, or
 * blocks its carrier (plain {@code Thread.sleep}, socket I/O, a {@code synchronized} block
 * another fiber of this hub holds, a pinned park), stops the whole hub meanwhile (see
 * {@link Monkey} for running such code cooperatively).
 *
 * <p>A {@link MultiCarrierScheduler} is made of hubs too: each of its carriers is a hub
 * that also takes new fibers from the group's shared queue.
 *
 * <h2>If the carrier's own loop fails</h2>
 * A fiber's body catches what it throws; the carrier's loop itself throws only through a bug in
 * Weft or an {@link Error} such as {@link OutOfMemoryError} in its own code. Then the hub stops,
 * loudly: one ERROR to the {@code dev.weft} {@link System.Logger}, every unfinished fiber of the
 * carrier ends failed with an {@link IllegalStateException} caused by the error (its joiners
 * wake; its {@code finally} blocks do not run, as its continuation never resumes; a patched
 * fiber's virtual thread likewise stays parked), and {@link #close()} returns. A group's other
 * carriers go on.
 */
public final class Hub extends Scheduler {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final int RUN_QUEUE_CAPACITY = 256;
    /** A run queue that grew beyond this is replaced once the carrier goes idle. */
    private static final int RUN_QUEUE_SHRINK_ABOVE = 1 << 14;

    private final Thread carrier;
    /**
     * The carrier's name while it carries this hub (a carrier may carry other hubs after this one
     * terminated), or {@code null} for a simulation's, whose name is its driver's.
     */
    private final String name;
    private final boolean permanent;
    /** The group this hub is a carrier of, or {@code null} for a hub of its own. */
    private final MultiCarrierScheduler group;
    /**
     * The simulation this hub is the carrier of, or {@code null}. Such a hub has no thread and
     * no loop of its own: the simulation's thread runs its fibers, and nothing may reach it from
     * another thread (see {@link #enqueue}).
     */
    final SimulatedScheduler simulation;
    /**
     * Fibers ready to run, in order, and turns of patched fibers' virtual threads (Runnables):
     * one queue, so both kinds keep one order. Only accessed by the carrier.
     */
    private ArrayDeque<Object> runQueue = new ArrayDeque<>(RUN_QUEUE_CAPACITY);
    /**
     * The longest run queue since it was last replaced. An ArrayDeque never shrinks, so after a
     * burst (10^6 fibers spawned at once) the idle carrier replaces it with a small one. Carrier only.
     */
    private int runQueuePeak;
    /** The same, made ready by other threads; the carrier is its single consumer until terminated. */
    private final MessagePassingQueue<Object> inbox = new MpscUnboundedVarHandleArrayQueue<>(256);
    /** Only accessed by the carrier. */
    private final TimerWheel timers = new TimerWheel();
    /** Started, unfinished fibers in start order: a list through Fiber.liveNext/livePrev. Carrier only. */
    private Fiber<?> liveHead;
    private Fiber<?> liveTail;
    private int liveCount;
    /** Whether close has killed every fiber. Carrier only. */
    private boolean killing;
    /**
     * The deadlock watch: when the carrier first went to sleep with fibers alive but no timer, no
     * socket and nothing queued; NOT_QUIET once a fiber or a task (other than a dump request) ran
     * since; CHECKED once this quiet spell was checked (one check, so one report, per episode).
     * Written by the carrier only; a group's carriers read each other's (see
     * {@link MultiCarrierScheduler#sleepWatchingForDeadlock}), so a change from or to NOT_QUIET is
     * a volatile store (rare: once per quiet spell), and the run loop reads it plainly first.
     */
    private long quietSince = NOT_QUIET;
    private static final long NOT_QUIET = Long.MIN_VALUE;
    private static final long CHECKED = Long.MAX_VALUE;

    /** The carrier is running fibers, or about to look at its queues one last time. */
    private static final int BUSY = 0;
    /** The carrier is asleep, or about to sleep, in {@code LockSupport.park}: wake it with unpark. */
    private static final int PARKED = 1;
    /** The carrier is asleep, or about to sleep, in its poller's {@code select}: wake it with wakeup. */
    private static final int POLLING = 2;
    /**
     * A carrier of a group is idle but still looks at its queues, for a short while, before it
     * parks: wake it by enqueuing only (it will see the task, or write PARKED before its last look).
     */
    private static final int SPINNING = 3;
    /** BUSY, PARKED, POLLING or SPINNING; written by the carrier only. */
    private volatile int sleep;
    /**
     * The carrier's readiness poller, made by the carrier when its loop starts. Other threads
     * read it only after reading {@code sleep == POLLING}, which the carrier wrote after it.
     */
    private Poller poller;
    private volatile boolean closing;
    /** The carrier has stopped: late arrivals in the inbox are abandoned under its lock. */
    private volatile boolean terminated;
    private final ConcurrentLinkedQueue<Strand> closeWaiters = new ConcurrentLinkedQueue<>();

    /*
     * Counters and the mounted task, for the watchdog and the dump. Written by the carrier only,
     * with opaque stores (plain on x86: no fence, no contended line, since no other thread
     * writes them); other threads read them with opaque loads: each value is one the carrier
     * wrote, recent but possibly not the latest, which is all a monitor or a metric needs.
     */
    private static final VarHandle SWITCHES;
    private static final VarHandle PARKS;
    private static final VarHandle UNPARKS;
    private static final VarHandle MOUNTED;
    private static final VarHandle QUIET_SINCE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SWITCHES = l.findVarHandle(Hub.class, "switches", long.class);
            PARKS = l.findVarHandle(Hub.class, "parks", long.class);
            UNPARKS = l.findVarHandle(Hub.class, "unparks", long.class);
            MOUNTED = l.findVarHandle(Hub.class, "mounted", Object.class);
            QUIET_SINCE = l.findVarHandle(Hub.class, "quietSince", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Tasks run from the run queue: plain fibers mounted, and turns of patched fibers' virtual threads. */
    private long switches;
    /** Plain fibers of this hub that suspended in a park. */
    private long parks;
    /** Parked plain fibers of this hub made runnable again (by an unpark, a kill, a timer). */
    private long unparks;
    /**
     * Why the last yield of a fiber of this hub was pinned, written by its continuation's
     * {@code onPinned} on the carrier and read by that fiber before it suspends again: while
     * a yield is pinned its fiber keeps the carrier, so no other fiber's yield can overwrite
     * it meanwhile. Carrier only. Here rather than in each continuation, where it cost every
     * fiber 8 bytes (issue 16).
     */
    Object pinnedReason;
    /** The task the carrier runs now, or {@code null} between batches (firing timers, polling, idle). */
    private Object mounted;
    /** The blocked-carrier watchdog's own notes on this carrier; touched by the watchdog thread only. */
    final CarrierWatchdog.Watch watch = new CarrierWatchdog.Watch();

    /**
     * Creates a hub and starts its carrier, a daemon thread named {@code weft-hub-N}: a carrier
     * left idle by a hub that closed within the keep-alive (see {@link #close()}), renamed, or a
     * new thread.
     */
    public Hub() {
        this("weft-hub-" + COUNT.incrementAndGet(), false);
    }

    /** Creates a hub whose carrier thread (a daemon, see {@link #Hub()}) has the given name. */
    public Hub(String name) {
        this(name, false);
    }

    Hub(String name, boolean permanent) {
        this(name, permanent, null);
    }

    /** A carrier of {@code group}. */
    Hub(String name, MultiCarrierScheduler group) {
        this(name, false, group);
    }

    private Hub(String name, boolean permanent, MultiCarrierScheduler group) {
        this.permanent = permanent;
        this.group = group;
        this.simulation = null;
        this.name = name;
        CarrierThreads.Carrier c = CarrierThreads.SHARED.take(name);
        this.carrier = c.thread(); // NOTE: before the loop can begin: the carrier reads it
        c.run(this::runLoop);
        if (group == null) {
            registerLive();
        }
    }

    /**
     * The carrier of {@code simulation}: its run queue, timer wheel and live list, driven by
     * {@code driver} (the thread in {@link SimulatedScheduler#invoke}) instead of a loop of its own.
     */
    Hub(SimulatedScheduler simulation, Thread driver) {
        this.permanent = false;
        this.group = null;
        this.simulation = simulation;
        this.carrier = driver;
        this.name = null; // the driver's own, whatever it is when asked
    }

    /**
     * The hub's carrier thread. Once the hub has closed, the thread may carry a hub opened later
     * (an idle carrier waits {@code -Dweft.carrierKeepAliveMillis}, 1 s by default, for one):
     * compare it with {@code Thread.currentThread()} only while this hub is open.
     */
    public Thread carrier() {
        return carrier;
    }

    /**
     * The scheduler this hub's fibers serve: its group, its simulation, or the hub itself. A
     * plain fiber keeps its home hub where it kept its scheduler ({@code Fiber.runsOn}).
     */
    Scheduler served() {
        return group != null ? group : simulation != null ? simulation : this;
    }

    private String carrierName() {
        return name != null ? name : carrier.getName();
    }

    // ---- Scheduler

    @Override
    void forEachCarrier(Consumer<? super Hub> action) {
        action.accept(this);
    }

    @Override
    long switchCount() {
        return (long) SWITCHES.getOpaque(this);
    }

    @Override
    long parkCount() {
        return (long) PARKS.getOpaque(this);
    }

    @Override
    long unparkCount() {
        return (long) UNPARKS.getOpaque(this);
    }

    /** Whether the carrier runs a task now rather than sleeping for want of work; any thread, racy. */
    boolean carrierBusy() {
        return sleep == BUSY;
    }

    /** The task the carrier runs now ({@code null}: its own loop); any thread, racy. */
    Object mountedTask() {
        return MOUNTED.getOpaque(this);
    }

    @Override
    void admitToCarrier(ContinuationFiber<?> f) {
        enqueue(f);
    }

    @Override
    void submitTask(Runnable virtualThreadTurn) {
        enqueue(virtualThreadTurn);
    }

    @Override
    void patchedStarted(Fiber<?> f) {
        onStart(f); // its virtual thread is mounted on this carrier: the live list is safe to touch
    }

    @Override
    void patchedEnded(Fiber<?> f) {
        onTerminate(f);
    }

    @Override
    void armPatchedTimer(TimerTask task, long deadline) {
        addTimer(task, deadline); // a patched fiber of a hub runs on its carrier only
    }

    @Override
    void disarmPatchedTimer(TimerTask task) {
        cancelTimer(task);
    }

    @Override
    void disarmPatchedTimerFromAnywhere(TimerTask task) {
        cancelTimerFromAnywhere(task);
    }

    // ---- the carrier's side, for Fiber and MultiCarrierScheduler

    /** Queues a fiber, or a patched fiber's turn, to run on this carrier. Never blocks. */
    void enqueue(Object task) {
        if (onCarrier()) {
            runQueue.addLast(task);
            return;
        }
        if (simulation != null) {
            throw simulation.touchedFromOutside(task);
        }
        inbox.offer(task);
        // NOTE: the offer is published before sleep is read; the carrier publishes sleep before
        // it looks at the inbox a last time. One of the two sees the other: no lost wake-up.
        if (terminated) {
            abandonLateArrivals();
        } else {
            wakeIfIdle();
        }
    }

    /**
     * Whether the caller runs on the carrier: the carrier thread itself, or a patched fiber's
     * virtual thread mounted on it (which, for the run queue, is the same thing).
     */
    private boolean onCarrier() {
        // NOTE: a carrier thread may carry another hub after this one terminated: on it, this
        // hub's queues are nobody's, and a late task goes to the inbox, where it is abandoned
        Thread t = Thread.currentThread();
        return (t == carrier || (t.isVirtual() && VirtualCarrierAccess.currentCarrier() == carrier)) && !terminated;
    }

    /** Queues a plain fiber of this hub that was woken from a park (it won PARKED -> RUNNABLE). */
    void enqueueUnparked(ContinuationFiber<?> f) {
        if (onCarrier()) {
            UNPARKS.setOpaque(this, unparks + 1); // one from another thread is counted when the carrier takes it in
            runQueue.addLast(f);
            return;
        }
        enqueue(f);
    }

    /** A plain fiber of this hub suspended in a park. Carrier only. */
    void countPark() {
        PARKS.setOpaque(this, parks + 1);
    }

    /** Whether the carrier is idle: spinning for work, or asleep. Racy; for the group. */
    boolean isIdle() {
        return sleep != BUSY;
    }

    /** Wakes the carrier if it sleeps for want of work; whether it did. For the group. */
    boolean wakeIfIdle() {
        switch (sleep) {
            case PARKED -> LockSupport.unpark(carrier);
            case POLLING -> poller.wakeup();
            case SPINNING -> { } // it looks at its queues before it sleeps
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Arms a timer. Carrier only. */
    void addTimer(TimerTask task, long deadline) {
        timers.add(task, deadline);
    }

    /** Disarms a timer. Carrier only. */
    void cancelTimer(TimerTask task) {
        timers.remove(task);
    }

    /** Disarms a timer from any thread: on the carrier at once, else as the carrier's next task. */
    void cancelTimerFromAnywhere(TimerTask task) {
        if (onCarrier()) {
            timers.remove(task);
        } else {
            enqueue((Runnable) () -> timers.remove(task));
        }
    }

    /** A fiber starts on this carrier. Carrier only. */
    void onStart(Fiber<?> f) {
        if (killing) {
            f.killAtStart(); // it was queued unseen by killEverything (a patched fiber's first turn, a shared fiber)
        }
        f.livePrev = liveTail;
        if (liveTail != null) {
            liveTail.liveNext = f;
        } else {
            liveHead = f;
        }
        liveTail = f;
        liveCount++;
        FlightEvents.fiberStarted(f);
    }

    /** A fiber started on this carrier has ended. Carrier only. */
    void onTerminate(Fiber<?> f) {
        if (f.livePrev != null) {
            f.livePrev.liveNext = f.liveNext;
        } else {
            liveHead = f.liveNext;
        }
        if (f.liveNext != null) {
            f.liveNext.livePrev = f.livePrev;
        } else {
            liveTail = f.livePrev;
        }
        f.liveNext = f.livePrev = null;
        liveCount--;
        FlightEvents.fiberEnded(f);
    }

    // ---- for a simulation's driver (the carrier thread of a hub made for a SimulatedScheduler)

    /** The first task queued, or {@code null}. Carrier only. */
    Object pollQueued() {
        return runQueue.pollFirst();
    }

    /**
     * The earliest timer deadline, or a time before it that is still after the last
     * {@link #fireTimers} (see {@link TimerWheel#nextWakeUp}); only while {@link #pendingTimers} is
     * not zero. Carrier only.
     */
    long nextTimerWakeUp() {
        return timers.nextWakeUp();
    }

    /** Fires every timer whose deadline is at or before {@code now}, in deadline-then-arming order. Carrier only. */
    void fireTimers(long now) {
        timers.fireExpired(now);
    }

    /** The first started, unfinished fiber (the others follow through {@code liveNext}). Carrier only. */
    Fiber<?> firstLive() {
        return liveHead;
    }

    /** Timers armed now. Carrier only: ask from a fiber of this hub (or after it stopped). */
    int pendingTimers() {
        return timers.size();
    }

    /** The longest run queue since it was last replaced. Carrier only: ask from a fiber of this hub. */
    int runQueuePeak() {
        return runQueuePeak;
    }

    /**
     * Waits, from a thread, up to {@code nanos} until the carrier has run everything queued now
     * (a turn of each queued fiber). For reports at exit: a stuck carrier only costs the wait.
     */
    void awaitQueuedTurns(long nanos) {
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        enqueue((Runnable) ran::countDown);
        try {
            ran.await(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Started fibers that have not ended, read from any thread: possibly stale, for a report only. */
    @Override
    int liveFibersRacy() {
        return liveCount;
    }

    @Override
    int runnableRacy() {
        return runQueue.size() + inbox.size();
    }

    @Override
    int timersRacy() {
        return timers.size();
    }

    @Override
    String name() {
        return carrierName();
    }

    /** Started fibers that have not ended. Carrier only: ask from a fiber of this hub (or after it stopped). */
    int liveFibers() {
        return liveCount;
    }

    // ---- the loop

    private void runLoop() {
        poller = Poller.forCarrier(this::wakeIfIdle);
        try {
            loop();
        } catch (Throwable t) {
            carrierFailed(t);
        }
        poller.close(); // every fiber has ended: no wait is left on it
        terminated = true;
        abandonLateArrivals();
        if (group == null) {
            abandonPendingPatched();
            unregisterLive();
        }
        for (Strand waiter; (waiter = closeWaiters.poll()) != null; ) {
            waiter.unpark();
        }
    }

    /** Runs fibers and tasks until closed and every fiber has ended. */
    private void loop() {
        for (;;) {
            drainInbox();
            if (group != null) {
                takeShared();
            }
            if (!timers.isEmpty()) {
                timers.fireExpired(System.nanoTime());
            }
            if (poller.hasWork()) {
                poller.pollNow(); // NOTE: also while busy, so that sockets are not starved by yielders
            }
            int batch = runQueue.size();
            if (batch > 0) {
                if (batch > runQueuePeak) {
                    runQueuePeak = batch;
                }
                do {
                    Object task = runQueue.pollFirst();
                    MOUNTED.setOpaque(this, task);
                    SWITCHES.setOpaque(this, switches + 1);
                    if (task instanceof ContinuationFiber<?> f) {
                        if (quietSince != NOT_QUIET) {
                            busyAgain();
                        }
                        f.runOnCarrier(this);
                    } else {
                        if (quietSince != NOT_QUIET && !(task instanceof DumpRequest)) {
                            busyAgain();
                        }
                        ((Runnable) task).run();
                    }
                } while (--batch > 0);
                MOUNTED.setOpaque(this, null); // NOTE: neither blames a fiber for the loop's own work nor keeps it reachable
                continue;
            }
            if (closing) {
                if (!killing) {
                    killing = true;
                    killEverything();
                    continue;
                }
                if (liveCount == 0 && inbox.isEmpty() && (group == null || group.drained())) {
                    break;
                }
            }
            waitForWork();
        }
    }

    /**
     * The loop threw: a bug in Weft, or an {@link Error} (out of memory, a stack overflow) in its
     * own code rather than in a fiber's body, which catches its own. The loop cannot go on (the
     * queues may be half-updated, a continuation half-run), so the hub stops, loudly: one ERROR to
     * the {@code dev.weft} logger, and every unfinished plain fiber of this carrier ends failed
     * with an {@link IllegalStateException} whose cause is the error, so that its joiners wake
     * (its {@code finally} blocks do not run: its continuation never resumes). The caller then
     * stops the carrier as a close does, so {@code close()} returns. Before this, the carrier's
     * thread ended and a group's {@code close()} waited for ever for the hub to stop (issue 16).
     * A patched fiber of the hub ends failed the same way; its virtual thread stays parked (only
     * this carrier could resume it), so its {@code finally} blocks do not run either. A group's
     * patched fibers are not this carrier's: their virtual threads go on on the other carriers.
     */
    private void carrierFailed(Throwable error) {
        closing = true;
        killing = true; // NOTE: a fiber spawned from now on is abandoned by abandonLateArrivals
        MOUNTED.setOpaque(this, null);
        String stopped = group == null ? "the hub stopped" : "this carrier stopped (the other carriers of " + group + " go on)";
        IllegalStateException ended = new IllegalStateException("The carrier of " + this
                + " failed inside Weft's own loop, not in a fiber; " + stopped
                + ", and this fiber ended unfinished (its finally blocks did not run)", error);
        System.getLogger("dev.weft").log(System.Logger.Level.ERROR, "The carrier of " + this
                + " failed inside Weft's own loop (please report it with this trace); " + stopped + " and its "
                + liveCount + " unfinished fibers ended failed", error);
        for (Fiber<?> f = liveHead; f != null; f = f.liveNext) {
            if (f instanceof ContinuationFiber<?> c) {
                c.endWithFailedCarrier(ended);
            } else {
                // NOTE: a patched fiber of this hub (a group's are not in a carrier's live list):
                // its virtual thread runs only on this carrier, so it never runs again and
                // cannot complete the fiber itself
                f.endUnfinished(ended);
            }
        }
        for (Object task; (task = runQueue.pollFirst()) != null; ) {
            if (task instanceof ContinuationFiber<?> c) {
                c.endWithFailedCarrier(ended);
            }
        }
        liveHead = liveTail = null;
        liveCount = 0;
    }

    private void drainInbox() {
        for (Object task; (task = inbox.relaxedPoll()) != null; ) {
            if (task instanceof ContinuationFiber<?> f && f.hasRun()) { // else new, from another thread
                UNPARKS.setOpaque(this, unparks + 1); // a started fiber arrives here only when woken from a park
            }
            accept(task);
        }
    }

    /**
     * Takes new work from the group, as many as {@link MultiCarrierScheduler#share} allows.
     * Taking a handful when idle and one per batch when busy, whatever the other carriers did,
     * started a burst of spawns at 32 fibers per pass of the loop while the first fibers' timers
     * made each pass longer (issue 16: in the timer storm the last of 10,000 fibers started
     * 15 ms after the first on a one-carrier group, against 4 ms on a lone hub).
     */
    private void takeShared() {
        Object task = group.pollShared();
        if (task == null) {
            return; // NOTE: the usual pass: the other carriers' state is read only when there is work to share
        }
        int n = group.share(this, runQueue.isEmpty());
        do {
            accept(task);
        } while (--n > 0 && (task = group.pollShared()) != null);
    }

    private void accept(Object task) {
        if (killing && task instanceof Fiber<?> f) {
            f.kill();
        }
        runQueue.addLast(task);
    }

    /** Kills in start order, then the fibers that never started, in queue order. Carrier only. */
    void killEverything() {
        for (Fiber<?> f = liveHead; f != null; f = f.liveNext) {
            f.kill(); // a parked fiber is appended to the run queue, which is not being iterated here
        }
        for (Object task : runQueue) {
            if (task instanceof Fiber<?> f) {
                f.kill(); // queued fibers are not parked: this only marks them
            }
        }
    }

    /**
     * The {@code Fiber.waitClock()} as last read by this carrier or by the watchdog, or 0 while
     * the watchdog does not look at this hub. A park of one of its fibers is stamped with it
     * instead of reading {@code System.nanoTime()} (about 26 ns here, as much as the rest of a
     * park's cost above the raw floor, issue 16): the stamp only tells a dump how long the fiber
     * has waited, and a dump may then say up to this clock's age more. Its age is at most the
     * watchdog's look period (a quarter of the blocked-carrier threshold while a carrier works,
     * 25 ms by default) and is reset each time the carrier wakes from an idle wait. Written by the
     * carrier and the watchdog thread; read racily.
     */
    volatile int waitClock;

    private void waitForWork() {
        if (runQueuePeak > RUN_QUEUE_SHRINK_ABOVE) {
            runQueue = new ArrayDeque<>(RUN_QUEUE_CAPACITY); // empty here: nothing is lost
            runQueuePeak = 0;
        }
        boolean polling = poller.hasKeys();
        if (group != null && !polling && IDLE_SPIN_NANOS > 0 && spinForWork()) {
            return; // NOTE: sleep is BUSY again
        }
        sleep = polling ? POLLING : PARKED;
        // NOTE: sleep is published before the queues are looked at (see enqueue, close and the group's wake-up)
        if (nothingQueued()) {
            boolean noTimer = timers.isEmpty();
            long wait = noTimer ? Long.MAX_VALUE : timers.nextWakeUp() - System.nanoTime();
            if (wait > 0) {
                if (polling) {
                    poller.poll(wait);
                } else if (noTimer) {
                    if (group != null) {
                        group.sleepWatchingForDeadlock(this);
                    } else if (liveCount > 0) {
                        parkWatchingForDeadlock();
                    } else {
                        LockSupport.park(this);
                    }
                } else {
                    LockSupport.parkNanos(this, wait);
                }
            }
        }
        sleep = BUSY;
        if (waitClock != 0) {
            waitClock = Fiber.waitClock(); // NOTE: the idle wait may have been long: the fibers it wakes stamp their next parks
        }
    }

    /**
     * How long an idle carrier of a group looks for work before it parks: 20 µs, or the system
     * property {@code weft.idleSpinNanos} (0 turns the spin off; for measurements). Why: in a
     * group, fibers keep their carrier, so a wake-up across carriers (a kill, an unpark, a
     * joiner woken by a fiber of the other carrier) is common, and a parked carrier takes a
     * futex wake-up and a reschedule to come back: 5-30 µs on the 2-vCPU machine of the report,
     * twice per kill + join of a fiber homed on the other carrier (10.0 µs per kill + join among
     * 10^6 sleepers without the spin, 1.4 µs with it: {@code MillionSleeping.multiCarrier}, A/B
     * with this property). A waker that sees SPINNING skips the unpark, so it saves the waker's
     * system call too. The cost is at most this much CPU each time a carrier runs out of work,
     * as {@code ForkJoinPool}'s and Go's idle workers spin before they sleep. A carrier with
     * sockets does not spin: its readiness comes only from its poller's {@code select}.
     */
    static final long IDLE_SPIN_NANOS = Long.getLong("weft.idleSpinNanos", 20_000);

    /** No task in the inbox or the group's shared queue, no close begun, no socket change pending: what an idle carrier looks at. */
    private boolean nothingQueued() {
        return inbox.isEmpty() && !closing && (group == null || group.sharedIsEmpty()) && !poller.hasChanges();
    }

    /**
     * Spins for up to {@link #IDLE_SPIN_NANOS} (at most until the next timer) looking for work,
     * before this carrier of a group parks; whether work came (then {@code sleep} is BUSY again,
     * else it stays SPINNING until waitForWork publishes PARKED and looks a last time).
     * Invariant: while SPINNING, every look at the queues comes after the store of SPINNING, so
     * an enqueue that read SPINNING (and so did not unpark) is seen here or by the last look.
     */
    private boolean spinForWork() {
        sleep = SPINNING;
        long deadline = System.nanoTime() + IDLE_SPIN_NANOS;
        long timer = timers.isEmpty() ? deadline : timers.nextWakeUp();
        if (timer - deadline < 0) {
            deadline = timer;
        }
        do {
            for (int i = 0; i < 64; i++) {
                if (!nothingQueued()) {
                    sleep = BUSY;
                    return true;
                }
                Thread.onSpinWait();
            }
        } while (System.nanoTime() - deadline < 0);
        return false;
    }

    /**
     * Sleeps as {@code park()} does, watching for a deadlock: the caller saw live fibers, no
     * timer, no socket and empty queues, so each live fiber is parked (or a patched one is inside
     * a JDK call, which the check tells apart). Strict, the check runs at once; else once the
     * grace period has passed without a batch. A check that finds a deadlock reports it (and, strict,
     * kills the invoking fibers, which then fill the run queue).
     */
    private void parkWatchingForDeadlock() {
        if (quietSince == CHECKED) {
            LockSupport.park(this);
            return;
        }
        long now = System.nanoTime();
        markQuiet(now);
        boolean strict = strictAboutDeadlocks();
        long grace = deadlockGraceNanos();
        if (!strict && grace == 0) { // the report is off: sleep as if it did not exist
            LockSupport.park(this);
            return;
        }
        long left = strict ? 0 : quietSince + grace - now;
        if (left > 0) {
            LockSupport.parkNanos(this, left);
            return;
        }
        long quietMillis = (now - quietSince) / 1_000_000;
        quietSince = CHECKED;
        DeadlockReport.check(this, liveFibersInOrder(), quietMillis);
    }

    /** A fiber or a task ran: the quiet spell is over. Carrier only. */
    private void busyAgain() {
        QUIET_SINCE.setVolatile(this, NOT_QUIET);
    }

    /**
     * The carrier goes to sleep quiet (no timer, no socket, nothing queued): the spell begins
     * now unless it began already. Carrier only.
     *
     * @return when the spell began, or CHECKED
     */
    long markQuiet(long now) {
        if (quietSince == NOT_QUIET) {
            QUIET_SINCE.setVolatile(this, now);
        }
        return quietSince;
    }

    /**
     * When this carrier's quiet spell began, or {@link #NOT_QUIET}: for a group's deadlock
     * watch, from any carrier of the group. A value read happens-after the carrier's writes
     * before it went quiet (its live list among them).
     */
    long quietSinceFromAnywhere() {
        return (long) QUIET_SINCE.getVolatile(this);
    }

    /** Whether the value of {@link #quietSinceFromAnywhere} means "busy". */
    static boolean isBusy(long quietSince) {
        return quietSince == NOT_QUIET;
    }

    /** Whether nothing waits in this carrier's inbox; from any thread. */
    boolean inboxIsEmpty() {
        return inbox.isEmpty();
    }

    /**
     * The started, unfinished fibers in start order. On the carrier; or, for a group's deadlock
     * watch, from another carrier while this one is quiet (then validated by re-reading
     * {@link #quietSinceFromAnywhere}).
     */
    java.util.List<Fiber<?>> liveFibersInOrder() {
        java.util.List<Fiber<?>> fibers = new java.util.ArrayList<>(liveCount);
        for (Fiber<?> f = liveHead; f != null; f = f.liveNext) {
            fibers.add(f);
        }
        return fibers;
    }

    // ---- dumps

    /** How long a dump waits for a carrier to answer before it shows the carrier's thread instead. */
    private static final long DUMP_ANSWER_NANOS = 1_000_000_000L;

    @Override
    FiberDump.SchedulerSnapshot snapshot() {
        return new FiberDump.SchedulerSnapshot(toString(), java.util.List.of(carrierSnapshot()), -1, java.util.List.of());
    }

    /** This carrier and its fibers: taken by the carrier between two turns (see {@link FiberDump}). */
    FiberDump.CarrierSnapshot carrierSnapshot() {
        if (onCarrier() || terminated) {
            return snapshotOnCarrier(); // a stopped carrier's fields are final: its last writes happened-before terminated
        }
        FiberDump.Answer answer = new FiberDump.Answer();
        enqueue(new DumpRequest(this, answer));
        FiberDump.CarrierSnapshot s = answer.await(DUMP_ANSWER_NANOS);
        if (s != null) {
            return s;
        }
        return new FiberDump.CarrierSnapshot(carrierName(), carrier.getState(), false, runQueue.size(),
                inbox.size(), -1, liveCount, false, carrier.getStackTrace(), java.util.List.of());
    }

    /** A dump request, run by the carrier between turns; not progress for the deadlock watch. */
    private record DumpRequest(Hub hub, FiberDump.Answer answer) implements Runnable {
        @Override
        public void run() {
            answer.give(hub.snapshotOnCarrier());
        }
    }

    private FiberDump.CarrierSnapshot snapshotOnCarrier() {
        return new FiberDump.CarrierSnapshot(carrierName(), null, true, runQueue.size(),
                inbox.size(), timers.size(), liveCount, poller != null && poller.hasKeys(), null,
                FiberDump.ofAll(liveFibersInOrder()));
    }

    /** After the carrier stopped: fibers spawned by racing threads never run. */
    private void abandonLateArrivals() {
        synchronized (inbox) { // NOTE: keeps the inbox single-consumer once the carrier is gone
            for (Object task; (task = inbox.poll()) != null; ) {
                if (task instanceof Fiber<?> f) {
                    f.abandon();
                }
                // a virtual thread's turn cannot arrive here: its fiber ended before the carrier stopped
            }
        }
    }

    // ---- closing

    /**
     * Kills every unfinished fiber, waits until all have ended, and stops the carrier: when this
     * returns, the carrier has left this hub's loop and runs none of its code again. The carrier
     * thread then waits, idle and named {@code weft-idle-carrier}, for up to
     * {@code -Dweft.carrierKeepAliveMillis} (1 s by default; 0: it ends at once) to carry the
     * next hub opened, so that opening a hub needs no new thread; after that it ends.
     *
     * @throws UnsupportedOperationException for the default hub, which lives as long as the JVM
     * @throws IllegalStateException if called from a fiber of this hub
     */
    @Override
    public void close() {
        if (permanent || group != null) {
            throw new UnsupportedOperationException(group != null ? "A carrier of " + group + " closes with it"
                    : "The default hub lives as long as the JVM and cannot be closed; "
                    + "spawn on a Hub of your own to control its lifetime");
        }
        requireNotOwnFiber("Hub.close()");
        closeAndWait();
    }

    /** Starts closing without waiting: the carrier kills its fibers and stops once they ended. */
    void beginClose() {
        closing = true;
        wakeIfIdle();
    }

    /** Starts closing and waits, as the current strand, until the carrier has stopped. */
    void closeAndWait() {
        if (terminated) {
            return;
        }
        closing = true;
        wakeIfIdle();
        if (Fiber.current() == null && awaitTerminatedSpinning()) {
            return;
        }
        // NOTE: the waiter is queued before terminated is read; the carrier writes terminated
        // before it drains the waiters. One of the two sees the other: no lost wake-up.
        closeWaiters.add(Strand.current());
        awaitUninterruptibly(this, () -> terminated);
    }

    /**
     * How long a thread that closes a hub looks for the carrier to stop before it parks: 20 µs
     * (as {@link #IDLE_SPIN_NANOS}). A hub with nothing left to kill stops in a few microseconds;
     * a parked closer must then be woken across CPUs, which on an idle machine (a halted virtual
     * CPU) costs 20–50 µs: opening and closing a hub took 40 µs instead of 8 (issue 16).
     */
    private static final long CLOSE_SPIN_NANOS = 20_000;

    /** Spins until the carrier stopped (true) or {@link #CLOSE_SPIN_NANOS} passed. Threads only: a fiber would stall its own carrier. */
    private boolean awaitTerminatedSpinning() {
        long deadline = System.nanoTime() + CLOSE_SPIN_NANOS;
        while (!terminated) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
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
        return "Hub[" + carrierName() + "]";
    }
}
