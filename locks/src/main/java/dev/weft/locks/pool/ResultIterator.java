package dev.weft.locks.pool;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * The results of {@link Pool#imap} or {@link Pool#imapUnordered}, computed lazily by fibers of
 * the pool as the iteration proceeds: gevent's {@code IMap}/{@code IMapUnordered}.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>Order.</b> {@code imap} yields results in input order; {@code imapUnordered} in the
 *       order the tasks completed.</li>
 *   <li><b>Bounded.</b> At most the pool's size of items is in flight (running, or done and not
 *       yet consumed) at any time; the input is read, in the iterating strand, only to top that
 *       up. A slow consumer therefore slows the producers instead of growing a buffer.</li>
 *   <li><b>Failures at their position.</b> A task that failed makes {@link #next()} throw
 *       {@link CompletionException} with the failure as its cause, where its result would have
 *       been; a task killed by someone else makes it throw {@link CancellationException}. Either
 *       way the iteration can go on with the next result (gevent's {@code TestErrorInHandler}).</li>
 *   <li><b>Clean end.</b> {@link #close()} kills the tasks still in flight and waits for them to
 *       end; a kill of the iterating fiber while it waits in {@code next()} kills them too (without
 *       waiting). A {@link dev.weft.fibers.Timeout} or a thread interrupt in {@code next()} leaves
 *       the iteration as it was: calling {@code next()} again goes on waiting for the same result.
 *       A thread interrupt arrives as {@link CompletionException} caused by
 *       {@link InterruptedException}, with the interrupt status left set.</li>
 * </ol>
 * One strand iterates at a time; the iterator is not meant to be shared.
 *
 * @param <R> the type of the results
 */
public interface ResultIterator<R> extends Iterator<R>, AutoCloseable {

    /**
     * Whether there is another result: one in flight, or another input item.
     */
    @Override
    boolean hasNext();

    /**
     * Waits for the next result (see the class guarantees); spawns tasks for the next items
     * as slots and the bound allow.
     *
     * @throws NoSuchElementException if there is none, or the iterator was closed
     * @throws CompletionException if this position's task failed (its failure is the cause), or
     *                             a waiting thread was interrupted
     * @throws CancellationException if this position's task was killed by someone else
     */
    @Override
    R next();

    /** Kills the tasks still in flight and waits for them to end; reads no more input. Idempotent. */
    @Override
    void close();
}
