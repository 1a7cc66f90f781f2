package dev.weft.locks;

import java.time.Duration;

/**
 * A FIFO {@link Queue} that counts unfinished tasks: every item put raises the count, every
 * {@link #taskDone()} lowers it, and {@link #join()} waits until it is zero. gevent's
 * {@code JoinableQueue} (Python's {@code queue.Queue.task_done}/{@code join}).
 *
 * <h2>Guarantees</h2>
 * Those of {@link Queue}, and:
 * <ol>
 *   <li>The count rises when an item is accepted (stored, or handed to a taker), so an item
 *       counted is never "in flight" uncounted; a put that fails or is refused does not count.</li>
 *   <li>{@link #join()} returns once the count has been zero at some moment since it was called
 *       (or is zero on entry), like {@link Event#await()}; every {@code taskDone()} before that
 *       moment happens-before its return.</li>
 *   <li>Misuse fails loudly: a {@code taskDone()} with no unfinished task throws
 *       {@link IllegalStateException} and changes nothing (gevent raises {@code ValueError}).</li>
 * </ol>
 *
 * @param <E> the item type
 */
public final class JoinableQueue<E> extends Queue<E> {
    /** Items accepted and not yet marked done. Guarded by the queue's lock. */
    private long unfinished;
    /**
     * The event of the current busy period: set once {@code unfinished} falls to zero, and
     * replaced by a fresh one when it rises from zero again. Guarded by the queue's lock.
     *
     * <p>NOTE: a fresh event per busy period instead of one event cleared and set under the
     * lock: the set wakes the joiners, and nobody wakes a strand while holding the queue's lock
     * (see Queue's WAKE OUTSIDE). Set after the lock is released, the event of a period that
     * has ended already wakes only joiners that came during that period, and the count was
     * zero after they called: guarantee 2 holds.
     */
    private Event finished = new Event();

    /** An unbounded joinable queue. */
    public JoinableQueue() {
        super();
        finished.set();
    }

    /**
     * A joinable queue of at most {@code maxSize} items.
     *
     * @throws IllegalArgumentException if {@code maxSize} is not positive
     */
    public JoinableQueue(int maxSize) {
        super(maxSize);
        finished.set();
    }

    @Override
    void accepted() {
        if (unfinished++ == 0) {
            finished = new Event();
        }
    }

    /**
     * Marks one task taken from the queue as done; the last one wakes the joiners.
     *
     * @throws IllegalStateException if no task is unfinished
     */
    public void taskDone() {
        Event done;
        lock.lock();
        try {
            if (unfinished == 0) {
                done = null; // misuse: reported below, outside the lock (toString takes it)
            } else if (--unfinished == 0) {
                done = finished;
            } else {
                return;
            }
        } finally {
            lock.unlock();
        }
        if (done == null) {
            throw new IllegalStateException("taskDone() called more times than items were put in " + this
                    + ": call it once per item taken, after handling it");
        }
        done.set(); // outside the lock: see finished
    }

    /** Items put and not yet marked done (gevent's {@code unfinished_tasks}). */
    public long unfinishedTasks() {
        lock.lock();
        try {
            return unfinished;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every item put has been marked done.
     *
     * @throws InterruptedException if the calling thread is interrupted (never thrown in a fiber)
     */
    public void join() throws InterruptedException {
        currentPeriod().await();
    }

    /**
     * Waits at most {@code timeout} until every item put has been marked done.
     *
     * @return whether the count reached zero in time
     */
    public boolean join(Duration timeout) throws InterruptedException {
        return currentPeriod().await(timeout);
    }

    private Event currentPeriod() {
        lock.lock();
        try {
            return finished;
        } finally {
            lock.unlock();
        }
    }
}
