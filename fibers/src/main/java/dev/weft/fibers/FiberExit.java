package dev.weft.fibers;

/**
 * Thrown inside a fiber at its current or next suspension point when it is
 * {@link Fiber#kill() killed}: Weft's {@code GreenletExit}.
 *
 * <p>It is an {@link Error}, not an {@link Exception}, for the reason gevent makes
 * {@code GreenletExit} a {@code BaseException}: an ordinary {@code catch (Exception e)} must not
 * swallow a kill. {@code finally} blocks and try-with-resources run as it propagates. To clean
 * up on a kill deliberately, catch it by name and rethrow it:
 * <pre>{@code
 * try {
 *     serve(connection);
 * } catch (FiberExit exit) {
 *     connection.sayGoodbye();
 *     throw exit;
 * }
 * }</pre>
 * A fiber that ends with a {@code FiberExit} counts as killed: {@link Fiber#isCancelled()} is
 * true, {@link Fiber#isSuccessful()} is true (as in gevent), and nothing is reported.
 */
public class FiberExit extends Error {
    private static final long serialVersionUID = 1L;

    /** Creates the exception a plain {@link Fiber#kill()} delivers. */
    public FiberExit() {
        super("fiber killed");
    }

    /** Creates a kill exception with a message of your own. */
    public FiberExit(String message) {
        super(message);
    }

    private FiberExit(String message, boolean writableStackTrace) {
        super(message, null, true, writableStackTrace);
    }

    /**
     * The exception a plain kill throws in its fiber: without a stack trace, which would cost
     * more than the rest of the kill (filling one in is about 15 us on a deep stack) and only
     * repeat where the fiber was suspended.
     */
    static FiberExit plainKill() {
        return new FiberExit("fiber killed", false);
    }
}
