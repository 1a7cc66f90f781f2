package dev.weft.docs;

import dev.weft.fibers.Hub;

import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code ./weft demo [seconds]}: the source's programs, each under the heading of its section,
 * with the wall time it took. The delay defaults to 0.3 s; {@code ./weft demo 3} uses the
 * source's 3 s.
 */
public final class Demo {
    private Demo() {}

    /** Runs every program. */
    public static void main(String[] args) throws Exception {
        Duration delay = args.length > 0 ? Duration.ofMillis((long) (Double.parseDouble(args[0]) * 1000))
                : Duration.ofMillis(300);
        PrintStream out = System.out;
        try (Hub hub = new Hub("demo-hub")) {
            section(out, "§3 spawn, sleep(0), joinAll: the two fibers alternate", Duration.ZERO,
                    () -> SpawnAndSwitch.run(hub, out, Duration.ZERO));
            section(out, "§4 the same with sleep(" + seconds(delay) + "): they sleep together", delay.multipliedBy(5),
                    () -> SpawnAndSwitch.run(hub, out, delay));
            section(out, "§5 Semaphore(1): acquire, print, release, no sleep: one fiber runs to the end first",
                    Duration.ZERO, () -> SemaphoreNoSleep.run(hub, out));
            section(out, "§6 Semaphore(1): acquire, print, release, then sleep(" + seconds(delay) + "): they alternate",
                    delay.multipliedBy(5), () -> SemaphoreReleaseThenSleep.run(hub, out, delay));
            section(out, "variant: sleep(" + seconds(delay) + ") while holding the semaphore: Weft alternates, "
                    + "gevent starves the second fiber", delay.multipliedBy(10), () -> {
                        SemaphoreSleepWhileHolding.run(hub, out, delay);
                        out.println(SemaphoreSleepWhileHolding.WHY);
                    });
            section(out, "§7 monkey mode: 100 unchanged Runnables call Thread.sleep(100) on one carrier ("
                    + hub.carrier().getName() + ")", Duration.ofMillis(100), () -> {
                        out.println(MonkeySleep.run(hub).size() + " of 100 tasks finished");
                    });
            section(out, "§7 monkey mode: a plain thread-per-connection ServerSocket echo server, 100 plain clients "
                    + "x 100 round trips, one carrier (" + hub.carrier().getName() + ")", null, () -> {
                        long start = System.nanoTime();
                        MonkeyEcho.Result r = MonkeyEcho.run(hub, 100, 100);
                        double secondsTaken = (System.nanoTime() - start) / 1e9;
                        out.printf("%d of %d replies correct, %.0f round trips/s%n", r.correctReplies(), r.roundTrips(),
                                r.roundTrips() / secondsTaken);
                    });
        }
    }

    interface Program {
        void run() throws Exception;
    }

    static void section(PrintStream out, String title, Duration expected, Program program) throws Exception {
        out.println("== " + title);
        long start = System.nanoTime();
        program.run();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        out.println("-- took " + seconds(took) + (expected == null ? "" : " (expected about " + seconds(expected) + ")"));
        out.println();
    }

    static String seconds(Duration d) {
        return String.format("%.2f s", d.toNanos() / 1e9);
    }
}
