package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** joinAll with count and timeout (probe P16). */
class JoinAllTest {
    private final Hub hub = new Hub();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void returnsTheFibersInCompletionOrder() throws Exception {
        hub.invoke(() -> {
            Fiber<String> slow = Fiber.spawn(() -> {
                Fiber.yieldNow();
                Fiber.yieldNow();
                return "slow";
            });
            Fiber<String> fast = Fiber.spawn(() -> "fast");
            assertEquals(List.of(fast, slow), Fiber.joinAll(slow, fast));
            return null;
        });
    }

    @Test
    void withACountReturnsTheFirstFinishers() throws Exception { // P16b
        hub.invoke(() -> {
            Fiber<String> a = Fiber.spawn(() -> {
                Fiber.sleep(Duration.ofDays(1));
                return "a";
            });
            Fiber<String> b = Fiber.spawn(() -> "b");
            assertEquals(List.of(b), Fiber.joinAll(List.of(a, b), null, 1));
            a.kill();
            return null;
        });
    }

    @Test
    void withATimeoutReturnsWhatFinishedInTime() throws Exception { // P16c
        hub.invoke(() -> {
            Fiber<Void> sleeper = Fiber.spawn(() -> Fiber.sleep(Duration.ofDays(1)));
            assertEquals(List.of(), Fiber.joinAll(List.of(sleeper), Duration.ofMillis(1), 1));
            sleeper.kill();
            return null;
        });
    }

    @Test
    void fibersAlreadyDoneComeFirstInTheOrderGiven() throws Exception {
        hub.invoke(() -> {
            Fiber<Integer> one = Fiber.spawn(() -> 1);
            Fiber<Integer> two = Fiber.spawn(() -> 2);
            Fiber.yieldNow(); // both finish
            assertEquals(List.of(two, one), Fiber.joinAll(two, one));
            return null;
        });
    }

    @Test
    void aThreadCanJoinAllAndDuplicatesAreAllowed() throws Exception {
        Fiber<Integer> f = hub.spawn(() -> 1);
        assertEquals(2, Fiber.joinAll(f, f).size());
        assertTrue(f.isDone());
    }

    @Test
    void aFiberCannotJoinAllWithItself() throws Exception {
        hub.invoke(() -> {
            Fiber<?> me = Fiber.current();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Fiber.joinAll(List.of(me)));
            assertTrue(e.getMessage().contains("wait for itself"));
            return null;
        });
    }

    @Test
    void aNegativeCountIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Fiber.joinAll(List.of(), null, -1));
    }
}
