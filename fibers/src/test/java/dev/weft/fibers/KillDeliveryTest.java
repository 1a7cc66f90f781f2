package dev.weft.fibers;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A kill is delivered or stays pending: it is never marked delivered without being thrown. */
class KillDeliveryTest {

    private static volatile boolean killed;

    /**
     * Near stack exhaustion, building the kill's exception can itself overflow the stack. If user
     * code swallows that {@link StackOverflowError}, the kill must still be pending, and thrown at
     * a later suspension point with more stack left.
     */
    @Test
    void aKillThatOverflowsTheStackWhileBeingDeliveredStaysPending() throws Exception {
        try (Hub hub = new Hub()) {
            for (int i = 0; i < 20; i++) {
                killed = false;
                CountDownLatch running = new CountDownLatch(1);
                Fiber<Void> f = hub.spawn(() -> {
                    running.countDown();
                    while (!killed) {
                        Thread.onSpinWait(); // no suspension point: the kill stays pending
                    }
                    dive();
                    Fiber.yieldNow(); // with the whole stack back, the kill must be thrown here at last
                });
                assertTrue(running.await(30, TimeUnit.SECONDS));
                f.kill();
                killed = true;
                assertTrue(f.join(Duration.ofSeconds(30)));
                assertTrue(f.isCancelled(), "try " + i + ": the kill was lost, the fiber ended " + f);
            }
        }
    }

    /** Recurses until the stack overflows, then meets a suspension point in every frame on the way back. */
    private static void dive() {
        try {
            dive();
        } catch (StackOverflowError swallowed) {
            // user code that swallows it, as some frameworks do
        }
        try {
            Fiber.yieldNow();
        } catch (StackOverflowError swallowed) {
            // the suspension point itself overflowed
        }
    }
}
