package dev.weft.fibers;

/**
 * A fiber body without a result that may throw: what {@link java.util.concurrent.Callable} is
 * to a body with one. {@link Fiber#spawn(CheckedRunnable)} takes it instead of {@link Runnable},
 * so that a body calling a blocking method that throws a checked exception compiles as it is:
 * <pre>{@code
 * Fiber.spawn(() -> semaphore.acquire());   // acquire() throws InterruptedException
 * Fiber.spawn(() -> other.join());
 * }</pre>
 * What the body throws is the fiber's failure: {@link Fiber#get()} wraps it in an
 * {@link java.util.concurrent.ExecutionException}, {@link Scheduler#invoke} rethrows it as it is.
 */
@FunctionalInterface
public interface CheckedRunnable {
    /** Runs the body. @throws Exception anything; it becomes the fiber's failure */
    void run() throws Exception;
}
