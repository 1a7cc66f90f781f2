package dev.weft.locks;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.TimeoutExpired;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A one-shot result that strands wait for: some strand completes it once, with a value
 * ({@link #set}) or a failure ({@link #setException}), and every strand waiting in
 * {@link #get()} gets it. gevent's {@code gevent.event.AsyncResult}, as a {@link Future};
 * fibers (on any Weft scheduler), platform threads and virtual threads may wait on the same
 * instance.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>Completed once.</b> The first {@code set} or {@code setException} wins; a second one
 *       throws {@link IllegalStateException} and changes nothing (gevent overwrites silently).</li>
 *   <li><b>Completion wakes all, in wait order, without switching</b>, as {@link Event#set()}.</li>
 *   <li><b>Memory effects.</b> Actions before the completion happen-before the return of every
 *       {@code get}, {@code await}, {@link #isDone()} or {@link #value()} that sees it.</li>
 *   <li><b>Leaving is clean.</b> A {@code get} that times out, is killed or interrupted leaves
 *       nothing behind.</li>
 *   <li><b>Future contract.</b> As {@link Fiber#get()}: {@link #get()} throws the failure
 *       wrapped in {@link ExecutionException} (its cause is the exception given to
 *       {@code setException}), except a {@link CancellationException}, which it throws as is;
 *       {@link #value()} and {@link #exception()} give the outcome unwrapped, without
 *       waiting. {@link #cancel} refuses (returns {@code false}): only the producer completes
 *       a result, as in gevent.</li>
 * </ol>
 *
 * <h2>Bridges</h2>
 * {@link #of(Fiber)} (or {@code fiber.onComplete(result::completeFrom)}, gevent's
 * {@code greenlet.link(result)}) completes a result with a fiber's outcome; {@link #from}
 * with a {@link CompletionStage}'s; {@link #toCompletableFuture()} goes the other way.
 *
 * @param <V> the type of the value
 */
public final class AsyncResult<V> implements Future<V> {
    private static final VarHandle OUTCOME;

    static {
        try {
            OUTCOME = MethodHandles.lookup().findVarHandle(AsyncResult.class, "outcome", Outcome.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What a result was completed with: a value (failure null) or a failure. */
    private record Outcome(Object value, Throwable failure) {}

    /** Null until completed; set once, by CAS, before the signal is raised. */
    private volatile Outcome outcome;
    private final Signal signal = new Signal();

    /** An incomplete result. */
    public AsyncResult() {}

    /**
     * A result completed with {@code fiber}'s outcome once it ends: its value; its failure; or,
     * if it was killed, a {@link CancellationException} whose cause is the {@link FiberExit}.
     */
    public static <V> AsyncResult<V> of(Fiber<? extends V> fiber) {
        AsyncResult<V> result = new AsyncResult<>();
        fiber.onComplete(result::completeFrom);
        return result;
    }

    /**
     * A result completed with {@code stage}'s outcome once it completes (a
     * {@link CompletionException} is unwrapped to its cause).
     */
    public static <V> AsyncResult<V> from(CompletionStage<? extends V> stage) {
        AsyncResult<V> result = new AsyncResult<>();
        stage.whenComplete((v, t) -> {
            if (t == null) {
                result.set(v);
            } else {
                result.setException(t instanceof CompletionException && t.getCause() != null ? t.getCause() : t);
            }
        });
        return result;
    }

    /**
     * Completes this result with the outcome of {@code fiber}, which must be done: the
     * completion callback for {@code fiber.onComplete(result::completeFrom)}.
     *
     * @throws IllegalStateException if the fiber is still running, or this result is complete
     */
    public void completeFrom(Fiber<? extends V> fiber) {
        if (!fiber.isDone()) {
            throw new IllegalStateException(fiber + " is still running: pass completeFrom to fiber.onComplete, "
                    + "or use AsyncResult.of(fiber)");
        }
        try {
            set(fiber.get());
        } catch (ExecutionException e) {
            setException(e.getCause());
        } catch (CancellationException e) {
            setException(e);
        } catch (InterruptedException impossible) {
            throw new AssertionError("join of a finished fiber waited", impossible);
        }
    }

    /**
     * Completes this result with {@code value} (may be null) and wakes every strand waiting.
     * Never blocks, never switches.
     *
     * @throws IllegalStateException if it is already complete
     */
    public void set(V value) {
        complete(new Outcome(value, null));
    }

    /**
     * Completes this result with a failure and wakes every strand waiting.
     *
     * @throws IllegalStateException if it is already complete
     */
    public void setException(Throwable failure) {
        complete(new Outcome(null, Objects.requireNonNull(failure, "failure")));
    }

    private void complete(Outcome o) {
        Outcome before = (Outcome) OUTCOME.compareAndExchange(this, null, o);
        if (before != null) {
            throw new IllegalStateException(this + " was completed twice: an AsyncResult is one-shot. The second "
                    + (o.failure == null ? "value" : "failure") + " was dropped; complete it from one place only");
        }
        signal.raise();
    }

    /**
     * Waits for the value.
     *
     * @throws ExecutionException with the failure as its cause, if it was completed with one
     * @throws CancellationException if it was completed with one
     * @throws InterruptedException if the calling thread is interrupted (never thrown in a fiber)
     * @throws FiberExit if the calling fiber is killed while it waits
     * @throws TimeoutExpired if a {@link dev.weft.fibers.Timeout} of the calling fiber expires
     */
    @Override
    public V get() throws InterruptedException, ExecutionException {
        signal.await(this, -1L);
        return report();
    }

    /**
     * Waits at most {@code timeout} for the value (gevent's {@code get(timeout=...)}).
     *
     * @throws TimeoutException if it is not complete by then
     * @throws ExecutionException as {@link #get()}
     */
    public V get(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        if (!signal.await(this, Semaphore.nanosOf(timeout))) {
            throw new TimeoutException(this + " was not completed within " + timeout);
        }
        return report();
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return get(Duration.of(timeout, unit.toChronoUnit()));
    }

    /**
     * Waits until it is complete (gevent's {@code wait()}), without reporting the outcome.
     *
     * @throws InterruptedException as {@link #get()}
     */
    public void await() throws InterruptedException {
        signal.await(this, -1L);
    }

    /**
     * Waits at most {@code timeout} until it is complete.
     *
     * @return whether it is complete
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return signal.await(this, Semaphore.nanosOf(timeout));
    }

    @SuppressWarnings("unchecked")
    private V report() throws ExecutionException {
        Outcome o = outcome;
        if (o.failure == null) {
            return (V) o.value;
        }
        if (o.failure instanceof CancellationException c) {
            throw c;
        }
        throw new ExecutionException(o.failure);
    }

    /** Whether it is complete (gevent's {@code ready()}). */
    @Override
    public boolean isDone() {
        return outcome != null;
    }

    /** Whether it is complete with a value (gevent's {@code successful()}). */
    public boolean isSuccessful() {
        Outcome o = outcome;
        return o != null && o.failure == null;
    }

    /** The value, or null if it is not complete or failed. Never waits. */
    @SuppressWarnings("unchecked")
    public V value() {
        Outcome o = outcome;
        return o == null ? null : (V) o.value;
    }

    /** The failure, unwrapped, or null if it is not complete or has a value. Never waits. */
    public Throwable exception() {
        Outcome o = outcome;
        return o == null ? null : o.failure;
    }

    /** Refuses: a result is completed by its producer only (gevent's {@code cancel()}). @return false */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return false;
    }

    /** Whether it was completed with a {@link CancellationException} (for instance by {@link #of} of a killed fiber). */
    @Override
    public boolean isCancelled() {
        return exception() instanceof CancellationException;
    }

    /**
     * A {@link CompletableFuture} completed with this result's outcome (at once if it is
     * complete, else by the strand that completes it). Completing or cancelling the returned
     * future does not affect this result.
     */
    public CompletableFuture<V> toCompletableFuture() {
        CompletableFuture<V> future = new CompletableFuture<>();
        signal.link(() -> {
            Outcome o = outcome;
            if (o.failure == null) {
                @SuppressWarnings("unchecked")
                V v = (V) o.value;
                future.complete(v);
            } else {
                future.completeExceptionally(o.failure);
            }
        });
        return future;
    }

    /** See {@link Signal#link}: for {@link Waits}. */
    Object link(Runnable callback) {
        return signal.link(callback);
    }

    /** See {@link Signal#unlink}. */
    void unlink(Object link) {
        signal.unlink(link);
    }

    /** Wait nodes and callbacks queued now; for tests. */
    int linked() {
        return signal.linked();
    }

    @Override
    public String toString() {
        Outcome o = outcome;
        return "AsyncResult[" + (o == null ? "pending" : o.failure == null ? "value=" + o.value : "failed: " + o.failure) + "]";
    }
}
