package dev.weft.bench;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.fibers.Scheduler;

import java.time.Duration;
import java.util.Arrays;

/**
 * Where a timer storm's time goes on a group: {@code TimerStorm}'s shape (10,000 fibers spawned
 * by one fiber, each sleeping 1 ms ten times), recording for every fiber when it started, on
 * which carrier, and how long it lived. Prints, for the last three of {@code rounds} rounds, the
 * storm's time, when the spawning loop was done, how many fibers each carrier started before
 * that, and per carrier the fibers' start times (p10, p50, p90, max, from the storm's start) and
 * lives (p50, max). Not JMH: the bookkeeping lengthens each storm by a few milliseconds, so its
 * figures are for comparing schedulers with each other, not with {@code TimerStorm}'s.
 *
 * <p>{@code java <flags> -cp bench/target/benchmarks.jar dev.weft.bench.StormStarts ROUNDS hub|N}:
 * a {@link Hub}, or a {@link MultiCarrierScheduler} of N carriers (carrier k's thread name ends
 * in {@code -k}).
 */
public final class StormStarts {
    private static final int FIBERS = 10_000;
    private static final int SLEEPS = 10;

    private StormStarts() {}

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int carriers = args[1].equals("hub") ? 1 : Integer.parseInt(args[1]);
        try (Scheduler s = args[1].equals("hub") ? new Hub("storm-hub") : new MultiCarrierScheduler(carriers)) {
            for (int r = 0; r < rounds; r++) {
                long[] start = new long[FIBERS];
                long[] end = new long[FIBERS];
                int[] carrier = new int[FIBERS];
                long t0 = System.nanoTime();
                long spawned = s.invoke(() -> storm(start, end, carrier));
                long storm = System.nanoTime() - t0;
                if (r >= rounds - 3) {
                    StringBuilder line = new StringBuilder(String.format("round %d: %.1f ms, spawned by %.2f ms;",
                            r, storm / 1e6, (spawned - t0) / 1e6));
                    for (int c = 0; c < carriers; c++) {
                        line.append(perCarrier(c, t0, spawned, start, end, carrier));
                    }
                    System.out.println(line);
                }
            }
        }
    }

    /** One storm; returns when the spawning loop was done. */
    private static long storm(long[] start, long[] end, int[] carrier) throws InterruptedException {
        Fiber<?>[] fibers = new Fiber<?>[FIBERS];
        for (int i = 0; i < FIBERS; i++) {
            int id = i;
            fibers[i] = Fiber.spawn(() -> {
                start[id] = System.nanoTime();
                carrier[id] = carrierIndex(Thread.currentThread().getName());
                for (int k = 0; k < SLEEPS; k++) {
                    Fiber.sleep(Duration.ofMillis(1));
                }
                end[id] = System.nanoTime();
            });
        }
        long spawned = System.nanoTime();
        for (Fiber<?> f : fibers) {
            f.join();
        }
        return spawned;
    }

    /** k - 1 for a group's carrier named "...-k", else 0 (a hub's); no exception on the fibers' path. */
    private static int carrierIndex(String name) {
        int k = 0;
        for (int i = name.lastIndexOf('-') + 1; i > 0 && i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < '0' || ch > '9') {
                return 0;
            }
            k = k * 10 + (ch - '0');
        }
        return Math.max(0, k - 1);
    }

    private static String perCarrier(int c, long t0, long spawned, long[] start, long[] end, int[] carrier) {
        long[] starts = new long[FIBERS];
        long[] lives = new long[FIBERS];
        int n = 0;
        int early = 0;
        for (int i = 0; i < FIBERS; i++) {
            if (carrier[i] == c) {
                starts[n] = start[i] - t0;
                lives[n++] = end[i] - start[i];
                early += start[i] < spawned ? 1 : 0;
            }
        }
        if (n == 0) {
            return String.format(" | carrier %d: none", c);
        }
        starts = Arrays.copyOf(starts, n);
        lives = Arrays.copyOf(lives, n);
        Arrays.sort(starts);
        Arrays.sort(lives);
        return String.format(" | carrier %d: %d fibers, %d started while spawning; start p10 %.2f p50 %.2f p90 %.2f max %.2f ms;"
                        + " life p50 %.2f max %.2f ms", c, n, early, starts[n / 10] / 1e6, starts[n / 2] / 1e6,
                starts[n * 9 / 10] / 1e6, starts[n - 1] / 1e6, lives[n / 2] / 1e6, lives[n - 1] / 1e6);
    }
}
