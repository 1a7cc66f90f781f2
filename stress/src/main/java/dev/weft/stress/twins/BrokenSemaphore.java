package dev.weft.stress.twins;

import dev.weft.fibers.Strand;
import dev.weft.stress.shapes.Permits;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A small copy of {@code dev.weft.locks.Semaphore} (with its
 * {@code WaiterQueue} and {@code Waiter}) for fibers and threads, with exactly one step broken
 * on purpose, chosen by {@link Defect}. The twin tests run it in the same shape as the real
 * lock tests, to prove that those tests catch the defect.
 *
 * <p>What is copied, as in the real semaphore (correct version):
 * <pre>
 *   state = permits &lt;&lt; 32 | waiters          one long, CAS or atomic add
 *   acquire: fast path if waiters == 0; else link a node (NEW), count it, mark it WAITING, drain
 *   release: add permits; if waiters != 0, drain
 *   drain:   the strand that moves drainRequests from 0 serves the head while permits suffice
 *            (deduct permits, CAS the node WAITING -> GRANTED, uncount it, unpark), and
 *            gives the token back only when no request came meanwhile, else makes another pass
 *   cancel:  CAS WAITING -> CANCELLED, uncount the node, count it cancelled, drain; a strand
 *            that loses that CAS owns the grant: a timed acquire keeps it, a killed fiber
 *            releases it
 *   compact: a drain pass that finds at least COMPACT_AT cancelled nodes, and more than the
 *            live waiters, moves every node from the queue into the drainer's front deque,
 *            dropping the cancelled ones; front is served before the queue
 *   wait:    park until the node is GRANTED (a wake-up may be spurious, so re-check each time)
 * </pre>
 * The queue is a {@link ConcurrentLinkedDeque} used as a FIFO queue (any strand offers at the
 * tail, only the drainer peeks at the head and unlinks it). Strands wait through
 * {@link Strand#park()}.
 */
public final class BrokenSemaphore implements Permits {

    /** The one broken step. */
    public enum Defect {
        /**
         * The drainer serves the queue before the compacted front: strands that queue after a
         * compaction are served before those it moved.
         */
        COMPACTED_SERVED_LAST,
        /** The drainer gives the token back after one pass without re-checking for requests made meanwhile. */
        DRAIN_WITHOUT_RECHECK,
        /** A timed acquire that loses the race to cancel returns false and drops the permits handed to it. */
        CANCEL_DROPS_GRANT,
        /** A killed fiber that loses the race to cancel rethrows the kill and drops the permits handed to it. */
        KILL_DROPS_GRANT,
        /**
         * The drainer grants the head as soon as it is WAITING, without checking that a permit
         * is free (as if every drain followed a release): a queueing acquirer's own drain lets
         * it in while the holder still holds the permit.
         */
        GRANT_WITHOUT_PERMIT_CHECK,
        /** Waiters are pushed and served at the same end (a stack): a release serves the newest first. */
        WAIT_STACK,
        /**
         * A queued acquire parks once and returns, taking any wake-up for the hand-off: a
         * leftover unpark lets it return before the release it waits for.
         */
        PARK_ONCE
    }

    static final int NEW = 0;
    static final int WAITING = 1;
    static final int GRANTED = 2;
    static final int CANCELLED = 3;
    /** As {@code dev.weft.locks.WaiterQueue.COMPACT_AT}. */
    public static final int COMPACT_AT = 16;

    private static final VarHandle STATE;
    private static final VarHandle DRAIN_REQUESTS;
    private static final VarHandle NODE_STATE;
    private static final VarHandle CANCELLED_COUNT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(BrokenSemaphore.class, "state", long.class);
            DRAIN_REQUESTS = l.findVarHandle(BrokenSemaphore.class, "drainRequests", int.class);
            NODE_STATE = l.findVarHandle(Waiter.class, "state", int.class);
            CANCELLED_COUNT = l.findVarHandle(BrokenSemaphore.class, "cancelled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One waiting strand, as {@code dev.weft.locks.Waiter} (one permit per request here). */
    public static final class Waiter {
        final Strand strand = Strand.current();
        volatile int state = NEW;

        public boolean isGranted() {
            return state == GRANTED;
        }
    }

    private final Defect defect;
    private final ConcurrentLinkedDeque<Waiter> queue = new ConcurrentLinkedDeque<>();
    private volatile long state;
    private volatile int drainRequests;
    /** Cancelled nodes still linked (an estimate that decides when to compact). */
    private volatile int cancelled;
    /** Null, or the oldest waiters, moved out of the queue by a compaction. Drainer only. */
    private ArrayDeque<Waiter> front;

    public BrokenSemaphore(Defect defect, int permits) {
        this.defect = defect;
        this.state = (long) permits << 32;
    }

    public int availablePermits() {
        return (int) (state >>> 32);
    }

    public int queueLength() {
        return (int) state;
    }

    /** {@code tryAcquire()}: the fast path only (fails while anyone is queued). */
    public boolean tryAcquire() {
        return tryAcquireFast();
    }

    private boolean tryAcquireFast() {
        for (;;) {
            long s = state;
            if ((int) s != 0 || (int) (s >>> 32) < 1) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s - (1L << 32))) {
                return true;
            }
        }
    }

    /**
     * The steps of {@code acquire} up to its first park: the fast path, else link, count, mark
     * WAITING and drain.
     *
     * @return null if the fast path took a permit, else the queued node (maybe already granted)
     */
    public Waiter acquireUntilPark() {
        if (tryAcquireFast()) {
            return null;
        }
        Waiter w = new Waiter();
        if (defect == Defect.WAIT_STACK) {
            queue.offerFirst(w);                             // BROKEN: pushed where the drainer serves from
        } else {
            queue.offerLast(w);
        }
        STATE.getAndAdd(this, 1L);
        NODE_STATE.setRelease(w, WAITING);
        drain();
        return w;
    }

    /** {@code tryAcquire(timeout)}: queues and parks until granted or the deadline. */
    public boolean tryAcquire(long nanos) {
        long deadline = System.nanoTime() + nanos;
        Waiter w = acquireUntilPark();
        if (w == null) {
            return true;
        }
        while (!w.isGranted()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (defect == Defect.CANCEL_DROPS_GRANT) {
                    cancel(w);                               // BROKEN: if the grant won, its permit is dropped
                    return false;
                }
                if (cancel(w)) {
                    return false;
                }
                break; // granted at the deadline: keep it
            }
            Strand.parkNanos(left);
        }
        return true;
    }

    /** {@code acquireUninterruptibly()}: queues and parks until granted; a killed fiber leaves the queue. */
    public void acquire() {
        Waiter w = acquireUntilPark();
        if (w == null) {
            return;
        }
        if (defect == Defect.PARK_ONCE) {
            if (!w.isGranted()) {
                Strand.park();                               // BROKEN: any wake-up is taken for the hand-off
            }
            return;
        }
        while (!w.isGranted()) {
            try {
                Strand.park();
            } catch (Throwable t) { // FiberExit: the fiber was killed while it waited
                if (defect == Defect.KILL_DROPS_GRANT) {
                    cancel(w);                               // BROKEN: if the grant won, its permit is dropped
                    throw t;
                }
                if (!cancel(w)) {
                    release(); // granted at the same moment: pass the permit on
                }
                throw t;
            }
        }
    }

    public void release() {
        long s = (long) STATE.getAndAdd(this, 1L << 32);
        if ((int) s != 0) {
            drain();
        }
    }

    private boolean cancel(Waiter w) {
        if (!NODE_STATE.compareAndSet(w, WAITING, CANCELLED)) {
            return false;
        }
        STATE.getAndAdd(this, -1L);
        CANCELLED_COUNT.getAndAdd(this, 1);
        drain();
        return true;
    }

    private void drain() {
        if ((int) DRAIN_REQUESTS.getAndAdd(this, 1) != 0) {
            return; // the drainer owes one more pass (in the correct version it makes it)
        }
        int owed = 1;
        for (;;) {
            int c = cancelled;
            if (c >= COMPACT_AT && c > queueLength()) {
                compact();
            }
            if (defect == Defect.COMPACTED_SERVED_LAST) {
                if (serveQueue()) {
                    serveFront();                            // BROKEN: the compacted, older waiters come last
                }
            } else if (serveFront()) {
                serveQueue();
            }
            if (defect == Defect.DRAIN_WITHOUT_RECHECK) {
                DRAIN_REQUESTS.setVolatile(this, 0);         // BROKEN: requests made during the pass are dropped
                return;
            }
            owed = (int) DRAIN_REQUESTS.getAndAdd(this, -owed) - owed;
            if (owed == 0) {
                return;
            }
        }
    }

    /** Serves the heads of front; true if front is (now) empty. */
    private boolean serveFront() {
        ArrayDeque<Waiter> f = front;
        if (f == null) {
            return true;
        }
        for (Waiter head; (head = f.peekFirst()) != null && serveHead(head); ) {
            f.pollFirst();
        }
        if (f.isEmpty()) {
            front = null;
            return true;
        }
        return false;
    }

    /** Serves the heads of the queue; true if it is (now) empty. */
    private boolean serveQueue() {
        for (Waiter head; (head = queue.peekFirst()) != null; ) {
            if (!serveHead(head)) {
                return false;
            }
            queue.removeFirstOccurrence(head); // the served node, even if a WAIT_STACK push came in meanwhile
        }
        return true;
    }

    private void compact() {
        ArrayDeque<Waiter> kept = new ArrayDeque<>();
        int dropped = 0;
        if (front != null) {
            for (Waiter w : front) {
                if (w.state == CANCELLED) {
                    dropped++;
                } else {
                    kept.addLast(w);
                }
            }
        }
        for (Waiter w; (w = queue.pollFirst()) != null; ) {
            if (w.state == CANCELLED) {
                dropped++;
            } else {
                kept.addLast(w);
            }
        }
        front = kept.isEmpty() ? null : kept;
        CANCELLED_COUNT.getAndAdd(this, -dropped);
    }

    private boolean serveHead(Waiter head) {
        int st = head.state;
        if (st == NEW) {
            return false; // its thread is about to count it and then drains itself
        }
        if (st == CANCELLED) {
            CANCELLED_COUNT.getAndAdd(this, -1);
            return true; // its strand uncounted it
        }
        if ((int) (state >>> 32) < 1 && defect != Defect.GRANT_WITHOUT_PERMIT_CHECK) {
            return false;                                    // BROKEN (GRANT_WITHOUT_PERMIT_CHECK): granted anyway
        }
        STATE.getAndAdd(this, -(1L << 32));
        if (NODE_STATE.compareAndSet(head, WAITING, GRANTED)) {
            STATE.getAndAdd(this, -1L);
            head.strand.unpark();
        } else {
            STATE.getAndAdd(this, 1L << 32); // it cancelled meanwhile: the permit goes back
            CANCELLED_COUNT.getAndAdd(this, -1);
        }
        return true;
    }
}
