package dev.weft.locks.pool;

import dev.weft.fibers.internal.sync.SpinLock;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Strand;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * One mapping of a {@link Pool}: the engine of {@code map}, {@code imap} and
 * {@code imapUnordered}. Driven by the consuming strand, with no fiber of its own: each call
 * for a result first tops up the items in flight (reading the input and spawning members, up
 * to the pool's size), then takes a finished one, parking until a task ends.
 *
 * <pre>
 *   inFlight (consumer only): tasks spawned and not yet consumed, in input order; size &lt;= window
 *   completed (guarded by lock): the finished ones, in completion order (unordered mode only)
 *   consumer (volatile): the strand to unpark when a task ends
 * </pre>
 * A task's completion callback runs after the pool's own (which frees the slot), so the woken
 * consumer finds the slot free and tops up without waiting. Only the first spawn of a top-up with
 * nothing in flight waits for a slot; the others take free slots only, so a consumer never
 * waits for a slot while a result of its own is ready.
 */
final class MapRun<T, R> implements ResultIterator<R> {

    /** A finished task and its position in the input. */
    record Done<R>(int index, Fiber<? extends R> fiber) {}

    private final Pool pool;
    private final Pool.Mapper<? super T, ? extends R> mapper;
    private final Iterator<? extends T> input;
    private final boolean ordered;
    private final int window;
    /** Spawned, not yet consumed, in input order. Consumer only. */
    private final ArrayDeque<Fiber<? extends R>> inFlight = new ArrayDeque<>();
    /** The input position of each task in flight. Consumer only. */
    private final Map<Fiber<?>, Integer> positions = new IdentityHashMap<>();
    /** Consumer only. */
    private int nextIndex;
    /** Consumer only. */
    private boolean closed;
    private final SpinLock lock = new SpinLock();
    /** Finished tasks in completion order (unordered mode). Guarded by {@link #lock}. */
    private final ArrayDeque<Fiber<? extends R>> completed = new ArrayDeque<>();
    private volatile Strand consumer;

    MapRun(Pool pool, Pool.Mapper<? super T, ? extends R> mapper, Iterator<? extends T> input, boolean ordered) {
        this.pool = pool;
        this.mapper = mapper;
        this.input = input;
        this.ordered = ordered;
        this.window = Math.max(1, pool.capacity());
    }

    @Override
    public boolean hasNext() {
        return !closed && (!inFlight.isEmpty() || input.hasNext());
    }

    @Override
    public R next() {
        Done<R> d;
        try {
            d = takeDone();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException("interrupted while waiting for the next result of " + pool
                    + "; the iteration can go on", e);
        }
        Fiber<? extends R> f = d.fiber();
        Throwable failure = f.exception();
        if (failure != null) {
            throw new CompletionException("item " + d.index() + " failed in " + pool, failure);
        }
        if (f.isCancelled()) {
            throw new CancellationException("item " + d.index() + "'s " + f + " was killed");
        }
        return f.value();
    }

    /** The next finished task (in input order, or completion order), waiting for it. */
    Done<R> takeDone() throws InterruptedException {
        if (closed) {
            throw new NoSuchElementException("the iteration over " + pool + " was closed");
        }
        Strand me = Strand.current();
        try {
            for (;;) {
                topUp();
                if (inFlight.isEmpty()) {
                    throw new NoSuchElementException("no more items to map in " + pool);
                }
                consumer = me;
                Fiber<? extends R> f = ready();
                if (f != null) {
                    consumer = null;
                    inFlight.remove(f);
                    return new Done<>(positions.remove(f), f);
                }
                Strand.park(this);
                if (!me.isFiber() && Thread.interrupted()) {
                    consumer = null;
                    throw new InterruptedException();
                }
            }
        } catch (FiberExit killed) {
            consumer = null;
            closed = true;
            inFlight.forEach(Fiber::kill); // the consumer is going away: so do its tasks
            throw killed;
        }
    }

    /** A finished task to hand out now, or null. */
    private Fiber<? extends R> ready() {
        if (ordered) {
            Fiber<? extends R> head = inFlight.peekFirst();
            return head.isDone() ? head : null;
        }
        lock.lock();
        try {
            return completed.poll();
        } finally {
            lock.unlock();
        }
    }

    /** Spawns tasks for the next items while the window and free slots allow. */
    private void topUp() throws InterruptedException {
        while (inFlight.size() < window && input.hasNext()) {
            if (!pool.takeMappingSlot(inFlight.isEmpty())) {
                return; // the pool is busy: results of ours will free slots
            }
            T item;
            try {
                item = input.next();
            } catch (Throwable t) {
                pool.slotFreed();
                throw t;
            }
            Fiber<? extends R> f = pool.spawnInSlot(() -> mapper.apply(item));
            positions.put(f, nextIndex++);
            inFlight.addLast(f);
            f.onComplete(this::taskEnded);
        }
    }

    /** Completion callback of a task: runs in the task's fiber, after the pool freed its slot. */
    private void taskEnded(Fiber<? extends R> f) {
        if (!ordered) {
            lock.lock();
            try {
                completed.add(f);
            } finally {
                lock.unlock();
            }
        }
        // NOTE: the outcome (and for unordered, the queue entry) is published before the
        // consumer field is read, and the consumer writes that field before it looks for a
        // finished task: one of the two sees the other, so the wake-up is never lost.
        Strand c = consumer;
        if (c != null) {
            c.unpark();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Fiber<?>> left = new ArrayList<>(inFlight);
        left.forEach(Fiber::kill);
        boolean interrupted = false;
        for (;;) {
            try {
                Fiber.joinAll(left);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
