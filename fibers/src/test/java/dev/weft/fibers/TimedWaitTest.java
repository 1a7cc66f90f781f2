package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A timed wait that times out, or whose waiter is killed, leaves nothing behind in the fiber it
 * waited for: {@code while (!f.join(timeout)) {...}} on a long-lived fiber runs in constant
 * memory, and the fiber's completion wakes no stale waiter.
 */
class TimedWaitTest {
    private static final int ROUNDS = 1_000;
    private final Hub hub = new Hub();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    private Fiber<Void> longLived() {
        return hub.spawn(() -> Fiber.sleep(Duration.ofDays(1)));
    }

    @Test
    void timedJoinsFromAThreadLeaveNoWaiter() throws Exception {
        Fiber<Void> f = longLived();
        for (int i = 0; i < ROUNDS; i++) {
            assertFalse(f.join(Duration.ofNanos(1)));
        }
        assertEquals(0, f.waiterNodes());
        f.kill();
    }

    @Test
    void timedGetsFromAFiberLeaveNoWaiter() throws Exception {
        Fiber<Void> f = longLived();
        hub.invoke(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                assertThrows(TimeoutException.class, () -> f.get(1, TimeUnit.NANOSECONDS));
                assertFalse(f.join(Duration.ofNanos(1_000)));
            }
            return null;
        });
        assertEquals(0, f.waiterNodes());
        f.kill();
    }

    @Test
    void timedJoinAllLeavesNoCallbackInTheFibersItDidNotSeeEnd() throws Exception {
        Fiber<Void> a = longLived();
        Fiber<Void> b = longLived();
        Fiber<Void> done = hub.spawn(() -> { });
        done.join();
        for (int i = 0; i < ROUNDS; i++) {
            List<Fiber<Void>> finished = Fiber.joinAll(List.of(a, done, b), Duration.ofNanos(1), 3);
            assertEquals(List.of(done), finished);
        }
        assertEquals(0, a.waiterNodes());
        assertEquals(0, b.waiterNodes());
        a.kill();
        b.kill();
    }

    @Test
    void aJoinerKilledWhileWaitingLeavesNoWaiter() throws Exception {
        Fiber<Void> target = longLived();
        for (int i = 0; i < 100; i++) {
            Fiber<Void> joiner = hub.spawn(() -> {
                try {
                    target.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            hub.invoke(() -> {
                Fiber.yieldNow(); // the joiner is parked in join() now
                joiner.kill();
                joiner.join();
                return null;
            });
            assertTrue(joiner.isCancelled());
        }
        assertEquals(0, target.waiterNodes());
        target.kill();
    }
}
