package dev.weft.locks.pool;

import dev.weft.fibers.internal.sync.SpinLock;
import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Scheduler;
import dev.weft.fibers.Strand;
import dev.weft.fibers.TimeoutExpired;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * A set of fibers that drops each one when it ends, and waits for or kills them all: gevent's
 * {@code gevent.pool.Group}. Fibers and threads may share a group; every method is
 * thread-safe.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>Membership.</b> A fiber is a member from {@link #add} (or {@link #spawn}) until it
 *       ends or is {@link #discard discarded}; it is dropped once, in its completion callback,
 *       which runs in the ending fiber right after its joiners are woken. A fiber that is
 *       already done when added is dropped at once.</li>
 *   <li><b>Join.</b> {@link #join()} returns once the group is empty, i.e. every member has
 *       ended, including members added while it waits. The members' effects happen-before its
 *       return. {@link #joinFailFast} also returns, by throwing, as soon as a member fails
 *       while it waits.</li>
 *   <li><b>Kill.</b> {@link #kill()} kills every member without waiting; {@link #killAndJoin()}
 *       also waits until the group is empty, and kills the fibers added meanwhile too. The
 *       calling fiber, if it is a member, is killed last.</li>
 *   <li><b>Failures stay visible.</b> A group changes nothing in how a member's failure is
 *       reported: the runtime reports every failure to the
 *       {@linkplain Fiber#setFailureHandler failure handler}, as gevent's hub prints it;
 *       {@link #joinFailFast} also throws it.</li>
 *   <li><b>Leaving is clean.</b> A join that times out, is killed ({@link FiberExit}), has a
 *       {@link dev.weft.fibers.Timeout} expire ({@link TimeoutExpired}) or is interrupted (a
 *       thread) leaves nothing registered behind.</li>
 * </ol>
 *
 * <h2>Differences from gevent and {@code java.util.concurrent}</h2>
 * A group runs no tasks of its own, unlike an {@code ExecutorService}: it tracks fibers, which
 * run on their scheduler, and its waits are fiber-friendly (a fiber suspends, a thread blocks).
 * Killing is asynchronous in {@link #kill()}, as {@link Fiber#kill()} is; gevent's blocking
 * {@code kill(block=True)} is {@link #killAndJoin()}. Joining the group from one of its own
 * members would wait for itself forever, so it throws. The mapping calls ({@code map},
 * {@code imap}, {@code imap_unordered}) are on {@link Pool}, which bounds them; gevent's
 * unbounded {@code Group.map} is a {@code Pool} as large as the input.
 */
public sealed class Group permits Pool {

    /**
     * A strand in {@link #join} or {@link #joinFailFast}. Guarded by {@link #lock}, apart from
     * {@code strand}, which is final.
     */
    private static final class JoinWaiter {
        final Strand strand;
        final boolean failFast;
        /** The first member that failed while a fail-fast joiner waited. */
        Fiber<?> failed;

        JoinWaiter(Strand strand, boolean failFast) {
            this.strand = strand;
            this.failFast = failFast;
        }
    }

    /** Guards the fields below; never held while parking, unparking or running user code. */
    final SpinLock lock = new SpinLock();
    /** The members, in the order they were added. Guarded by {@link #lock}. */
    private final LinkedHashSet<Fiber<?>> members = new LinkedHashSet<>();
    /** Strands waiting in a join. Guarded by {@link #lock}. */
    private final List<JoinWaiter> joiners = new ArrayList<>();
    /** Calls of {@link #killAndJoin} in progress: a fiber added meanwhile is killed at once. Guarded by {@link #lock}. */
    private int killing;
    /** Where {@link #spawn} runs fibers; {@code null}: as {@link Fiber#spawn(Callable)} does. */
    final Scheduler scheduler;

    /** An empty group whose {@link #spawn} runs fibers where {@link Fiber#spawn(Callable)} would. */
    public Group() {
        this(null);
    }

    /**
     * An empty group whose {@link #spawn} runs fibers on {@code scheduler}.
     *
     * @param scheduler where spawned fibers run; {@code null}: as {@link Fiber#spawn(Callable)}
     */
    public Group(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    // ------------------------------------------------------------------ spawn and add

    /**
     * Spawns a fiber running {@code task} and adds it. Never switches (a {@link Pool} may wait
     * for a free slot first).
     *
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler is closed
     */
    public <V> Fiber<V> spawn(Callable<V> task) {
        Objects.requireNonNull(task, "task");
        Fiber<V> f = unstarted(task);
        admit(f);
        f.start();
        return f;
    }

    /** Like {@link #spawn(Callable)}, for a task without a result. */
    public Fiber<Void> spawn(CheckedRunnable task) {
        Objects.requireNonNull(task, "task");
        return spawn(() -> {
            task.run();
            return null;
        });
    }

    /**
     * Adds {@code fiber} and starts it ({@link Fiber#start()}; a started one keeps running).
     * gevent's {@code start(greenlet)}.
     *
     * @throws java.util.concurrent.RejectedExecutionException if its scheduler is closed (it
     *                                                         then ends killed, and leaves the group)
     */
    public void start(Fiber<?> fiber) {
        add(fiber);
        fiber.start();
    }

    /**
     * Adds {@code fiber}, which may be running, done or not started yet; adding a member again
     * does nothing. gevent's {@code add}.
     */
    public void add(Fiber<?> fiber) {
        Objects.requireNonNull(fiber, "fiber");
        admit(fiber);
    }

    /** A fiber of this group's scheduler, not started: it becomes a member before it can run. */
    final <V> Fiber<V> unstarted(Callable<V> task) {
        return scheduler != null ? scheduler.unstarted(task) : Fiber.unstarted(task);
    }

    /**
     * Makes {@code f} a member and arranges for it to be dropped when it ends.
     *
     * @return whether {@code f} became a member (false: it was one already)
     */
    final boolean admit(Fiber<?> f) {
        boolean kill;
        lock.lock();
        try {
            if (!members.add(f)) {
                return false;
            }
            kill = killing > 0;
        } finally {
            lock.unlock();
        }
        // NOTE: registered after it became a member: if it is already done, the callback runs
        // here, at once, and drops it; otherwise it runs in the fiber as it ends. Either way once.
        f.onComplete(this::memberEnded);
        if (kill) {
            f.kill();
        }
        return true;
    }

    /** The completion callback of a member: drops it and wakes the joiners it concerns. */
    private void memberEnded(Fiber<?> f) {
        List<Strand> wake = new ArrayList<>();
        Throwable failure = f.exception();
        lock.lock();
        try {
            if (!members.remove(f)) {
                return; // discarded before it ended
            }
            boolean empty = members.isEmpty();
            for (JoinWaiter w : joiners) {
                if (failure != null && w.failFast && w.failed == null) {
                    w.failed = f;
                    wake.add(w.strand);
                } else if (empty) {
                    wake.add(w.strand);
                }
            }
        } finally {
            lock.unlock();
        }
        slotFreed();
        for (Strand s : wake) {
            s.unpark();
        }
    }

    /** Called once per member that leaves the group (ends or is discarded). A {@link Pool} frees its slot. */
    void slotFreed() {
    }

    /**
     * Removes {@code fiber} from the group without waiting for or killing it (in a {@link Pool},
     * its slot is freed). gevent's {@code discard}.
     *
     * @return whether it was a member
     */
    public boolean discard(Fiber<?> fiber) {
        List<Strand> wake = List.of();
        lock.lock();
        try {
            if (!members.remove(fiber)) {
                return false;
            }
            if (members.isEmpty()) {
                wake = new ArrayList<>();
                for (JoinWaiter w : joiners) {
                    wake.add(w.strand);
                }
            }
        } finally {
            lock.unlock();
        }
        slotFreed();
        wake.forEach(Strand::unpark);
        return true;
    }

    // ------------------------------------------------------------------ inspection

    /** The number of members now. gevent's {@code len(group)}. */
    public int size() {
        lock.lock();
        try {
            return members.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the group has no member now. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** Whether {@code fiber} is a member now. gevent's {@code fiber in group}. */
    public boolean contains(Fiber<?> fiber) {
        lock.lock();
        try {
            return members.contains(fiber);
        } finally {
            lock.unlock();
        }
    }

    /** The members now, in the order they were added (a copy). gevent's iteration. */
    public List<Fiber<?>> fibers() {
        lock.lock();
        try {
            return List.copyOf(members);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ join

    /**
     * Waits until the group is empty. gevent's {@code join()}.
     *
     * @throws IllegalStateException if the calling fiber is a member (it would wait for itself)
     * @throws InterruptedException if the calling thread is interrupted (never in a fiber)
     */
    public void join() throws InterruptedException {
        awaitEmpty(-1L);
    }

    /**
     * Waits up to {@code timeout} until the group is empty. gevent's {@code join(timeout)}.
     *
     * @return whether it is empty
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public boolean join(Duration timeout) throws InterruptedException {
        return awaitEmpty(nanos(timeout));
    }

    private boolean awaitEmpty(long nanos) throws InterruptedException {
        try {
            return await(nanos, false);
        } catch (ExecutionException impossible) {
            throw new AssertionError("only a fail-fast join throws", impossible);
        }
    }

    /**
     * Waits until the group is empty, or throws as soon as a member fails meanwhile.
     * gevent's {@code join(raise_error=True)}.
     *
     * @throws ExecutionException with the failure as its cause, for the first member that failed
     *                            while this call waited (the other members keep running)
     */
    public void joinFailFast() throws InterruptedException, ExecutionException {
        await(-1L, true);
    }

    /**
     * Like {@link #joinFailFast()}, waiting at most {@code timeout}.
     *
     * @return whether the group is empty
     */
    public boolean joinFailFast(Duration timeout) throws InterruptedException, ExecutionException {
        return await(nanos(timeout), true);
    }

    /** Waits for emptiness (or, fail-fast, a failure); {@code nanos < 0}: no limit. */
    private boolean await(long nanos, boolean failFast) throws InterruptedException, ExecutionException {
        Strand me = Strand.current();
        JoinWaiter w = new JoinWaiter(me, failFast);
        boolean member;
        lock.lock();
        try {
            if (members.isEmpty()) {
                return true;
            }
            member = me instanceof Fiber<?> f && members.contains(f);
            if (!member) {
                joiners.add(w);
            }
        } finally {
            lock.unlock();
        }
        if (member) { // thrown outside the lock: toString takes it, and it is not re-entrant
            throw new IllegalStateException(me + " joined its own group " + this + ": it would wait for itself "
                    + "forever. Join the group from a strand that is not a member.");
        }
        try {
            long deadline = Strand.nanoTime() + nanos;
            for (;;) {
                Fiber<?> failed;
                lock.lock();
                try {
                    failed = w.failed;
                    if (failed == null && members.isEmpty()) {
                        return true;
                    }
                } finally {
                    lock.unlock();
                }
                if (failed != null) {
                    throw new ExecutionException(failed + " failed in " + this, failed.exception());
                }
                if (nanos < 0) {
                    Strand.park(this);
                } else {
                    long left = deadline - Strand.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    Strand.parkNanos(this, left);
                }
                if (!me.isFiber() && Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            lock.lock();
            try {
                joiners.remove(w);
            } finally {
                lock.unlock();
            }
        }
    }

    // ------------------------------------------------------------------ kill

    /**
     * Kills every member ({@link Fiber#kill()}), without waiting. If the calling fiber is a
     * member it is killed last, so this call then throws {@link FiberExit}.
     */
    public void kill() {
        Fiber<?> me = Fiber.current();
        boolean self = false;
        for (Fiber<?> f : fibers()) {
            if (f == me) {
                self = true;
            } else {
                f.kill();
            }
        }
        if (self) {
            me.kill();
        }
    }

    /**
     * Kills every member and waits until the group is empty; fibers added meanwhile are killed
     * as they are added. gevent's {@code kill(block=True)}.
     *
     * @throws IllegalStateException if the calling fiber is a member
     */
    public void killAndJoin() throws InterruptedException {
        killAndJoin(-1L);
    }

    /**
     * Like {@link #killAndJoin()}, waiting at most {@code timeout}; the kills stand when the
     * time runs out. gevent's {@code kill(block=True, timeout=t)}.
     *
     * @return whether the group is empty
     */
    public boolean killAndJoin(Duration timeout) throws InterruptedException {
        return killAndJoin(nanos(timeout));
    }

    private boolean killAndJoin(long nanos) throws InterruptedException {
        Fiber<?> me = Fiber.current();
        if (me != null && contains(me)) {
            throw new IllegalStateException(me + " called killAndJoin on its own group " + this + ": it would "
                    + "wait for itself. Call kill() to kill the group including itself.");
        }
        lock.lock();
        try {
            killing++;
        } finally {
            lock.unlock();
        }
        try {
            kill();
            return awaitEmpty(nanos);
        } finally {
            lock.lock();
            try {
                killing--;
            } finally {
                lock.unlock();
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[size=" + size() + "]";
    }
}
