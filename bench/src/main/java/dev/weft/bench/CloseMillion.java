package dev.weft.bench;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;

import java.time.Duration;

/**
 * How long {@code Hub.close()} takes with a million fibers asleep in it: every one is killed, its
 * {@code FiberExit} unwinds it, its timer is cancelled and it completes. Not JMH: one close is one
 * measurement, repeated (the first one runs on a cold JIT, as a program's single close would).
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *      dev.weft.bench.CloseMillion [fibers [rounds]]
 * </pre>
 */
public final class CloseMillion {
    private static final CheckedRunnable SLEEPER = () -> Fiber.sleep(Duration.ofDays(1));

    private CloseMillion() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        for (int round = 1; round <= rounds; round++) {
            Hub hub = new Hub("close-million");
            hub.invoke(() -> {
                for (int i = 0; i < n; i++) {
                    Fiber.spawn(SLEEPER);
                }
                Fiber.yieldNow(); // every one of them sleeps now
                return null;
            });
            long start = System.nanoTime();
            hub.close();
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("round %d: close() of a hub with %,d sleeping fibers took %,d ms (%.0f ns per fiber)%n",
                    round, n, millis, millis * 1e6 / n);
        }
    }
}
