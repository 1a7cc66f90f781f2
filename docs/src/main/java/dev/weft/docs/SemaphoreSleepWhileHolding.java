package dev.weft.docs;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.locks.Semaphore;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A variant of the source's §6 that is not in the source: each fiber sleeps <em>while
 * holding</em> the semaphore, then releases it and at once acquires it again.
 * <pre>
 * def f1():
 *     for i in range(5):
 *         sem.acquire()
 *         print('this is ' + str(i))
 *         gevent.sleep(2)
 *         sem.release()
 * </pre>
 * Weft prints {@code this is 0, that is 0, this is 1, ...}; gevent prints all five
 * {@code this} lines first. See {@link #WHY}. Either way the holds are serialised, so the run
 * takes 10 × S.
 */
public final class SemaphoreSleepWhileHolding {
    private SemaphoreSleepWhileHolding() {}

    /** Why the output differs from gevent's, for the demo to print. */
    public static final String WHY = """
            Weft hands a released permit to the longest waiter, so the releaser, which acquires \
            again at once, queues behind it: the fibers alternate. gevent's release only schedules \
            the waiter, and its acquire takes any free permit without looking at the queue, so the \
            releaser takes the permit back first (barging) and the second fiber starves until the \
            first is done: all five 'this' lines, then all five 'that' lines.""";

    /** Runs the program on {@code hub}, printing to {@code out}; each fiber sleeps {@code delay} holding the permit. */
    public static void run(Hub hub, PrintStream out, Duration delay) throws Exception {
        hub.invoke(() -> {
            Semaphore sem = new Semaphore(1);
            Fiber<Void> t1 = Fiber.spawn(() -> loop(sem, out, "this is ", delay));
            Fiber<Void> t2 = Fiber.spawn(() -> loop(sem, out, "that is ", delay));
            Fiber.joinAll(t1, t2);
            return null;
        });
    }

    private static Void loop(Semaphore sem, PrintStream out, String text, Duration delay) throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            sem.acquire();
            out.println(text + i);
            Fiber.sleep(delay);
            sem.release();
        }
        return null;
    }

    /** Runs the variant with the delay in seconds given as the argument (default 2). */
    public static void main(String[] args) throws Exception {
        Duration delay = Duration.ofMillis((long) ((args.length > 0 ? Double.parseDouble(args[0]) : 2.0) * 1000));
        try (Hub hub = new Hub()) {
            run(hub, System.out, delay);
        }
    }
}
