package dev.weft.locks;

import dev.weft.fibers.internal.sync.SpinLock;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Strand;
import dev.weft.fibers.TimeoutExpired;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A FIFO queue, bounded or unbounded, whose {@link #put} waits for room and whose
 * {@link #take} waits for an item. gevent's {@code gevent.queue.Queue}; fibers (on any Weft
 * scheduler), platform threads and virtual threads may put and take on the same instance.
 * {@link LifoQueue}, {@link PriorityQueue} and {@link JoinableQueue} are the same queue with
 * another order or task counting.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>FIFO service, no barging.</b> Blocked takers get items in the order they began to
 *       wait, and blocked putters get room in the order they began to wait. A non-blocking
 *       {@link #poll()} or {@link #offer(Object)} never overtakes a blocked strand: an item that
 *       arrives while takers wait is handed to the longest waiter, and room that appears while
 *       putters wait goes to the longest waiter (gevent lets a non-blocked {@code get()} take an
 *       item a woken getter was about to get).</li>
 *   <li><b>Back-pressure as gevent's {@code test_max_size}.</b> In a queue of {@code maxSize}
 *       items, a put finds room while fewer are stored; else it waits. A take from a full queue
 *       with putters waiting moves the oldest putter's item in at once and wakes that putter
 *       (gevent P11, P11b).</li>
 *   <li><b>Handing over never switches.</b> A put that serves a taker, and a take that makes
 *       room for a putter, wake it and return; it runs when its scheduler gets to it.</li>
 *   <li><b>A taker that leaves never loses an item.</b> A take that times out, is killed
 *       ({@link FiberExit}), has a {@link dev.weft.fibers.Timeout} expire
 *       ({@link TimeoutExpired}) or, as a thread, is interrupted gives up its place. If an item
 *       was handed to it at that very moment, a timed take returns it, an interrupted thread
 *       keeps it (its interrupt status stays set), and a killed or timed-out fiber hands it on
 *       to the next taker, or back to the head of the queue (gevent
 *       {@code test_waiters_that_cancel}, {@code test_two_waiters_one_dies}). Such an item may
 *       briefly make the queue hold one more than {@code maxSize}.</li>
 *   <li><b>A putter that leaves never duplicates an item.</b> A put that times out or is
 *       interrupted either returns having put it or leaves without it; a put killed as its item
 *       is accepted throws the kill, and the item is in the queue.</li>
 *   <li><b>Close drains.</b> After {@link #close()}, puts throw {@link QueueClosedException}
 *       (blocked putters too: their items are not put); takes return the items left, in order,
 *       and then throw {@link QueueClosedException}, as does every take after that. Iteration
 *       ends there. (An exception rather than a sentinel: items may be anything but
 *       {@code null}, and a forgotten check fails loudly.)</li>
 *   <li><b>Memory effects.</b> Actions before a put happen-before the return of the take that
 *       gets its item.</li>
 *   <li><b>Cost.</b> Every operation is one short critical section (a spin lock held only to
 *       move items and waiter nodes, never while anyone waits or runs user code: a Java
 *       monitor shared by patched and plain fibers could hang their carriers); a blocked
 *       put or take allocates one node. Monitoring methods take the same lock.</li>
 * </ol>
 *
 * <h2>Differences from {@code java.util.concurrent.BlockingQueue}</h2>
 * Strictly fair (as {@code ArrayBlockingQueue(n, true)} is not quite: its lock is fair but a
 * woken taker can lose the item to a {@code poll()}); a blocked fiber suspends only itself;
 * timed methods take a {@link Duration}; {@link #close()} is built in. Not a
 * {@link java.util.Collection}. {@code null} items are refused, since {@link #poll()} returns
 * {@code null} for "empty".
 *
 * @param <E> the item type
 */
public sealed class Queue<E> implements Iterable<E> permits LifoQueue, PriorityQueue, JoinableQueue {
    /**
     * Guards {@link #items}, {@link #getters}, {@link #putters} and the rise of {@link #closed}.
     * Nobody parks or runs user code while holding it.
     * <p>Invariants, whenever it is free: a getter is WAITING only while {@code items} is empty;
     * a putter is WAITING only while {@code items} holds {@code maxSize} or more.
     */
    final SpinLock lock = new SpinLock();
    private final int maxSize;
    /** The storage policy: FIFO, LIFO or priority order. */
    private final java.util.Queue<E> items;
    private final ArrayDeque<QueueWaiter<E>> getters = new ArrayDeque<>();
    private final ArrayDeque<QueueWaiter<E>> putters = new ArrayDeque<>();
    private volatile boolean closed;

    /** An unbounded queue: {@link #put} never waits. */
    public Queue() {
        this(Integer.MAX_VALUE, new ArrayDeque<>());
    }

    /**
     * A queue of at most {@code maxSize} items.
     *
     * @throws IllegalArgumentException if {@code maxSize} is not positive
     */
    public Queue(int maxSize) {
        this(checked(maxSize), new ArrayDeque<>());
    }

    Queue(int maxSize, java.util.Queue<E> items) {
        this.maxSize = maxSize;
        this.items = items;
    }

    static int checked(int maxSize) {
        if (maxSize <= 0) {
            throw new IllegalArgumentException("Queue maxSize must be positive, was " + maxSize
                    + ": use the no-argument constructor for an unbounded queue (gevent's Queue(None) or Queue(0))");
        }
        return maxSize;
    }

    /** Called under the lock each time an item is accepted into the queue (JoinableQueue counts it). */
    void accepted() {
    }

    // ------------------------------------------------------------------ put

    /**
     * Puts {@code item}, waiting in line for room if the queue is full.
     *
     * @throws QueueClosedException if the queue is closed, before or while it waits
     * @throws InterruptedException if the calling thread is interrupted (never thrown in a fiber)
     * @throws FiberExit if the calling fiber is killed while it waits (see guarantee 5)
     * @throws TimeoutExpired if a {@link dev.weft.fibers.Timeout} of the calling fiber expires
     */
    public void put(E item) throws InterruptedException {
        putItem(item, -1L);
    }

    /**
     * Puts {@code item} if there is room and no putter is waiting; never waits (gevent's
     * {@code put_nowait}, which raises {@code Full} where this returns false).
     *
     * @return whether it was put
     * @throws QueueClosedException if the queue is closed
     */
    public boolean offer(E item) {
        try {
            return putItem(item, 0L);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * Puts {@code item}, waiting in line for room for at most {@code timeout}; a zero or
     * negative timeout does not wait.
     *
     * @return whether it was put
     * @throws QueueClosedException as {@link #put}
     * @throws InterruptedException as {@link #put}
     */
    public boolean offer(E item, Duration timeout) throws InterruptedException {
        return putItem(item, Semaphore.nanosOf(timeout));
    }

    private boolean putItem(E item, long nanos) throws InterruptedException {
        Objects.requireNonNull(item, "a Queue refuses null items: poll() returns null for an empty queue");
        QueueWaiter<E> w = null;
        Strand wake;
        lock.lock();
        try {
            if (closed) {
                throw closed("put");
            }
            wake = handToGetter(item);
            if (wake != null || storeIfRoom(item)) {
                accepted();
            } else if (nanos == 0) {
                return false;
            } else {
                w = new QueueWaiter<>(current(), item);
                putters.addLast(w);
            }
        } finally {
            lock.unlock();
        }
        if (w == null) {
            if (wake != null) {
                wake.unpark(); // outside the lock: see WAKE OUTSIDE
            }
            return true;
        }
        return awaitPut(w, nanos);
    }

    /*
     * WAKE OUTSIDE: every unpark happens after the lock is released. An unpark can block
     * briefly (waking a carrier that sleeps in a selector takes the selector's lock), and a
     * patched fiber, a virtual thread, that blocks while it holds the lock is unmounted holding
     * it, while the carriers spin for it. A waiter's state was decided by CAS under the lock, so a
     * late unpark loses nothing: the waiter re-reads its state whenever it wakes.
     */

    /** Hands {@code item} to the longest live getter. Under the lock. @return its strand, to wake, or null */
    private Strand handToGetter(E item) {
        for (QueueWaiter<E> g; (g = getters.pollFirst()) != null; ) {
            if (g.casGranted(item)) {
                return g.strand;
            }
        }
        return null;
    }

    /** Stores {@code item} if there is room (then no putter waits: see the invariants). Under the lock. */
    private boolean storeIfRoom(E item) {
        if (items.size() < maxSize) {
            items.add(item);
            return true;
        }
        return false;
    }

    private boolean awaitPut(QueueWaiter<E> w, long nanos) throws InterruptedException {
        boolean thread = !w.strand.isFiber();
        long deadline = nanos > 0 ? Strand.nanoTime() + nanos : 0L;
        boolean interrupted = false;
        for (;;) {
            int s = w.lvState();
            if (s == QueueWaiter.GRANTED) {
                reassertInterrupt(interrupted);
                return true;
            }
            if (s == QueueWaiter.CLOSED) {
                reassertInterrupt(interrupted);
                throw closed("put");
            }
            long left = 0L;
            if (nanos > 0 && (left = deadline - Strand.nanoTime()) <= 0) {
                if (cancel(w, putters)) {
                    reassertInterrupt(interrupted);
                    return false;
                }
                continue; // accepted or closed at the deadline
            }
            try {
                park(nanos, left);
            } catch (Throwable t) { // FiberExit or TimeoutExpired, from the fiber's park
                cancel(w, putters); // if that fails, the item was accepted (guarantee 5) or refused
                throw t;
            }
            if (thread && Thread.interrupted()) {
                if (cancel(w, putters)) {
                    throw new InterruptedException();
                }
                interrupted = true; // accepted or closed meanwhile: report that, keep the interrupt
            }
        }
    }

    // ------------------------------------------------------------------ take

    /**
     * Takes the next item, waiting in line for one if the queue is empty.
     *
     * @throws QueueClosedException if the queue is closed and has no item left
     * @throws InterruptedException if the calling thread is interrupted (never thrown in a fiber)
     * @throws FiberExit if the calling fiber is killed while it waits (see guarantee 4)
     * @throws TimeoutExpired if a {@link dev.weft.fibers.Timeout} of the calling fiber expires
     */
    public E take() throws InterruptedException {
        return takeItem(-1L);
    }

    /**
     * Takes the next item if there is one; never waits (gevent's {@code get_nowait}, which
     * raises {@code Empty} where this returns null).
     *
     * @return the item, or {@code null} if the queue is empty
     * @throws QueueClosedException if the queue is closed and has no item left
     */
    public E poll() {
        try {
            return takeItem(0L);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * Takes the next item, waiting in line for at most {@code timeout}; a zero or negative
     * timeout does not wait.
     *
     * @return the item, or {@code null} if none came in time
     * @throws QueueClosedException as {@link #take()}
     * @throws InterruptedException as {@link #take()}
     */
    public E poll(Duration timeout) throws InterruptedException {
        return takeItem(Semaphore.nanosOf(timeout));
    }

    private E takeItem(long nanos) throws InterruptedException {
        QueueWaiter<E> w = null;
        Object wake = null;
        E taken;
        lock.lock();
        try {
            taken = items.poll();
            if (taken != null) {
                wake = admitPutters();
            } else if (closed) {
                throw closed("take");
            } else if (nanos == 0) {
                return null;
            } else {
                w = new QueueWaiter<>(current(), null);
                getters.addLast(w);
            }
        } finally {
            lock.unlock();
        }
        if (w == null) {
            wakeAll(wake); // outside the lock: see WAKE OUTSIDE
            return taken;
        }
        return awaitTake(w, nanos);
    }

    /**
     * Moves the items of the longest live putters in while there is room. Under the lock.
     *
     * @return the putters' strands to wake: null, a {@link Strand}, or a list of them (a take
     *         frees one slot, so more than one is rare)
     */
    private Object admitPutters() {
        Object wake = null;
        while (items.size() < maxSize) {
            QueueWaiter<E> p = putters.pollFirst();
            if (p == null) {
                break;
            }
            if (p.casAccepted()) {
                items.add(p.item);
                accepted();
                wake = addWake(wake, p.strand);
            }
        }
        return wake;
    }

    @SuppressWarnings("unchecked")
    private static Object addWake(Object wake, Strand s) {
        if (wake == null) {
            return s;
        }
        ArrayList<Strand> list;
        if (wake instanceof Strand first) {
            list = new ArrayList<>(4);
            list.add(first);
        } else {
            list = (ArrayList<Strand>) wake;
        }
        list.add(s);
        return list;
    }

    /** Unparks what {@link #addWake} gathered. Never under the lock. */
    @SuppressWarnings("unchecked")
    private static void wakeAll(Object wake) {
        if (wake instanceof Strand s) {
            s.unpark();
        } else if (wake != null) {
            for (Strand s : (ArrayList<Strand>) wake) {
                s.unpark();
            }
        }
    }

    private E awaitTake(QueueWaiter<E> w, long nanos) throws InterruptedException {
        boolean thread = !w.strand.isFiber();
        long deadline = nanos > 0 ? Strand.nanoTime() + nanos : 0L;
        boolean interrupted = false;
        for (;;) {
            int s = w.lvState();
            if (s == QueueWaiter.GRANTED) {
                reassertInterrupt(interrupted);
                return w.item;
            }
            if (s == QueueWaiter.CLOSED) {
                reassertInterrupt(interrupted);
                throw closed("take");
            }
            long left = 0L;
            if (nanos > 0 && (left = deadline - Strand.nanoTime()) <= 0) {
                if (cancel(w, getters)) {
                    reassertInterrupt(interrupted);
                    return null;
                }
                continue; // handed an item, or closed, at the deadline: report that
            }
            try {
                park(nanos, left);
            } catch (Throwable t) { // FiberExit or TimeoutExpired, from the fiber's park
                if (!cancel(w, getters) && w.lvState() == QueueWaiter.GRANTED) {
                    handOn(w.item); // handed over at the same moment: never lose it
                }
                throw t;
            }
            if (thread && Thread.interrupted()) {
                if (cancel(w, getters)) {
                    throw new InterruptedException();
                }
                interrupted = true; // handed an item meanwhile: keep it, keep the interrupt
            }
        }
    }

    /** Gives an item a leaving getter was handed to the next getter, or back to the head of the queue. */
    private void handOn(E item) {
        Strand wake;
        lock.lock();
        try {
            wake = handToGetter(item);
            if (wake == null) {
                if (items instanceof Deque<E> d) {
                    d.addFirst(item);
                } else {
                    items.add(item); // LIFO (its add is at the head) or priority order
                }
            }
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            wake.unpark(); // outside the lock: see WAKE OUTSIDE
        }
    }

    // ------------------------------------------------------------------ shared

    private static Strand current() {
        return Strand.current();
    }

    private void park(long nanos, long left) {
        if (nanos < 0) {
            Strand.park(this);
        } else {
            Strand.parkNanos(this, left);
        }
    }

    /** WAITING -> CANCELLED, then unlinks the node. @return false if it was served or closed first */
    private boolean cancel(QueueWaiter<E> w, ArrayDeque<QueueWaiter<E>> line) {
        if (!w.casCancelled()) {
            return false;
        }
        lock.lock();
        try {
            line.removeFirstOccurrence(w);
        } finally {
            lock.unlock();
        }
        return true;
    }

    private static void reassertInterrupt(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private QueueClosedException closed(String what) {
        return new QueueClosedException(what + " on a closed " + getClass().getSimpleName()
                + (what.equals("put") ? ": the item was not put" : " that has no item left")
                + "; stop " + (what.equals("put") ? "producing" : "consuming") + " when the queue is closed");
    }

    // ------------------------------------------------------------------ close

    /**
     * Closes the queue (gevent's {@code shutdown()}): puts fail from now on, and blocked
     * putters are woken with {@link QueueClosedException} (their items are not put); takers get
     * the items left and then {@link QueueClosedException}. Idempotent; never blocks.
     */
    public void close() {
        Object wake = null;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (QueueWaiter<E> g : getters) {
                if (g.casClosed()) {
                    wake = addWake(wake, g.strand);
                }
            }
            getters.clear();
            for (QueueWaiter<E> p : putters) {
                if (p.casClosed()) {
                    wake = addWake(wake, p.strand);
                }
            }
            putters.clear();
        } finally {
            lock.unlock();
        }
        wakeAll(wake); // outside the lock: see WAKE OUTSIDE
    }

    /** Whether {@link #close()} was called (items may remain to be taken). */
    public boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ inspection

    /** The next item {@link #poll()} would return, without taking it; null if empty. Never waits. */
    public E peek() {
        lock.lock();
        try {
            return items.peek();
        } finally {
            lock.unlock();
        }
    }

    /** Items stored now (gevent's {@code qsize()}); blocked putters' items are not counted. */
    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether no item is stored now. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** Whether a put would wait now (gevent's {@code full()}). */
    public boolean isFull() {
        return size() >= maxSize;
    }

    /** The bound given at construction, or {@link Integer#MAX_VALUE} if unbounded. */
    public int maxSize() {
        return maxSize;
    }

    /** Strands blocked in a take now (gevent's {@code getters}). For monitoring and tests. */
    public int waitingTakers() {
        return live(getters);
    }

    /** Strands blocked in a put now (gevent's {@code putters}). For monitoring and tests. */
    public int waitingPutters() {
        return live(putters);
    }

    private int live(ArrayDeque<QueueWaiter<E>> line) {
        lock.lock();
        try {
            int n = 0;
            for (QueueWaiter<E> w : line) {
                if (w.lvState() == QueueWaiter.WAITING) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes items until the queue is closed and drained (gevent's iteration). {@code hasNext()}
     * waits, and takes the item that {@code next()} then returns. In a thread that is
     * interrupted while it waits, {@code hasNext()} throws {@link IllegalStateException} with
     * the interrupt status set.
     */
    @Override
    public Iterator<E> iterator() {
        return new Iterator<>() {
            private E next;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                try {
                    next = take();
                    return true;
                } catch (QueueClosedException end) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while iterating over " + Queue.this, e);
                }
            }

            @Override
            public E next() {
                if (!hasNext()) {
                    throw new NoSuchElementException(Queue.this + " is closed and drained");
                }
                E e = next;
                next = null;
                return e;
            }
        };
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return getClass().getSimpleName() + "[size=" + items.size()
                    + (maxSize == Integer.MAX_VALUE ? "" : ", maxSize=" + maxSize)
                    + (closed ? ", closed" : "") + "]";
        } finally {
            lock.unlock();
        }
    }
}
