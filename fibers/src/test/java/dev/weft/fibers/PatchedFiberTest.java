package dev.weft.fibers;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reliability of patched fibers (monkey mode) at the edges of their life: a kill or a timeout
 * racing the fiber's own run leaves no interrupt behind, and a patched fiber whose first turn
 * comes after {@code close()} began still completes.
 *
 * <p>The races here are between the strand that kills (or the timer that fires) and the fiber
 * that runs meanwhile on its carrier; each test repeats its race many times and counts the
 * outcomes that must never happen, so a defect that shows in a few percent of the tries fails
 * the test on every run.
 */
class PatchedFiberTest {
    private static final int TRIES = 5_000;
    private static final Duration BOUND = Duration.ofSeconds(30);

    /**
     * A kill racing a patched fiber that keeps running (it yields in a loop): the fiber handles
     * its FiberExit and goes on; after one more turn it must not be interrupted. A stray
     * interrupt makes every later park return at once, so a Weft wait loop would spin on its
     * carrier forever.
     */
    @Test
    void aKillLeavesNoInterruptBehindOnceDelivered() throws Exception {
        AtomicInteger strays = new AtomicInteger();
        try (Hub hub = new Hub()) {
            for (int i = 0; i < TRIES; i++) {
                CountDownLatch running = new CountDownLatch(1);
                Fiber<Void> f = Monkey.spawn(hub, () -> {
                    running.countDown();
                    try {
                        while (true) {
                            Fiber.yieldNow();
                        }
                    } catch (FiberExit handled) {
                        Fiber.yieldNow(); // the killer's interrupt, if late, lands by now
                        if (Thread.currentThread().isInterrupted()) {
                            strays.incrementAndGet();
                        }
                    }
                });
                assertTrue(running.await(BOUND.toSeconds(), TimeUnit.SECONDS), "the patched fiber started");
                f.kill();
                assertTrue(f.join(BOUND), "the killed patched fiber ended");
            }
        }
        assertEquals(0, strays.get(), "patched fibers left interrupted after handling their kill, of " + TRIES);
    }

    /** The same for a Timeout that expires while the patched fiber runs: its interrupt must not outlive it. */
    @Test
    void anExpiredTimeoutLeavesNoInterruptBehindOnceDelivered() throws Exception {
        AtomicInteger strays = new AtomicInteger();
        try (MultiCarrierScheduler group = new MultiCarrierScheduler(1)) { // its timers fire on another thread
            for (int i = 0; i < TRIES; i++) {
                Fiber<Void> f = Monkey.spawn(group, () -> {
                    try (Timeout t = Timeout.after(Duration.ofNanos(20_000))) {
                        while (true) {
                            Fiber.yieldNow();
                        }
                    } catch (TimeoutExpired expected) {
                        Fiber.yieldNow();
                        if (Thread.currentThread().isInterrupted()) {
                            strays.incrementAndGet();
                        }
                    }
                });
                assertTrue(f.join(BOUND), "the timed-out patched fiber ended");
            }
        }
        assertEquals(0, strays.get(), "patched fibers left interrupted after handling their timeout, of " + TRIES);
    }

    /**
     * The reproducer, in its effect: after a timeout a patched fiber waits in a Weft
     * wait loop (a join) for a fiber of its own carrier, which must get to run. With a stray
     * interrupt the join spins on the only carrier and the fiber it waits for never runs.
     */
    @Test
    void aWaitAfterATimeoutGivesTheCarrierToTheOthers() throws Exception {
        try (MultiCarrierScheduler group = new MultiCarrierScheduler(1)) {
            for (int i = 0; i < 50; i++) {
                Fiber<Boolean> f = Monkey.spawn(group, () -> {
                    Timeout.withTimeout(Duration.ofNanos(100_000), () -> {
                        while (true) {
                            Fiber.yieldNow();
                        }
                    }, null);
                    Fiber<Void> other = Fiber.spawn(() -> Fiber.sleep(Duration.ofMillis(1)));
                    other.join();
                    return other.isDone();
                });
                assertTrue(f.join(BOUND), "the patched fiber's wait ended: its carrier was not livelocked");
                assertTrue(f.get());
            }
        }
    }

    /**
     * A patched fiber whose first turn comes after close() began: close kills it at its start,
     * and it must still complete (killed), so that close() returns and join() does too.
     */
    @Test
    void aPatchedFiberSpawnedRightBeforeCloseCompletesAndCloseReturns() throws Exception {
        for (int i = 0; i < 100; i++) {
            MultiCarrierScheduler group = new MultiCarrierScheduler(2);
            Fiber<Void> f = Monkey.spawn(group, () -> { });
            assertTrue(closesWithin(group, BOUND), "MultiCarrierScheduler.close() returned");
            assertTrue(f.join(BOUND), "the patched fiber completed");

            Hub hub = new Hub();
            Fiber<Void> g = Monkey.spawn(hub, () -> { });
            assertTrue(closesWithin(hub, BOUND), "Hub.close() returned");
            assertTrue(g.join(BOUND), "the patched fiber completed");
        }
    }

    /** Closes {@code scheduler} from a helper thread, so that a hung close fails the test instead of hanging it. */
    private static boolean closesWithin(Scheduler scheduler, Duration bound) throws InterruptedException {
        Thread closer = Thread.ofPlatform().daemon().name("closer").start(scheduler::close);
        closer.join(bound);
        return !closer.isAlive();
    }
}
