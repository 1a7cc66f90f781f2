package dev.weft.docs;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The source's §3 (with {@code delay} zero) and §4 (with a delay): two fibers each print five
 * lines, handing over to the other after every line with {@code Fiber.sleep}. gevent:
 * <pre>
 * def f1():
 *     for i in range(5):
 *         print('this is ' + str(i))
 *         gevent.sleep(0)
 * t1 = gevent.spawn(f1); t2 = gevent.spawn(f2)
 * gevent.joinall([t1, t2])
 * </pre>
 * Output: {@code this is 0, that is 0, this is 1, ...}. With a delay S the two fibers sleep at
 * the same time, so the run takes 5 × S, not 10 × S.
 */
public final class SpawnAndSwitch {
    private SpawnAndSwitch() {}

    /** Runs the program on {@code hub}, printing to {@code out}. */
    public static void run(Hub hub, PrintStream out, Duration delay) throws Exception {
        hub.invoke(() -> {
            Fiber<Void> t1 = Fiber.spawn(() -> {
                for (int i = 0; i < 5; i++) {
                    out.println("this is " + i);
                    Fiber.sleep(delay);
                }
            });
            Fiber<Void> t2 = Fiber.spawn(() -> {
                for (int i = 0; i < 5; i++) {
                    out.println("that is " + i);
                    Fiber.sleep(delay);
                }
            });
            Fiber.joinAll(t1, t2);
            return null;
        });
    }

    /** Runs §3 ({@code sleep(0)}), or §4 with the delay in seconds given as the argument. */
    public static void main(String[] args) throws Exception {
        Duration delay = args.length > 0 ? Duration.ofMillis((long) (Double.parseDouble(args[0]) * 1000)) : Duration.ZERO;
        try (Hub hub = new Hub()) {
            run(hub, System.out, delay);
        }
    }
}
