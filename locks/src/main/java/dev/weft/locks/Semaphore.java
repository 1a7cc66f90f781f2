package dev.weft.locks;

import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Strand;
import dev.weft.fibers.TimeoutExpired;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;

/**
 * A counting semaphore that is strictly fair: permits go to waiters in the order they
 * arrived, by hand-off. Fibers (on any Weft scheduler), platform threads and virtual threads
 * may wait on the same instance. gevent's {@code gevent.lock.Semaphore}, without its barging.
 *
 * <h2>Assumptions</h2>
 * <ol>
 *   <li>Strands wait through {@link Strand#park()}: a fiber suspends only itself, a thread
 *       blocks as a thread. {@link Strand#unpark()} never blocks, never switches and never
 *       throws.</li>
 *   <li>Like {@code java.util.concurrent.Semaphore}, permits are not owned: any strand may
 *       release, and the semaphore trusts it to release only what was acquired
 *       ({@link BoundedSemaphore} checks that).</li>
 * </ol>
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>FIFO hand-off, no barging.</b> A strand is <em>queued</em> once
 *       {@link #queueLength()} counts it. Queued strands are served in queue order, and
 *       {@link #release} hands the permits to the head of the queue directly: no
 *       {@link #tryAcquire()} and no later {@link #acquire()} can take a permit while a strand
 *       is queued. Two strands that start waiting at the same moment are queued in an
 *       unspecified order; one that is queued before another calls {@code acquire} is served
 *       first.</li>
 *   <li><b>Large requests are not starved.</b> An {@link #acquire(int) acquire(n)} at the head
 *       of the queue waits until {@code n} permits are free; smaller requests behind it wait
 *       too.</li>
 *   <li><b>Waking never switches.</b> {@code release} puts the woken strand on its scheduler's
 *       run queue (or unparks its thread) and returns; the releasing fiber keeps running.</li>
 *   <li><b>Leaving is clean.</b> A waiter that times out, is killed ({@link FiberExit}), has a
 *       {@link dev.weft.fibers.Timeout} expire ({@link TimeoutExpired}) or is interrupted (a
 *       thread, in the interruptible methods) gives up its place. If permits were handed to it
 *       at that same moment, a timed acquire returns {@code true} and keeps them, an
 *       interrupted one keeps them and returns with the interrupt status set (as
 *       {@code java.util.concurrent} does), and a killed or timed-out fiber passes them on. No
 *       permit is ever lost or duplicated.</li>
 *   <li><b>Memory effects.</b> Actions before a {@code release} happen-before the actions
 *       after an acquire that obtains one of its permits.</li>
 *   <li><b>Cost.</b> An uncontended acquire or release is one CAS and allocates nothing. A
 *       blocked acquire allocates one {@link Waiter} node (the wait queue itself is created
 *       on first contention). Acquire and release are lock-free apart from the waiting itself.
 *       Strands that gave up leave no memory behind them beyond a bounded few: the queue
 *       holds at most about twice as many nodes as there are live waiters, plus 16.</li>
 * </ol>
 *
 * <h2>Differences from {@code java.util.concurrent.Semaphore}</h2>
 * It is always fair, and {@code tryAcquire()} is fair too (the JDK's barges). A thread's
 * interrupt is looked at only when it has to wait: an interrupted thread that finds a free
 * permit takes it. Fibers are never interrupted; they are killed. The initial count must not be
 * negative, and the count never exceeds {@link Integer#MAX_VALUE} (a release that would make it
 * do so throws).
 *
 * <h2>Design</h2>
 * All state is one {@code long}, changed by CAS or atomic add:
 * <pre>
 *   state = permits &lt;&lt; 32 | waiters
 *   permits: free permits, 0..Integer.MAX_VALUE (never negative)
 *   waiters: live waiters: nodes counted before they turn WAITING, uncounted once they
 *            leave it (by the drainer after granting, or by their strand after cancelling)
 * </pre>
 * The fast paths read {@code state} and CAS it: acquire only if {@code waiters == 0} and enough
 * permits are free; release adds permits and, only if {@code waiters != 0}, drains the queue.
 * A strand that must wait links a {@link Waiter} in the {@link WaiterQueue}, counts it
 * ({@code waiters + 1}), marks it {@code WAITING}, and drains: whoever holds the drain token
 * serves the head while enough permits are free, deducting its permits <em>before</em>
 * granting it and its count after. A strand that gives up marks its node {@code CANCELLED},
 * uncounts it and drains; the queue unlinks cancelled nodes at the head, and compacts itself
 * when they outnumber the live ones behind a head that waits for long, so memory follows the
 * live waiters. {@code docs/locks.md} has the state diagram and the argument for each race.
 */
public sealed class Semaphore permits BoundedSemaphore {

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Semaphore.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How a waiter reacts to a thread interrupt, and to a fiber's kill or timeout. */
    static final int INTERRUPTIBLE = 0;
    /** Interrupts are remembered and re-asserted on return; kills and timeouts still end the wait. */
    static final int UNINTERRUPTIBLE = 1;
    /** Waits through everything; a kill or timeout that came meanwhile is thrown after acquiring. */
    static final int UNCANCELLABLE = 2;

    /** Packed permits and waiter count: see the class comment. */
    private volatile long state;
    /** Highest permit count; Integer.MAX_VALUE for a plain semaphore. */
    final int bound;
    private final WaiterQueue waiters = new WaiterQueue(this::serveHead, this::queueLength);
    private final Held releaseOne = this::release;

    /**
     * Creates a semaphore with {@code permits} free permits.
     *
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public Semaphore(int permits) {
        this(permits, Integer.MAX_VALUE);
    }

    Semaphore(int permits, int bound) {
        if (permits < 0) {
            throw new IllegalArgumentException("A semaphore's initial permits must not be negative, was " + permits
                    + ": start with 0 and release to add permits");
        }
        this.bound = bound;
        this.state = permitUnits(permits);
    }

    // ------------------------------------------------------------------ state word

    private static int permitsOf(long s) {
        return (int) (s >>> 32);
    }

    private static int waitersOf(long s) {
        return (int) s;
    }

    private static long permitUnits(int n) {
        return (long) n << 32;
    }

    private boolean casState(long expect, long update) {
        return STATE.compareAndSet(this, expect, update);
    }

    // ------------------------------------------------------------------ acquire

    /**
     * Takes a permit, waiting in line if none is free or others are waiting.
     *
     * @throws InterruptedException if the calling thread is interrupted while it waits (never
     *                              thrown in a fiber)
     * @throws FiberExit if the calling fiber is killed while it waits
     * @throws TimeoutExpired if a {@link dev.weft.fibers.Timeout} of the calling fiber expires
     *                        while it waits
     */
    public void acquire() throws InterruptedException {
        if (!tryAcquireFast(1)) {
            acquireWaiting(1, INTERRUPTIBLE);
        }
    }

    /**
     * Takes {@code n} permits at once, waiting in line (see the class guarantees): the
     * request holds back the ones queued after it until {@code n} are free.
     *
     * @throws IllegalArgumentException if {@code n} is negative, or more than a
     *                                  {@link BoundedSemaphore}'s bound
     * @throws InterruptedException as {@link #acquire()}
     */
    public void acquire(int n) throws InterruptedException {
        requireNonNegative(n, "acquire");
        if (!tryAcquireFast(n)) {
            acquireWaiting(n, INTERRUPTIBLE);
        }
    }

    /**
     * Like {@link #acquire()}, but a thread's interrupt does not end the wait; it stays set.
     * A fiber's kill or timeout still does.
     */
    public void acquireUninterruptibly() {
        if (!tryAcquireFast(1)) {
            acquireUninterruptiblySlow(1);
        }
    }

    /** Like {@link #acquire(int)}, but a thread's interrupt does not end the wait; it stays set. */
    public void acquireUninterruptibly(int n) {
        requireNonNegative(n, "acquire");
        if (!tryAcquireFast(n)) {
            acquireUninterruptiblySlow(n);
        }
    }

    /**
     * Takes a permit if one is free and nobody is queued; never waits.
     *
     * @return whether it took one
     */
    public boolean tryAcquire() {
        return tryAcquireFast(1);
    }

    /**
     * Takes {@code n} permits if they are free and nobody is queued; never waits.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public boolean tryAcquire(int n) {
        requireNonNegative(n, "tryAcquire");
        return tryAcquireFast(n);
    }

    /**
     * Takes a permit, waiting in line for at most {@code timeout}. A zero or negative timeout
     * does not wait (and does not barge either). gevent's {@code acquire(timeout=...)}.
     *
     * @return whether it took one; on {@code false} the count is as it was
     * @throws InterruptedException as {@link #acquire()}
     */
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        return tryAcquire(1, timeout);
    }

    /**
     * Takes {@code n} permits, waiting in line for at most {@code timeout}.
     *
     * @return whether it took them; on {@code false} the count is as it was
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws InterruptedException as {@link #acquire()}
     */
    public boolean tryAcquire(int n, Duration timeout) throws InterruptedException {
        requireNonNegative(n, "tryAcquire");
        long nanos = nanosOf(timeout);
        return tryAcquireFast(n) || acquireSlow(n, nanos, INTERRUPTIBLE);
    }

    /**
     * {@link #acquire()} for try-with-resources: the returned {@link Held} releases the permit.
     *
     * @throws InterruptedException as {@link #acquire()}
     */
    public Held hold() throws InterruptedException {
        acquire();
        return releaseOne;
    }

    /** {@link #acquireUninterruptibly()} for try-with-resources. */
    public Held holdUninterruptibly() {
        acquireUninterruptibly();
        return releaseOne;
    }

    /** The fast path: one CAS when uncontended; fails if anyone is queued (no barging). */
    private boolean tryAcquireFast(int n) {
        for (;;) {
            long s = state;
            if (waitersOf(s) != 0 || permitsOf(s) < n) {
                return false;
            }
            if (casState(s, s - permitUnits(n))) {
                return true;
            }
        }
    }

    private void acquireUninterruptiblySlow(int n) {
        try {
            acquireWaiting(n, UNINTERRUPTIBLE);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * The wait of {@link #acquire(int)} and {@link #acquireUninterruptibly(int)} (no deadline).
     * A fiber waits in {@link #awaitGrant}, whose frame is what stays in its stack chunk while
     * it is blocked; a thread (and any misuse) goes through {@link #acquireSlow}.
     */
    private void acquireWaiting(int n, int mode) throws InterruptedException {
        Strand me = Strand.current();
        if (me.isFiber() && n <= bound) {
            awaitGrant(me, n);
        } else {
            acquireSlow(n, -1L, mode);
        }
    }

    /**
     * A fiber's wait for {@code n} permits with no deadline: queues it and parks until it is
     * granted. A fiber has no interrupt to honour, so this is all of {@link #acquireSlow} that
     * such a wait needs, with only {@code this} and the node live across the park. Why a method
     * of its own: a blocked fiber's stack chunk keeps this frame, and a compiled frame is as
     * large as the most values its method keeps live across any call (see
     * {@link #enqueueHandle}); {@code acquireSlow}'s deadline, mode and interrupt state made
     * the semaphore variant of {@code ParkedMemory} read 422-526 B per fiber in five JVMs,
     * against 387-494 B through this method (docs/performance.md, issue 16).
     */
    private void awaitGrant(Strand me, int n) {
        Waiter w = new Waiter(me, n, Waiter.NEW);
        enqueueOutOfLine(w);
        while (!w.isGranted()) {
            try {
                Strand.park(this);
            } catch (Throwable t) { // FiberExit or TimeoutExpired, from the fiber's park
                leaveOrPassOn(w);
                throw t;
            }
        }
    }

    /**
     * Takes the waiting node {@code w} out of line because a kill or timeout ends its wait; if it
     * was granted at the same moment, passes the permits on instead.
     */
    private void leaveOrPassOn(Waiter w) {
        if (!cancelOutOfLine(w)) {
            release(w.permits);
        }
    }

    /**
     * Acquires through kills and timeouts (a condition waiter getting its lock back). If any
     * came while it waited, the first is thrown once the permits are held.
     */
    void acquireUncancellable(int n) {
        if (!tryAcquireFast(n)) {
            try {
                acquireSlow(n, -1L, UNCANCELLABLE);
            } catch (InterruptedException impossible) {
                throw new AssertionError(impossible);
            }
        }
    }

    /**
     * Queues the caller and waits for a hand-off.
     *
     * @param nanos how long to wait; negative: no limit; 0: do not queue
     * @return false if the time ran out (then the caller holds nothing)
     */
    private boolean acquireSlow(int n, long nanos, int mode) throws InterruptedException {
        if (n > bound) {
            throw new IllegalArgumentException("acquire(" + n + ") on " + this + " would wait forever: a "
                    + "BoundedSemaphore never has more than " + bound + " permits");
        }
        Strand me = Strand.current();
        boolean thread = !me.isFiber();
        if (thread && mode == INTERRUPTIBLE && Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos == 0) {
            return false;
        }
        long deadline = nanos > 0 ? Strand.nanoTime() + nanos : 0L;
        Waiter w = new Waiter(me, n, Waiter.NEW);
        enqueueOutOfLine(w);
        boolean interrupted = false;
        Throwable deferred = null;
        while (!w.isGranted()) {
            long left = 0L;
            if (nanos > 0 && (left = deadline - Strand.nanoTime()) <= 0) {
                if (cancelOutOfLine(w)) {
                    reassertInterrupt(interrupted);
                    return false;
                }
                break; // granted at the deadline: keep it
            }
            try {
                if (nanos < 0) {
                    Strand.park(this);
                } else {
                    Strand.parkNanos(this, left);
                }
            } catch (Throwable t) { // FiberExit or TimeoutExpired, from the fiber's park
                if (mode == UNCANCELLABLE) {
                    deferred = firstOf(deferred, t);
                    continue;
                }
                leaveOrPassOn(w);
                throw t;
            }
            if (thread && Thread.interrupted()) {
                if (mode == INTERRUPTIBLE && cancelOutOfLine(w)) {
                    throw new InterruptedException();
                }
                interrupted = true; // uninterruptible, or granted meanwhile: keep it set
            }
        }
        reassertInterrupt(interrupted);
        if (deferred != null) {
            throw Semaphore.<RuntimeException>sneaky(deferred);
        }
        return true;
    }

    /**
     * {@link #enqueue} and {@link #cancel}, called from {@link #acquireSlow} and {@link #awaitGrant} through these
     * handles so that the JIT never inlines them (with the drain of the wait queue) into the
     * waiting frame. Why: a compiled frame is as large as the most values its method keeps live
     * across any call, and the frame that parks stays in every blocked fiber's stack chunk. With
     * them inlined, C2 made that chunk 368-400 B for a fiber blocked in
     * {@code acquireUninterruptibly()}; out of line it is 232 B, against 216 B for a fiber in a
     * bare {@code Strand.park()} (measured with {@code jcmd GC.class_histogram} on 100,000 blocked
     * fibers, issue 16). A non-constant handle is the only way outside the JDK to say "do not
     * inline" (the JDK's own {@code @DontInline} is not open to us); it costs a few nanoseconds on
     * a path that is about to park anyway. {@code dev.weft.fibers.Fiber}'s completion does the same.
     */
    @SuppressWarnings("FieldMayBeFinal")
    private static MethodHandle enqueueHandle;
    @SuppressWarnings("FieldMayBeFinal")
    private static MethodHandle cancelHandle;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            enqueueHandle = lookup.findVirtual(Semaphore.class, "enqueue",
                    MethodType.methodType(void.class, Waiter.class));
            cancelHandle = lookup.findVirtual(Semaphore.class, "cancel",
                    MethodType.methodType(boolean.class, Waiter.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private void enqueueOutOfLine(Waiter w) {
        try {
            enqueueHandle.invokeExact(this, w);
        } catch (Throwable e) {
            throw Semaphore.<RuntimeException>sneaky(e); // enqueue throws nothing checked
        }
    }

    private boolean cancelOutOfLine(Waiter w) {
        try {
            return (boolean) cancelHandle.invokeExact(this, w);
        } catch (Throwable e) {
            throw Semaphore.<RuntimeException>sneaky(e); // cancel throws nothing checked
        }
    }


    /**
     * Links, counts and publishes {@code w} (NEW -> WAITING), then drains: on return it may
     * already be granted. Called by the waiting strand.
     */
    void enqueue(Waiter w) {
        waiters.offer(w);
        // NOTE: counted before it is marked WAITING, so a WAITING node is always counted and
        // the fast path stays shut while it is queued (no barging). Linked before counted, so
        // a strand that queueLength() counts is in the queue.
        STATE.getAndAdd(this, 1L);
        w.soWaiting();
        // NOTE: the release-before-enqueue race: permits released while w was not yet WAITING
        // found no one to serve (waiters was 0, or the head was still NEW); this drain serves
        // them to w, or to whoever is ahead of it.
        waiters.drain();
    }

    /**
     * WAITING -> CANCELLED, then uncounts the node and drains (the node may be the head holding
     * others back, or make a compaction of the queue due).
     */
    private boolean cancel(Waiter w) {
        if (!w.casCancelled()) {
            return false;
        }
        // NOTE: uncounted by its own strand, once it is no longer WAITING: a node is counted
        // from before it is WAITING until it leaves WAITING, so queueLength() counts live
        // waiters only, and the count drops exactly once per node (here, or by the drainer
        // after granting it).
        STATE.getAndAdd(this, -1L);
        waiters.cancelled();
        return true;
    }

    /**
     * The drainer's decision about the head of the queue ({@link WaiterQueue.HeadServer}).
     * Only the drainer calls this, so no other strand deducts permits for waiters meanwhile,
     * and the fast path cannot take any while the head is WAITING (it is counted).
     */
    private boolean serveHead(Waiter head) {
        int st = head.lvState();
        if (st == Waiter.NEW) {
            return false; // its strand is about to count it and then drains itself
        }
        if (st == Waiter.CANCELLED) {
            return true; // its strand uncounted it
        }
        int n = head.permits;
        if (permitsOf(state) < n) {
            return false; // FIFO: everyone behind the head waits too
        }
        // NOTE: deduct the permits before granting, so the granted strand never sees its own
        // permits still in the count (a BoundedSemaphore would then reject its release as an
        // over-release); uncount the node only once the grant won, since a strand that
        // cancels first uncounts it itself. Until then the fast path stays shut a moment
        // longer, never shorter.
        STATE.getAndAdd(this, -permitUnits(n));
        if (head.casGranted()) {
            STATE.getAndAdd(this, -1L); // NOTE: the queue wakes its strand once it gave the drain token back
        } else {
            STATE.getAndAdd(this, permitUnits(n)); // it cancelled meanwhile: the permits go back
        }
        return true;
    }

    // ------------------------------------------------------------------ release

    /**
     * Returns a permit: hands it to the longest waiter if there is one (which then runs when
     * its scheduler gets to it), else makes it free. Never blocks, never switches.
     *
     * @throws IllegalStateException if the count would exceed its limit (a
     *                               {@link BoundedSemaphore}'s bound, else
     *                               {@link Integer#MAX_VALUE}); the count is then unchanged
     */
    public void release() {
        releaseFast(1);
    }

    /**
     * Returns {@code n} permits; see {@link #release()}.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException as {@link #release()}
     */
    public void release(int n) {
        requireNonNegative(n, "release");
        releaseFast(n);
    }

    private void releaseFast(int n) {
        long s;
        do {
            s = state;
            if ((long) permitsOf(s) + n > bound) {
                throw overRelease(permitsOf(s), n);
            }
        } while (!casState(s, s + permitUnits(n)));
        if (waitersOf(s) != 0) {
            waiters.drain();
        }
    }

    private IllegalStateException overRelease(int free, int n) {
        if (bound == Integer.MAX_VALUE) {
            return new IllegalStateException("release(" + n + ") would raise the permit count of " + this
                    + " above Integer.MAX_VALUE: release only what was acquired; the count is unchanged");
        }
        return new IllegalStateException("BoundedSemaphore released more times than acquired (bound " + bound
                + ", " + free + " free, release(" + n + ")): a BoundedSemaphore guards against double release; "
                + "the count is unchanged. Release each permit once, after acquiring it.");
    }

    // ------------------------------------------------------------------ inspection

    /** Free permits now (0 while waiters are being served). For monitoring and tests. */
    public int availablePermits() {
        return permitsOf(state);
    }

    /**
     * Strands queued now: counted from the moment they are linked in the queue until they are
     * served or give up (time out, are killed or interrupted). An estimate under concurrency;
     * for monitoring and tests.
     */
    public int queueLength() {
        return waitersOf(state);
    }

    /** Wait nodes linked now, cancelled ones included; for tests (see {@link WaiterQueue#linkedNodes()}). */
    int linkedNodes() {
        return waiters.linkedNodes();
    }

    @Override
    public String toString() {
        long s = state;
        return getClass().getSimpleName() + "[permits=" + permitsOf(s) + ", queued=" + waitersOf(s) + "]";
    }

    // ------------------------------------------------------------------ helpers

    static void requireNonNegative(int n, String what) {
        if (n < 0) {
            throw new IllegalArgumentException(what + "(" + n + "): the number of permits must not be negative");
        }
    }

    /** A timeout in nanoseconds: 0 for zero or negative, saturated at Long.MAX_VALUE. */
    static long nanosOf(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            return 0L;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    private static void reassertInterrupt(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static Throwable firstOf(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
