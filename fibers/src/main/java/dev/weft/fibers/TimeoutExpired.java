package dev.weft.fibers;

/**
 * Thrown inside a fiber at its current or next suspension point once a {@link Timeout} it
 * opened has expired.
 *
 * <p>An {@link Error}, like gevent's {@code Timeout} (a {@code BaseException}), so that a
 * {@code catch (Exception e)} in the code being timed does not swallow it. With nested
 * timeouts, {@link #timeout()} says which one fired; catch only your own:
 * <pre>{@code
 * Timeout t = Timeout.after(Duration.ofSeconds(2));
 * try (t) {
 *     return fetch();
 * } catch (TimeoutExpired e) {
 *     if (e.timeout() != t) throw e;   // an outer timeout: not ours to handle
 *     return fallback();
 * }
 * }</pre>
 */
public class TimeoutExpired extends Error {
    private static final long serialVersionUID = 1L;

    private final transient Timeout timeout;

    TimeoutExpired(Timeout timeout) {
        super("timeout of " + timeout.duration() + " expired");
        this.timeout = timeout;
    }

    /** The timeout that fired. */
    public Timeout timeout() {
        return timeout;
    }
}
