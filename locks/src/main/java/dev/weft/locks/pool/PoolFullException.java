package dev.weft.locks.pool;

/**
 * Thrown by a non-blocking or timed {@link Pool#add(dev.weft.fibers.Fiber, java.time.Duration) add}
 * or {@link Pool#spawn(java.util.concurrent.Callable, java.time.Duration) spawn} when no slot of
 * the pool became free in time: gevent's {@code PoolFull}. Nothing was added or spawned.
 */
public class PoolFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says which pool and what to do. */
    public PoolFullException(String message) {
        super(message);
    }
}
