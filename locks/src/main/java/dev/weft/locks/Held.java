package dev.weft.locks;

/**
 * A permit or lock hold, for try-with-resources: closing it releases what was acquired.
 * <pre>{@code
 * try (Held h = semaphore.hold()) {
 *     useTheResource();
 * }
 * }</pre>
 *
 * <h2>Assumptions</h2>
 * <ol>
 *   <li>It is closed exactly once, by the strand that acquired it (as try-with-resources
 *       does). The object is shared by every hold of the same semaphore or lock, so a second
 *       {@link #close()} is a second release, not a no-op.</li>
 * </ol>
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>Obtaining and closing one allocates nothing.</li>
 *   <li>{@link #close()} is exactly {@link Semaphore#release()} or {@link ReentrantLock#unlock()},
 *       with their guarantees and their errors.</li>
 * </ol>
 */
@FunctionalInterface
public interface Held extends AutoCloseable {
    /** Releases the permit or the lock hold. Throws no checked exception. */
    @Override
    void close();
}
