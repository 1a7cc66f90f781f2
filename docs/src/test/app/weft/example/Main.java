package weft.example;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Monkey;
import dev.weft.locks.Held;
import dev.weft.locks.Semaphore;

import java.time.Duration;

/**
 * A user's program, run by ModulePathTest in a child JVM with Weft on the module path (this
 * file and module-info.java form the module weft.example) and on the class path (this file
 * alone): a plain fiber that takes a Weft lock and sleeps, and a patched fiber (monkey mode) that
 * calls Thread.sleep.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        System.out.println("weft in a named module: " + Fiber.class.getModule().isNamed());
        Semaphore lock = new Semaphore(1);
        try (Hub hub = new Hub()) {
            int answer = hub.invoke(() -> {
                Fiber<Integer> f = Fiber.spawn(() -> {
                    try (Held h = lock.hold()) {
                        Fiber.sleep(Duration.ofMillis(1));
                        return 42;
                    }
                });
                return f.get();
            });
            System.out.println("fiber: " + answer);
            Fiber<String> patched = Monkey.spawn(hub, () -> {
                Thread.sleep(1);
                return "slept";
            });
            System.out.println("patched fiber: " + patched.get());
        }
    }
}
