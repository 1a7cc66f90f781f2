package dev.weft.locks.pool;

import dev.weft.fibers.internal.sync.SpinLock;
import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Scheduler;
import dev.weft.fibers.Strand;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A structured scope for fibers, used in try-with-resources: no child outlives the block.
 * Weft's form of Kotlin's {@code coroutineScope}, the JDK's {@code StructuredTaskScope} and a
 * gevent {@code Group} joined or killed at the end of a {@code with} block.
 *
 * <pre>{@code
 * try (FiberScope scope = FiberScope.open(FiberScope.Policy.FAIL_FAST)) {
 *     scope.spawn(() -> fetch("a"));
 *     scope.spawn(() -> fetch("b"));
 *     scope.join();   // the normal end of the block: waits, and throws if a child failed
 * }                   // close(): kills and joins whatever is still running
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>No child outlives the scope.</b> {@link #join()} waits until every child has ended
 *       (children may spawn siblings meanwhile). {@link #close()} kills the children still
 *       running and waits for them, so when the block ends, normally or by an exception, every
 *       child has ended and their effects happen-before the end of {@code close()}.</li>
 *   <li><b>Policies.</b> {@link Policy#FAIL_FAST}: the first child failure kills the others;
 *       {@link Policy#COLLECT_ALL}: every child runs to its end; {@link Policy#FIRST_SUCCESS}:
 *       the first child that returns a value kills the others and is the {@link #winner()}. A
 *       child spawned after the scope decided (a failure under {@code FAIL_FAST}, a winner under
 *       {@code FIRST_SUCCESS}) is killed at once.</li>
 *   <li><b>Every failure is carried.</b> {@link #join()} throws a {@link ScopeFailedException}
 *       whose cause is the first child failure (in completion order) and whose suppressed
 *       exceptions are the others; under {@code FIRST_SUCCESS} only when no child succeeded.
 *       Children killed by the scope are not failures. (The runtime still reports each failure
 *       to the {@linkplain Fiber#setFailureHandler failure handler}: failures are never silent.)</li>
 *   <li><b>Misuse fails loudly.</b> Spawning into a closed scope, and calling {@code join} or
 *       {@code close} from another strand than the one that opened the scope (a child, say),
 *       throw {@link IllegalStateException}. Closing a scope whose children were not all
 *       joined throws too, once they are killed and joined: end the block with {@code join()}.</li>
 * </ol>
 *
 * <h2>Differences</h2>
 * As with the JDK's {@code StructuredTaskScope}, the block ends with {@link #join()}; a
 * try-with-resources cannot see whether its block threw, so {@code close()} treats a block
 * that did not join as one that failed (its children are killed), and says so by throwing,
 * which Java adds as a suppressed exception when the block did throw. {@link #run} is the form
 * that joins on a normal end by itself. Unlike Kotlin, a failing child does not cancel the
 * owner's block: the owner learns of it in {@code join()}. The children are fibers of the
 * scope's scheduler, also when the owner is a thread.
 */
public final class FiberScope implements AutoCloseable {

    /** What the scope does when a child ends. */
    public enum Policy {
        /** The first child failure kills the other children; {@code join} throws it. */
        FAIL_FAST,
        /** Every child runs to its end; {@code join} throws with all the failures. */
        COLLECT_ALL,
        /**
         * The first child that returns a value kills the others and is the winner; {@code join}
         * throws only if no child succeeded.
         */
        FIRST_SUCCESS
    }

    /**
     * The body of {@link #run}.
     */
    @FunctionalInterface
    public interface Body {
        /** Spawns children into {@code scope} and does the owner's part of the work. */
        void run(FiberScope scope) throws Exception;
    }

    private final Policy policy;
    private final Scheduler scheduler;
    private final Strand owner;
    private final SpinLock lock = new SpinLock();
    /** Guarded by {@link #lock}. */
    private final LinkedHashSet<Fiber<?>> live = new LinkedHashSet<>();
    /** Child failures, in completion order. Guarded by {@link #lock}. */
    private final List<Throwable> failures = new ArrayList<>();
    /** Guarded by {@link #lock}. */
    private Fiber<?> winner;
    /** The policy decided: every child left is killed, new ones at once. Guarded by {@link #lock}. */
    private boolean decided;
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /** Whether every child spawned so far has been joined. Guarded by {@link #lock}. */
    private boolean joined = true;
    /** Whether the owner is waiting in join or close. Written by the owner, read by children. */
    private volatile boolean ownerWaiting;

    private FiberScope(Policy policy, Scheduler scheduler) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.scheduler = scheduler;
        this.owner = Strand.current();
    }

    /** Opens a {@link Policy#FAIL_FAST} scope owned by the calling strand. */
    public static FiberScope open() {
        return new FiberScope(Policy.FAIL_FAST, null);
    }

    /** Opens a scope with {@code policy}, owned by the calling strand; children run where {@link Fiber#spawn(Callable)} would. */
    public static FiberScope open(Policy policy) {
        return new FiberScope(policy, null);
    }

    /** Opens a scope with {@code policy}, owned by the calling strand, whose children run on {@code scheduler}. */
    public static FiberScope open(Policy policy, Scheduler scheduler) {
        return new FiberScope(policy, Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * Runs {@code body} in a scope: joins the children when it returns, kills (and joins) them
     * when it throws. The form of the scope that needs no {@code join()} at its end.
     *
     * @throws ScopeFailedException as {@link #join()}
     * @throws Exception what {@code body} threw, as it is
     */
    public static void run(Policy policy, Body body) throws Exception {
        Objects.requireNonNull(body, "body");
        FiberScope scope = open(policy);
        try {
            body.run(scope);
            scope.join();
        } finally {
            scope.killAndClose(); // after a join nothing is left; after a throw, the children are killed
        }
    }

    // ------------------------------------------------------------------ spawn

    /**
     * Spawns a child running {@code task}. May be called by the owner or by a child while the
     * scope is open. Never switches.
     *
     * @throws IllegalStateException if the scope is closed
     */
    public <V> Fiber<V> spawn(Callable<V> task) {
        Objects.requireNonNull(task, "task");
        boolean kill;
        Fiber<V> f;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("spawn into " + this + " after it was closed: spawn inside its "
                        + "try block, before join()/close()");
            }
            f = scheduler != null ? scheduler.unstarted(task) : Fiber.unstarted(task);
            live.add(f);
            joined = false;
            kill = decided;
        } finally {
            lock.unlock();
        }
        f.onComplete(this::childEnded);
        if (kill) {
            f.kill();
        }
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

    /** Completion callback of a child, in the child's fiber. */
    private void childEnded(Fiber<?> f) {
        List<Fiber<?>> kill = List.of();
        boolean wake;
        lock.lock();
        try {
            live.remove(f);
            Throwable failure = f.exception();
            if (failure != null) {
                failures.add(failure);
            }
            boolean decides = switch (policy) {
                case FAIL_FAST -> failure != null;
                case COLLECT_ALL -> false;
                case FIRST_SUCCESS -> failure == null && !f.isCancelled() && winner == null;
            };
            if (decides && policy == Policy.FIRST_SUCCESS) {
                winner = f;
            }
            if (decides && !decided) {
                decided = true;
                kill = List.copyOf(live);
            }
            wake = live.isEmpty();
        } finally {
            lock.unlock();
        }
        kill.forEach(Fiber::kill);
        if (wake && ownerWaiting) {
            owner.unpark();
        }
    }

    // ------------------------------------------------------------------ join and close

    /**
     * Waits until every child has ended (under {@code FAIL_FAST} and {@code FIRST_SUCCESS} the
     * others are killed once the scope decided), then throws if the policy says so. The normal
     * end of the scope's block. If the owner is killed while it waits, the exception propagates
     * and {@link #close()} kills the children.
     *
     * @throws ScopeFailedException under {@code FAIL_FAST} and {@code COLLECT_ALL} if any child
     *                              failed; under {@code FIRST_SUCCESS} if children ran and none
     *                              succeeded
     * @throws IllegalStateException if called by another strand than the owner, or after close
     * @throws InterruptedException if the owning thread is interrupted while it waits (the
     *                              children keep running until close)
     */
    public void join() throws InterruptedException {
        requireOwner("join");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(this + " was joined after close: call join() inside the try block");
            }
        } finally {
            lock.unlock();
        }
        awaitChildren(true);
        ScopeFailedException failed;
        lock.lock();
        try {
            joined = true;
            failed = failure();
        } finally {
            lock.unlock();
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** The exception join throws now, or null. Called under {@link #lock}. */
    private ScopeFailedException failure() {
        if (failures.isEmpty() || (policy == Policy.FIRST_SUCCESS && winner != null)) {
            return null;
        }
        String what = switch (policy) {
            case FAIL_FAST -> "a child failed; the others were killed";
            case COLLECT_ALL -> failures.size() + " children failed";
            case FIRST_SUCCESS -> "no child succeeded (" + failures.size() + " failed)";
        };
        ScopeFailedException e = new ScopeFailedException(this + ": " + what, failures.getFirst());
        for (Throwable t : failures.subList(1, failures.size())) {
            e.addSuppressed(t);
        }
        return e;
    }

    /** Waits until no child is alive; {@code interruptible}: a thread's interrupt ends the wait. */
    private void awaitChildren(boolean interruptible) throws InterruptedException {
        boolean interrupted = false;
        ownerWaiting = true;
        try {
            for (;;) {
                lock.lock();
                try {
                    if (live.isEmpty()) {
                        break;
                    }
                } finally {
                    lock.unlock();
                }
                Strand.park(this);
                if (!owner.isFiber() && Thread.interrupted()) {
                    if (interruptible) {
                        throw new InterruptedException();
                    }
                    interrupted = true;
                }
            }
        } finally {
            ownerWaiting = false;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Closes the scope: kills the children still running and waits for them (through thread
     * interrupts, which stay set). Afterwards no child is alive and spawning throws.
     * Idempotent.
     *
     * @throws IllegalStateException if called by another strand than the owner (a child, say),
     *                               or, once the children are killed and joined, if some had not
     *                               been joined (the block did not end with {@link #join()})
     */
    @Override
    public void close() {
        requireOwner("close");
        boolean unjoined = killAndClose();
        if (unjoined) {
            throw new IllegalStateException(this + " was closed with children it had not joined; they were "
                    + "killed. End the scope's block with scope.join() to wait for them.");
        }
    }

    /** Closes, killing and joining what is left. @return whether children were left unjoined */
    private boolean killAndClose() {
        List<Fiber<?>> left;
        boolean unjoined;
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            unjoined = !joined;
            joined = true;
            decided = true;
            left = List.copyOf(live);
        } finally {
            lock.unlock();
        }
        left.forEach(Fiber::kill);
        try {
            awaitChildren(false);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
        return unjoined;
    }

    private void requireOwner(String what) {
        Strand me = Strand.current();
        if (me != owner) {
            boolean child;
            lock.lock();
            try {
                child = me instanceof Fiber<?> f && live.contains(f);
            } finally {
                lock.unlock();
            }
            throw new IllegalStateException(what + "() of " + this + " was called by " + (child ? "its child " : "")
                    + me.name() + ", not by " + owner.name() + ", which opened it: only the owner joins and closes a "
                    + "scope" + (child ? "; a child that must stop the scope can throw (FAIL_FAST) or return" : ""));
        }
    }

    // ------------------------------------------------------------------ inspection

    /** The policy of this scope. */
    public Policy policy() {
        return policy;
    }

    /** Under {@link Policy#FIRST_SUCCESS}: the child that returned a value first, or {@code null}. */
    public Fiber<?> winner() {
        lock.lock();
        try {
            return winner;
        } finally {
            lock.unlock();
        }
    }

    /** The child failures so far, in completion order (a copy). */
    public List<Throwable> failures() {
        lock.lock();
        try {
            return List.copyOf(failures);
        } finally {
            lock.unlock();
        }
    }

    /** The children alive now, in spawn order (a copy). */
    public List<Fiber<?>> children() {
        lock.lock();
        try {
            return List.copyOf(live);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the scope was closed. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "FiberScope[" + policy + ", owner " + owner.name() + "]";
    }
}
