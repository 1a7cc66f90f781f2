package dev.weft.docs;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The getting-started example of {@code docs/getting-started.md}: spawn, sleep, join, kill and
 * a timeout, on a hub of your own.
 */
public final class FirstFiber {
    private FirstFiber() {}

    /** Runs the example and returns what it printed, line by line. */
    public static List<String> run() throws Exception {
        List<String> out = new ArrayList<>();
        try (Hub hub = new Hub()) {                       // one carrier thread; closed = all fibers ended
            hub.invoke(() -> {                            // the main body runs as a fiber too
                Fiber<Integer> answer = Fiber.spawn(() -> {
                    Fiber.sleep(Duration.ofMillis(10));   // suspends this fiber only
                    return 42;
                });
                Fiber<Void> forever = Fiber.spawn(() -> {
                    try {
                        Fiber.sleep(Duration.ofDays(1));
                    } finally {
                        out.add("cleaned up after kill");
                    }
                });
                out.add("answer: " + answer.get());       // get() waits for the value
                forever.kill();                           // FiberExit at its sleep; finally runs
                forever.join();
                try (Timeout t = Timeout.after(Duration.ofMillis(5))) {
                    Fiber.sleep(Duration.ofSeconds(1));
                } catch (TimeoutExpired e) {
                    out.add("timed out after " + e.timeout().duration().toMillis() + " ms");
                }
                return null;
            });
        }
        return out;
    }

    /** Prints what {@link #run()} returns. */
    public static void main(String[] args) throws Exception {
        run().forEach(System.out::println);
    }
}
