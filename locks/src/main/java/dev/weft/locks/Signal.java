package dev.weft.locks;

import dev.weft.fibers.internal.sync.SpinLock;
import dev.weft.fibers.Strand;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;

/**
 * The wait machinery of {@link Event} and {@link AsyncResult}: a flag, and the FIFO of strands
 * and callbacks (<em>links</em>) waiting for it to be raised. {@link #raise()} takes every
 * link queued at that moment and wakes them in the order they were queued, without switching.
 *
 * <h2>Design</h2>
 * A small spin lock guards the flag's rise and the list of links; nobody parks or runs a callback
 * while holding it. A raise swaps the list out under the lock and wakes its nodes outside
 * it: a strand's node by the {@link Waiter} CAS {@code WAITING -> GRANTED}, then an unpark.
 * A strand that gives up (time out, kill, {@code Timeout}, interrupt) first tries to remove its
 * node under the lock:
 * <pre>
 *   node still linked      no raise took it: the strand leaves, the wait failed
 *   node no longer linked  a raise took it during the wait: the wait succeeded (gevent P8),
 *                          even if the flag was lowered since and the CAS is still to come
 * </pre>
 * so "raised at any time during the wait" is decided exactly, also across threads. The strand
 * then CASes its node {@code WAITING -> CANCELLED} so that a raise still under way skips it; a
 * strand that loses that CAS was woken, and counts itself out of {@link #notifying()}.
 *
 * <p>{@code notifying} counts the strands a raise woke that have not run yet: {@link Event}
 * uses it to make a strand that arrives meanwhile wait its turn (gevent #1520).
 */
final class Signal {
    private static final VarHandle NOTIFYING;

    static {
        try {
            NOTIFYING = MethodHandles.lookup().findVarHandle(Signal.class, "notifying", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Guards the rise of {@link #raised} and {@link #links}. */
    private final SpinLock lock = new SpinLock();
    private volatile boolean raised;
    /** Waiters and Runnables queued since the last raise, oldest first; null when none. Guarded by lock. */
    private ArrayDeque<Object> links;
    /** Strands granted by a raise that have not returned from their wait yet. */
    private volatile int notifying;

    boolean isRaised() {
        return raised;
    }

    /** Strands woken by a raise that have not run yet. An estimate under concurrency. */
    int notifying() {
        return notifying;
    }

    /**
     * Raises the flag and wakes every link queued now, in queue order. Never blocks, never
     * switches; callbacks run in the caller.
     *
     * @return false if the flag was already up (nothing is queued then)
     */
    boolean raise() {
        ArrayDeque<Object> woken;
        lock.lock();
        try {
            if (raised) {
                return false;
            }
            raised = true;
            woken = links;
            links = null;
        } finally {
            lock.unlock();
        }
        if (woken != null) {
            for (Object link : woken) {
                if (link instanceof Waiter w) {
                    // NOTE: counted before the grant, so the woken strand never counts itself
                    // out before it was counted in.
                    NOTIFYING.getAndAdd(this, 1);
                    if (w.casGranted()) {
                        w.strand.unpark();
                    } else {
                        NOTIFYING.getAndAdd(this, -1); // it gave up meanwhile
                    }
                } else {
                    ((Runnable) link).run();
                }
            }
        }
        return true;
    }

    /** Lowers the flag (Event.clear). Strands already woken stay woken. */
    void lower() {
        raised = false;
    }

    /**
     * Queues {@code callback} to run at the next raise, or runs it now if the flag is up.
     *
     * @return the link to pass to {@link #unlink}, or null if it ran now
     */
    Object link(Runnable callback) {
        lock.lock();
        try {
            if (!raised) {
                return queue(callback);
            }
        } finally {
            lock.unlock();
        }
        callback.run();
        return null;
    }

    /** Removes a link made by {@link #link} that has not run; nothing if it ran or is running. */
    void unlink(Object link) {
        if (link != null) {
            lock.lock();
            try {
                remove(link);
            } finally {
                lock.unlock();
            }
        }
    }

    private Object queue(Object link) {
        if (links == null) {
            links = new ArrayDeque<>(4);
        }
        links.addLast(link);
        return link;
    }

    private boolean remove(Object link) {
        return links != null && links.removeFirstOccurrence(link);
    }

    /**
     * Waits until the flag is raised.
     *
     * @param blocker what the strand waits on, for dumps: the Event or AsyncResult
     * @param nanos negative: no limit; 0: do not wait
     * @return true if the flag was up on entry or raised during the wait; false if the time ran out
     * @throws InterruptedException if the calling thread is interrupted (the flag was not raised)
     */
    boolean await(Object blocker, long nanos) throws InterruptedException {
        if (raised) {
            return true;
        }
        Strand me = Strand.current();
        boolean thread = !me.isFiber();
        if (thread && Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos == 0) {
            return false;
        }
        Waiter w = new Waiter(me, 0, Waiter.WAITING);
        lock.lock();
        try {
            if (raised) {
                return true;
            }
            queue(w);
        } finally {
            lock.unlock();
        }
        long deadline = nanos > 0 ? Strand.nanoTime() + nanos : 0L;
        while (!w.isGranted()) {
            long left = 0L;
            if (nanos > 0 && (left = deadline - Strand.nanoTime()) <= 0) {
                return leave(w);
            }
            try {
                if (nanos < 0) {
                    Strand.park(blocker);
                } else {
                    Strand.parkNanos(blocker, left);
                }
            } catch (Throwable t) { // FiberExit or TimeoutExpired, from the fiber's park
                leave(w);
                throw t;
            }
            if (thread && Thread.interrupted()) {
                if (!leave(w)) {
                    throw new InterruptedException();
                }
                Thread.currentThread().interrupt(); // raised meanwhile: the wait succeeded
                return true;
            }
        }
        NOTIFYING.getAndAdd(this, -1);
        return true;
    }

    /**
     * Ends the wait of {@code w} early (see the class comment).
     *
     * @return whether a raise took the node during the wait
     */
    private boolean leave(Waiter w) {
        boolean unlinked;
        lock.lock();
        try {
            unlinked = remove(w);
        } finally {
            lock.unlock();
        }
        if (!w.casCancelled()) {
            NOTIFYING.getAndAdd(this, -1); // granted: it counted this strand in
        }
        return !unlinked;
    }

    /** Links queued now (strands and callbacks); for tests. */
    int linked() {
        lock.lock();
        try {
            return links == null ? 0 : links.size();
        } finally {
            lock.unlock();
        }
    }
}
