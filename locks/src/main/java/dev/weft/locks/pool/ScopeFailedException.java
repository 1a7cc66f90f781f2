package dev.weft.locks.pool;

/**
 * Thrown by {@link FiberScope#join()} when children of the scope failed: its cause is the first
 * child failure (in completion order), its {@linkplain #getSuppressed() suppressed} exceptions
 * are the others. Children killed by the scope are not among them.
 */
public class ScopeFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with the first child failure as its cause. */
    public ScopeFailedException(String message, Throwable firstFailure) {
        super(message, firstFailure);
    }
}
