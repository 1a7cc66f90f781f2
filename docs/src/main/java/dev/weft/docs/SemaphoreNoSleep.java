package dev.weft.docs;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.locks.Semaphore;

import java.io.PrintStream;

/**
 * The source's §5: two fibers share a {@code Semaphore(1)}; each acquires it, prints, and
 * releases it, five times, without sleeping. gevent:
 * <pre>
 * sem = Semaphore(1)
 * def f1():
 *     for i in range(5):
 *         sem.acquire()
 *         print('this is ' + str(i))
 *         sem.release()
 * </pre>
 * Output: all five {@code this is i} lines, then all five {@code that is i} lines. An
 * uncontended acquire never blocks and a release never switches, so nothing makes the first
 * fiber give way before it ends.
 */
public final class SemaphoreNoSleep {
    private SemaphoreNoSleep() {}

    /** Runs the program on {@code hub}, printing to {@code out}. */
    public static void run(Hub hub, PrintStream out) throws Exception {
        hub.invoke(() -> {
            Semaphore sem = new Semaphore(1);
            Fiber<Void> t1 = Fiber.spawn(() -> loop(sem, out, "this is "));
            Fiber<Void> t2 = Fiber.spawn(() -> loop(sem, out, "that is "));
            Fiber.joinAll(t1, t2);
            return null;
        });
    }

    private static Void loop(Semaphore sem, PrintStream out, String text) throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            sem.acquire();
            out.println(text + i);
            sem.release();
        }
        return null;
    }

    /** Runs §5. */
    public static void main(String[] args) throws Exception {
        try (Hub hub = new Hub()) {
            run(hub, System.out);
        }
    }
}
