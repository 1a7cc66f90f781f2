package dev.weft.fibers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Waiting for many fibers at once ({@link Fiber#joinAll}, {@link Fiber#joinAllOrFail}): gevent's
 * {@code joinall}, with and without {@code raise_error}. One
 * completion callback per fiber records it in a queue, in completion order; the last one the
 * caller waits for wakes it. When the wait ends for any other reason (a timeout, a kill of the
 * waiter, an interrupt), the callbacks still registered are removed from their fibers, so a
 * group wait that gives up leaves nothing behind.
 */
final class GroupJoin<F extends Fiber<?>> {
    private final ConcurrentLinkedQueue<F> done = new ConcurrentLinkedQueue<>();
    private final AtomicInteger doneCount = new AtomicInteger();
    private final int target;
    private final Strand waiter;
    /** Whether the first failure ends the wait (joinAllOrFail). */
    private final boolean failFast;
    /** The first fiber seen failed, when failFast; set once. */
    private final AtomicReference<F> firstFailed = new AtomicReference<>();

    private GroupJoin(int target, Strand waiter, boolean failFast) {
        this.target = target;
        this.waiter = waiter;
        this.failFast = failFast;
    }

    /** {@link Fiber#joinAll(Collection, java.time.Duration, int)}, with {@code nanos < 0} for no limit. */
    static <F extends Fiber<?>> List<F> joinAll(Collection<F> fibers, long nanos, int count) throws InterruptedException {
        return waitFor(fibers, nanos, count, false).finished();
    }

    /** {@link Fiber#joinAllOrFail}, with {@code nanos < 0} for no limit. */
    static <F extends Fiber<?>> List<F> joinAllOrFail(Collection<F> fibers, long nanos)
            throws InterruptedException, ExecutionException {
        GroupJoin<F> join = waitFor(fibers, nanos, fibers.size(), true);
        F failed = join.firstFailed.get();
        if (failed != null) {
            throw new ExecutionException(failed + " failed (the first of the fibers joined to fail)", failed.exception());
        }
        return join.finished();
    }

    private static <F extends Fiber<?>> GroupJoin<F> waitFor(Collection<F> fibers, long nanos, int count, boolean failFast)
            throws InterruptedException {
        Strand me = Strand.current();
        if (fibers.contains(me)) {
            throw new IllegalStateException(me + " is in the fibers it joins: it would wait for itself forever");
        }
        GroupJoin<F> join = new GroupJoin<>(Math.min(count, fibers.size()), me, failFast);
        List<F> registered = new ArrayList<>(fibers.size());
        List<Completion.Node> nodes = new ArrayList<>(fibers.size());
        try {
            for (F f : fibers) {
                Consumer<Fiber<?>> callback = x -> join.finished(f);
                Completion.Node node = Completion.push(f, callback);
                if (node == null) {
                    join.finished(f); // already done: recorded now, in the order given
                } else {
                    registered.add(f);
                    nodes.add(node);
                }
            }
            join.await(nanos);
        } finally {
            for (int i = 0; i < nodes.size(); i++) {
                if (!registered.get(i).isDone()) {
                    Completion.remove(registered.get(i), nodes.get(i));
                }
            }
        }
        return join;
    }

    private void finished(F f) {
        done.add(f);
        boolean firstFailure = failFast && f.exception() != null && firstFailed.compareAndSet(null, f);
        if (doneCount.incrementAndGet() == target || firstFailure) {
            waiter.unpark();
        }
    }

    private void await(long nanos) throws InterruptedException {
        long deadline = Strand.nanoTime() + nanos;
        while (doneCount.get() < target && firstFailed.get() == null) {
            if (nanos < 0) {
                Strand.park(this);
            } else {
                long left = deadline - Strand.nanoTime();
                if (left <= 0) {
                    return;
                }
                Strand.parkNanos(this, left);
            }
            if (!waiter.isFiber() && Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** The fibers seen done, in completion order, at most {@code target} of them. */
    private List<F> finished() {
        List<F> finished = new ArrayList<>(target);
        for (F f : done) {
            if (finished.size() == target) {
                break;
            }
            finished.add(f);
        }
        return finished;
    }

    /** What a dump shows for a strand waiting here. */
    @Override
    public String toString() {
        return "joinAll[" + doneCount.get() + " of " + target + " done" + (failFast ? ", fails fast]" : "]");
    }
}
