package dev.weft.locks.pool;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Scheduler;
import dev.weft.locks.Semaphore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * A {@link Group} of at most {@code size} running fibers: {@link #spawn} blocks the caller
 * while the pool is full. gevent's {@code gevent.pool.Pool}, with its mapping calls.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>Slots.</b> Each member holds one slot of a fair {@link Semaphore} of {@code size}
 *       permits, from the moment it is admitted until it ends or is discarded: at most
 *       {@code size} members at any time (gevent P21b).</li>
 *   <li><b>FIFO among blocked spawners, no barging.</b> Strands blocked in {@link #spawn} or
 *       {@link #add} get slots in the order they started waiting; a non-blocking
 *       {@link #add(Fiber, Duration) add} or {@code spawn} never takes a slot while one
 *       waits.</li>
 *   <li><b>Slot conservation.</b> A slot is given back exactly once per member, by the
 *       member's completion callback (also for a fiber killed before it ever ran) or by
 *       {@link #discard}. A spawner killed, or timed out, while it waits for a slot takes none;
 *       if a slot was handed to it at that moment, it passes the slot on. Once every member has
 *       ended, {@link #freeCount()} is {@code size} again.</li>
 *   <li><b>Waking never switches.</b> A member that ends hands its slot to the first blocked
 *       spawner, which runs when its scheduler gets to it.</li>
 *   <li><b>Bounded mapping.</b> {@link #map}, {@link #imap} and {@link #imapUnordered} run
 *       each item as a member and never have more than {@code size} items in flight (running,
 *       or done and not yet consumed).</li>
 * </ol>
 *
 * <h2>Differences from gevent and {@code java.util.concurrent}</h2>
 * Unlike an {@code ExecutorService}, a pool has no queue of tasks: the caller of {@code spawn}
 * waits, which is the back-pressure (gevent P21e). A blocking {@code spawn} from a thread
 * waits through interrupts (the interrupt stays set); use the timed form to wait
 * interruptibly. {@code map} throws as soon as any item fails (gevent waits for the items
 * before the failing one) and kills the rest. gevent's {@code apply} runs the function in the
 * caller when called from inside the pool; here call the function directly. A blocking spawn,
 * add or map by the member of a pool of one, which would wait for its own slot forever, throws
 * {@link IllegalStateException} instead.
 */
public final class Pool extends Group {

    /**
     * A task of {@link #map}, {@link #imap} and {@link #imapUnordered}: computes the result of
     * one input item, and may throw anything.
     *
     * @param <T> the type of the items
     * @param <R> the type of the results
     */
    @FunctionalInterface
    public interface Mapper<T, R> {
        /** The result for {@code item}. */
        R apply(T item) throws Exception;
    }

    private final int size;
    private final Semaphore slots;

    /**
     * A pool of {@code size} slots whose {@link #spawn} runs fibers where
     * {@link Fiber#spawn(Callable)} would. A pool of size 0 admits nothing: its blocking spawn
     * waits forever (as gevent's).
     *
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public Pool(int size) {
        this(size, null);
    }

    /**
     * A pool of {@code size} slots whose {@link #spawn} runs fibers on {@code scheduler}.
     *
     * @param scheduler where spawned fibers run; {@code null}: as {@link Fiber#spawn(Callable)}
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public Pool(int size, Scheduler scheduler) {
        super(scheduler);
        if (size < 0) {
            throw new IllegalArgumentException("A pool's size must not be negative, was " + size
                    + ": use a Group for unbounded concurrency");
        }
        this.size = size;
        this.slots = new Semaphore(size);
    }

    // ------------------------------------------------------------------ spawn and add

    /**
     * Waits for a free slot, then spawns a fiber running {@code task} in it. The caller waits
     * in line with the other blocked spawners (FIFO); a fiber killed while it waits takes no
     * slot.
     *
     * @throws dev.weft.fibers.FiberExit if the calling fiber is killed while it waits
     * @throws dev.weft.fibers.TimeoutExpired if a {@link dev.weft.fibers.Timeout} of the calling
     *                                        fiber expires while it waits
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler is closed (the
     *                                                         slot is given back)
     */
    @Override
    public <V> Fiber<V> spawn(Callable<V> task) {
        Objects.requireNonNull(task, "task");
        requireNotSoleSlotHolder("spawn");
        slots.acquireUninterruptibly();
        return spawnInSlot(task);
    }

    /**
     * Like {@link #spawn(Callable)}, waiting at most {@code timeout} for a slot;
     * {@link Duration#ZERO} does not wait.
     *
     * @throws PoolFullException if no slot became free in time (nothing was spawned)
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    public <V> Fiber<V> spawn(Callable<V> task, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(task, "task");
        takeSlot(timeout);
        return spawnInSlot(task);
    }

    /** Like {@link #spawn(Callable, Duration)}, for a task without a result. */
    public Fiber<Void> spawn(CheckedRunnable task, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(task, "task");
        return spawn(() -> {
            task.run();
            return null;
        }, timeout);
    }

    /**
     * Waits for a free slot and adds {@code fiber} in it (it may be running, done, or not
     * started yet). Adding a member again does nothing and takes no slot. gevent's
     * {@code add(greenlet)}.
     */
    @Override
    public void add(Fiber<?> fiber) {
        Objects.requireNonNull(fiber, "fiber");
        if (contains(fiber)) {
            return;
        }
        requireNotSoleSlotHolder("add");
        slots.acquireUninterruptibly();
        if (!admit(fiber)) {
            slots.release(); // added by another strand meanwhile
        }
    }

    /**
     * Adds {@code fiber} if a slot becomes free within {@code timeout}; {@link Duration#ZERO}
     * does not wait. gevent's {@code add(greenlet, blocking=False)} and
     * {@code add(greenlet, timeout=t)}.
     *
     * @throws PoolFullException if no slot became free in time (the fiber was not added; it
     *                           keeps running outside the pool)
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    public void add(Fiber<?> fiber, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(fiber, "fiber");
        if (contains(fiber)) {
            return;
        }
        takeSlot(timeout);
        if (!admit(fiber)) {
            slots.release();
        }
    }

    private void takeSlot(Duration timeout) throws InterruptedException {
        if (!slots.tryAcquire(timeout)) {
            throw new PoolFullException(this + " stayed full for " + timeout + ": wait longer, use the blocking "
                    + "spawn or add (they wait for a slot), or make the pool larger");
        }
    }

    /**
     * Spawns {@code task} as a member in a slot the caller holds. If the fiber cannot be made,
     * the slot is given back here; once it is a member, its end gives it back (also when
     * {@code start} finds the scheduler closed: the fiber then ends killed).
     */
    <V> Fiber<V> spawnInSlot(Callable<V> task) {
        Fiber<V> f;
        try {
            f = unstarted(task);
        } catch (Throwable t) {
            slots.release();
            throw t;
        }
        admit(f); // a new fiber: never a member yet
        f.start();
        return f;
    }

    /**
     * A blocking wait for a slot by the one member of a pool of one would wait for its own slot
     * forever: that certain deadlock fails at once instead.
     */
    private void requireNotSoleSlotHolder(String what) {
        Fiber<?> me;
        if (size == 1 && (me = Fiber.current()) != null && contains(me)) {
            throw new IllegalStateException(me + " called the blocking " + what + " of " + this + ", whose only slot it "
                    + "holds: it would wait for itself forever. Call the task directly, use a larger pool, or use "
                    + "the timed form (it throws PoolFullException).");
        }
    }

    /** Takes a slot for a mapping task; waits (interruptibly for a thread) only if {@code wait}. */
    boolean takeMappingSlot(boolean wait) throws InterruptedException {
        if (wait) {
            requireNotSoleSlotHolder("map");
            slots.acquire();
            return true;
        }
        return slots.tryAcquire();
    }

    @Override
    void slotFreed() {
        slots.release();
    }

    // ------------------------------------------------------------------ inspection

    /** The number of slots. */
    public int capacity() {
        return size;
    }

    /**
     * Slots free now: those a spawn could take without waiting (0 while blocked spawners are
     * being served). gevent's {@code free_count()}.
     */
    public int freeCount() {
        return slots.availablePermits();
    }

    /** Whether no slot is free now. gevent's {@code full()}. */
    public boolean isFull() {
        return freeCount() == 0;
    }

    /**
     * Waits until a slot is free, without taking it, for at most {@code timeout}; waits in line
     * with the blocked spawners. gevent's {@code wait_available(timeout)}.
     *
     * @return whether a slot was free
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    public boolean awaitAvailable(Duration timeout) throws InterruptedException {
        if (!slots.tryAcquire(timeout)) {
            return false;
        }
        slots.release();
        return true;
    }

    // ------------------------------------------------------------------ mapping

    /**
     * Runs {@code mapper} on every item, each in a member fiber, and returns the results in
     * input order. gevent's {@code map}. At most {@link #capacity()} items are in flight; the
     * calling strand reads the input and spawns. As soon as an item fails, the items still
     * running are killed and waited for, and the failure is thrown; if the caller is killed, they
     * are killed too.
     *
     * @throws ExecutionException with the first failure (in completion order) as its cause
     * @throws CancellationException if an item's fiber was killed by someone else
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    public <T, R> List<R> map(Mapper<? super T, ? extends R> mapper, Iterable<? extends T> items)
            throws InterruptedException, ExecutionException {
        Objects.requireNonNull(mapper, "mapper");
        List<R> results = new ArrayList<>();
        try (MapRun<T, R> run = new MapRun<>(this, mapper, items.iterator(), false)) {
            while (run.hasNext()) {
                MapRun.Done<R> d = run.takeDone();
                Fiber<? extends R> f = d.fiber();
                Throwable failure = f.exception();
                if (failure != null) {
                    run.close();
                    throw new ExecutionException("item " + d.index() + " failed in " + this, failure);
                }
                if (f.isCancelled()) {
                    run.close();
                    throw new CancellationException("item " + d.index() + "'s " + f + " was killed");
                }
                while (results.size() <= d.index()) {
                    results.add(null);
                }
                results.set(d.index(), f.value());
            }
        }
        return results;
    }

    /**
     * The results of {@code mapper} on every item, in input order, computed lazily by member
     * fibers (at most {@link #capacity()} items in flight) as the iteration proceeds. gevent's
     * {@code imap}. See {@link ResultIterator} for failures and closing; use it in a
     * try-with-resources when the iteration may stop early.
     */
    public <T, R> ResultIterator<R> imap(Mapper<? super T, ? extends R> mapper, Iterable<? extends T> items) {
        Objects.requireNonNull(mapper, "mapper");
        return new MapRun<>(this, mapper, items.iterator(), true);
    }

    /**
     * Like {@link #imap}, yielding results in the order the tasks complete. gevent's
     * {@code imap_unordered} (P21c, P21d).
     */
    public <T, R> ResultIterator<R> imapUnordered(Mapper<? super T, ? extends R> mapper, Iterable<? extends T> items) {
        Objects.requireNonNull(mapper, "mapper");
        return new MapRun<>(this, mapper, items.iterator(), false);
    }

    @Override
    public String toString() {
        return "Pool[size=" + size + ", free=" + freeCount() + ", members=" + size() + "]";
    }
}
