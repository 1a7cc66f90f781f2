package dev.weft.locks;

/**
 * A {@link Semaphore} that can never hold more than its initial permits: a release beyond
 * that is a bug (a double release), and fails loudly instead of silently widening the
 * semaphore. gevent's {@code BoundedSemaphore}, which its documentation recommends over
 * {@code Semaphore}.
 *
 * <h2>Assumptions</h2>
 * <ol>
 *   <li>Those of {@link Semaphore}; permits are still not owned, so a release by another
 *       strand than the acquirer is allowed.</li>
 * </ol>
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>Every guarantee of {@link Semaphore}: strict FIFO hand-off, no barging, clean leaving,
 *       one CAS and no allocation when uncontended.</li>
 *   <li>{@link #release(int)} that would make the free count exceed {@link #bound()} throws an
 *       {@link IllegalStateException} saying so, and leaves the count unchanged. (gevent raises
 *       {@code ValueError("Semaphore released too many times")}.) Permits handed to a waiter
 *       count as held from the moment they are handed over, so a correct program never sees
 *       this error. A release that races with a waiter cancelling at the very moment its
 *       permits were being handed over is checked against the count without those permits,
 *       so in that window an over-release may be reported late or not at all.</li>
 *   <li>{@code acquire(n)} with {@code n} above the bound throws
 *       {@link IllegalArgumentException} instead of waiting forever.</li>
 * </ol>
 */
public final class BoundedSemaphore extends Semaphore {

    /**
     * Creates a semaphore with {@code permits} free permits, which is also its bound.
     *
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public BoundedSemaphore(int permits) {
        super(permits, Math.max(permits, 0));
    }

    /** The most permits this semaphore can hold: its initial count. */
    public int bound() {
        return bound;
    }
}
