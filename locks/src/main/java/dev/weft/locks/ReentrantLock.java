package dev.weft.locks;

import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Strand;
import dev.weft.fibers.TimeoutExpired;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A strictly fair re-entrant mutual-exclusion lock owned by a {@link Strand}: a fiber or a
 * thread. gevent's {@code RLock}, as a {@link Lock}; fibers (on any Weft scheduler), platform
 * threads and virtual threads may contend for the same instance.
 *
 * <h2>Assumptions</h2>
 * <ol>
 *   <li>Each {@code lock} is paired with an {@code unlock} by the same strand, normally in a
 *       {@code finally} block (or use {@link #hold()}).</li>
 *   <li>Those of {@link Semaphore}: strands wait through {@link Strand#park()}.</li>
 * </ol>
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>Mutual exclusion and re-entry.</b> At most one strand holds the lock; the holder may
 *       lock it again, and must unlock it as many times.</li>
 *   <li><b>Ownership is checked.</b> {@link #unlock()} by a strand that does not hold the lock
 *       throws {@link IllegalMonitorStateException} and changes nothing (gevent raises
 *       {@code RuntimeError}).</li>
 *   <li><b>FIFO hand-off, no barging.</b> The lock passes to the longest waiter on the final
 *       unlock; {@link #tryLock()} fails while anyone is queued. A strand that unlocks and at
 *       once locks again goes to the back of the line (gevent's lets it barge ahead).</li>
 *   <li><b>Waking never switches</b>: the unlocking fiber keeps running; the next holder runs
 *       when its scheduler gets to it.</li>
 *   <li><b>Leaving is clean</b>, as for {@link Semaphore}: a waiter that times out, is killed,
 *       has a {@link dev.weft.fibers.Timeout} expire, or (in the interruptible methods) is
 *       interrupted, gives up its place; a lock handed to it at that moment is kept (timed,
 *       interrupted) or passed on (killed, timed out by a {@code Timeout}).</li>
 *   <li><b>Conditions</b> ({@link #newCondition()}) wake awaiters in the order they began to
 *       wait. An awaiter returns or throws (also when killed) only once it holds the lock again,
 *       with its hold count restored. An awaiter that was signalled but leaves with a kill or
 *       timeout passes the signal on to the next awaiter, so a signal is never lost.</li>
 *   <li><b>Memory effects</b> are those of {@link Lock}: an unlock happens-before the next
 *       lock that succeeds.</li>
 *   <li><b>Cost.</b> An uncontended lock or unlock is one CAS plus a look-up of the current
 *       strand, and allocates nothing; a blocked lock allocates one wait node.</li>
 * </ol>
 *
 * <h2>Differences from {@code java.util.concurrent.locks.ReentrantLock}</h2>
 * Always fair, including {@code tryLock()}. The owner is a strand, not a thread: two fibers
 * on the same carrier thread are different owners, and a fiber that blocks on this lock
 * suspends only itself. {@code lock()} of a fiber is ended by a kill (a thread's by nothing).
 */
public final class ReentrantLock implements Lock {
    private final Semaphore permit = new Semaphore(1);
    /**
     * The holder, or null. Written only by the holder: set after acquiring the permit, cleared
     * before releasing it. Read by any strand, but it can only ever read itself here while it
     * holds the lock, so a plain field suffices (the permit's CAS orders the writes).
     */
    private Strand owner;
    /** Re-entry depth. Only accessed by the holder. */
    private int holds;
    private final Held unlockOnce = this::unlock;

    /** Creates an unlocked lock. */
    public ReentrantLock() {}

    // ------------------------------------------------------------------ locking

    /**
     * Acquires the lock, waiting in line if another strand holds it. A thread's interrupt does
     * not end the wait (it stays set).
     *
     * @throws FiberExit if the calling fiber is killed while it waits
     * @throws TimeoutExpired if a {@link dev.weft.fibers.Timeout} of the calling fiber expires
     *                        while it waits
     * @throws IllegalStateException if the hold count would overflow
     */
    @Override
    public void lock() {
        Strand me = Strand.current();
        if (owner == me) {
            reenter();
            return;
        }
        permit.acquireUninterruptibly();
        own(me, 1);
    }

    /**
     * Like {@link #lock()}, but a waiting thread that is interrupted gives up.
     *
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        Strand me = Strand.current();
        if (owner == me) {
            reenter();
            return;
        }
        permit.acquire();
        own(me, 1);
    }

    /**
     * Acquires the lock if it is free and nobody is queued, or if the caller holds it.
     * Never waits.
     */
    @Override
    public boolean tryLock() {
        Strand me = Strand.current();
        if (owner == me) {
            reenter();
            return true;
        }
        if (!permit.tryAcquire()) {
            return false;
        }
        own(me, 1);
        return true;
    }

    /**
     * Acquires the lock, waiting in line for at most {@code timeout}.
     *
     * @return whether it was acquired
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    public boolean tryLock(Duration timeout) throws InterruptedException {
        Strand me = Strand.current();
        if (owner == me) {
            reenter();
            return true;
        }
        if (!permit.tryAcquire(timeout)) {
            return false;
        }
        own(me, 1);
        return true;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return tryLock(Duration.ofNanos(unit.toNanos(time)));
    }

    /**
     * {@link #lock()} for try-with-resources: the returned {@link Held} unlocks once.
     * <pre>{@code
     * try (Held h = lock.hold()) {
     *     counter++;
     * }
     * }</pre>
     */
    public Held hold() {
        lock();
        return unlockOnce;
    }

    /**
     * Releases one hold; the last one passes the lock to the longest waiter. Never blocks,
     * never switches.
     *
     * @throws IllegalMonitorStateException if the calling strand does not hold the lock
     */
    @Override
    public void unlock() {
        requireHeldBy(Strand.current(), "unlock()");
        if (--holds == 0) {
            owner = null;
            permit.release();
        }
    }

    private void reenter() {
        if (holds == Integer.MAX_VALUE) {
            throw new IllegalStateException(this + " was locked " + Integer.MAX_VALUE
                    + " times by its holder without unlocking: is an unlock missing from a loop?");
        }
        holds++;
    }

    private void own(Strand me, int depth) {
        owner = me;
        holds = depth;
    }

    private Strand requireHeldBy(Strand me, String what) {
        if (owner != me) {
            Strand holder = owner;
            throw new IllegalMonitorStateException(what + " was called by " + me.name() + ", which does not hold "
                    + this + (holder == null ? "" : " (held by " + holder.name() + ")")
                    + ": only the strand that locked it may unlock it or use its conditions; "
                    + "lock() first, and unlock() in a finally block of the same strand");
        }
        return me;
    }

    // ------------------------------------------------------------------ inspection

    /** Whether some strand holds the lock (or it is being handed to the next one). */
    public boolean isLocked() {
        return permit.availablePermits() == 0;
    }

    /** Whether the calling strand holds the lock. */
    public boolean isHeldByCurrentStrand() {
        return owner == Strand.current();
    }

    /** How many times the calling strand holds the lock (0 if it does not). */
    public int holdCount() {
        return owner == Strand.current() ? holds : 0;
    }

    /** Strands waiting for the lock now (see {@link Semaphore#queueLength()}). */
    public int queueLength() {
        return permit.queueLength();
    }

    /** Wait nodes linked now, cancelled ones included; for tests. */
    int linkedNodes() {
        return permit.linkedNodes();
    }

    /** Awaiter nodes linked in {@code condition} now (one of this lock's); for tests. */
    static int linkedAwaiters(Condition condition) {
        return ((FifoCondition) condition).awaiters.size();
    }

    @Override
    public String toString() {
        Strand holder = owner;
        return "ReentrantLock[" + (holder != null ? "held by " + holder.name() : isLocked() ? "locked" : "unlocked")
                + ", queued=" + queueLength() + "]";
    }

    // ------------------------------------------------------------------ conditions

    /**
     * A new condition of this lock: FIFO {@code await}/{@code signal}, usable by fibers and
     * threads alike (see the class guarantees).
     */
    @Override
    public Condition newCondition() {
        return new FifoCondition();
    }

    /**
     * A condition's wait queue: a plain deque, because every access happens while holding the
     * lock (await adds before releasing it, signal polls while holding it, an awaiter that gave
     * up removes its node after it has the lock back). Only the node states are raced on: a
     * signaller's WAITING -> GRANTED against an awaiter's WAITING -> CANCELLED (see
     * {@link Waiter}).
     */
    private final class FifoCondition implements Condition {
        private final ArrayDeque<Waiter> awaiters = new ArrayDeque<>();

        @Override
        public void await() throws InterruptedException {
            awaitFor(-1L, true);
        }

        @Override
        public void awaitUninterruptibly() {
            try {
                awaitFor(-1L, false);
            } catch (InterruptedException impossible) {
                throw new AssertionError(impossible);
            }
        }

        @Override
        public long awaitNanos(long nanosTimeout) throws InterruptedException {
            return awaitFor(Math.max(0L, nanosTimeout), true);
        }

        @Override
        public boolean await(long time, TimeUnit unit) throws InterruptedException {
            return awaitFor(Math.max(0L, unit.toNanos(time)), true) > 0;
        }

        @Override
        public boolean awaitUntil(Date deadline) throws InterruptedException {
            long millis = deadline.getTime() - System.currentTimeMillis();
            return awaitFor(Math.max(0L, TimeUnit.MILLISECONDS.toNanos(millis)), true) > 0;
        }

        /**
         * Releases every hold, waits for a signal (or the timeout, a kill, an interrupt), and
         * takes the lock back with the same hold count before returning or throwing.
         *
         * @param nanos negative: no limit
         * @return the time left (at most 0 if it timed out); 1 if there was no limit
         */
        private long awaitFor(long nanos, boolean interruptible) throws InterruptedException {
            Strand me = requireHeldBy(Strand.current(), "await()");
            boolean thread = !me.isFiber();
            if (interruptible && thread && Thread.interrupted()) {
                throw new InterruptedException();
            }
            Waiter w = new Waiter(me, 0, Waiter.WAITING);
            awaiters.addLast(w);
            int saved = holds;
            holds = 0;
            owner = null;
            permit.release();

            long deadline = nanos >= 0 ? Strand.nanoTime() + nanos : 0L;
            long left = 1L;
            boolean interrupted = false;
            Throwable failure = null;
            while (!w.isGranted()) {
                if (nanos >= 0 && (left = deadline - Strand.nanoTime()) <= 0) {
                    if (w.casCancelled()) {
                        break;
                    }
                    continue; // signalled at the deadline
                }
                try {
                    if (nanos < 0) {
                        Strand.park(this);
                    } else {
                        Strand.parkNanos(this, left);
                    }
                } catch (Throwable t) { // FiberExit or TimeoutExpired
                    failure = t;
                    w.casCancelled();
                    break;
                }
                if (thread && Thread.interrupted()) {
                    interrupted = true;
                    if (interruptible && w.casCancelled()) {
                        break;
                    }
                }
            }

            try {
                permit.acquireUncancellable(1);
            } catch (Throwable late) { // a kill or timeout that came while it waited for the lock
                failure = Semaphore.firstOf(failure, late);
            }
            own(me, saved);
            boolean cancelled = w.isCancelled();
            if (cancelled) {
                awaiters.remove(w);
            } else if (failure != null) {
                signal(); // signalled, but leaving with an error: the signal goes to the next awaiter
            }
            if (failure != null) {
                throw Semaphore.<RuntimeException>sneaky(failure);
            }
            if (interrupted) {
                if (interruptible && cancelled) {
                    throw new InterruptedException();
                }
                Thread.currentThread().interrupt();
            }
            if (nanos < 0) {
                return 1L;
            }
            return cancelled ? Math.min(0L, left) : Math.max(1L, deadline - Strand.nanoTime());
        }

        /**
         * Wakes the longest awaiter, if any. It returns from {@code await} once it has the lock
         * back, which is after the caller unlocks.
         *
         * @throws IllegalMonitorStateException if the caller does not hold the lock
         */
        @Override
        public void signal() {
            requireHeldBy(Strand.current(), "signal()");
            for (Waiter w; (w = awaiters.pollFirst()) != null; ) {
                if (w.casGranted()) {
                    w.strand.unpark();
                    return;
                }
            }
        }

        /** Wakes every awaiter, in the order they began to wait. */
        @Override
        public void signalAll() {
            requireHeldBy(Strand.current(), "signalAll()");
            for (Waiter w; (w = awaiters.pollFirst()) != null; ) {
                if (w.casGranted()) {
                    w.strand.unpark();
                }
            }
        }

        @Override
        public String toString() {
            return "Condition[of " + ReentrantLock.this + "]";
        }
    }
}
