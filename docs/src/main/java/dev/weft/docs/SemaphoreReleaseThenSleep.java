package dev.weft.docs;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.locks.Semaphore;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The source's §6: like §5 ({@link SemaphoreNoSleep}), but each fiber sleeps after it has
 * released the semaphore. gevent:
 * <pre>
 * def f1():
 *     for i in range(5):
 *         sem.acquire()
 *         print('this is ' + str(i))
 *         sem.release()
 *         gevent.sleep(2)
 * </pre>
 * Output: {@code this is 0, that is 0, this is 1, ...}: the two fibers alternate, and since
 * they sleep at the same time the run takes 5 × S, not 10 × S.
 */
public final class SemaphoreReleaseThenSleep {
    private SemaphoreReleaseThenSleep() {}

    /** Runs the program on {@code hub}, printing to {@code out}; each fiber sleeps {@code delay}. */
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
            sem.release();
            Fiber.sleep(delay);
        }
        return null;
    }

    /** Runs §6 with the delay in seconds given as the argument (default 2, as the source). */
    public static void main(String[] args) throws Exception {
        Duration delay = Duration.ofMillis((long) ((args.length > 0 ? Double.parseDouble(args[0]) : 2.0) * 1000));
        try (Hub hub = new Hub()) {
            run(hub, System.out, delay);
        }
    }
}
