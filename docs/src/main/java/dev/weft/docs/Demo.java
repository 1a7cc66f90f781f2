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
        out.println("-- took " + seconds(took) + " (expected about " + seconds(expected) + ")");
        out.println();
    }

    static String seconds(Duration d) {
        return String.format("%.2f s", d.toNanos() / 1e9);
    }
}
