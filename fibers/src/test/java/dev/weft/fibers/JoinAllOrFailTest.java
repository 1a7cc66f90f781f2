package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's joinall(raise_error=True) (P16), and waiting kills (P14d). */
class JoinAllOrFailTest {
    private final Hub hub = new Hub();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void theFirstFailureInTimeIsThrownAtOnceAndTheOthersKeepRunning() throws Exception { // P16
        hub.invoke(() -> {
            Fiber<Void> sleeper = Fiber.spawn(() -> Fiber.sleep(Duration.ofDays(1)));
            Fiber<Void> second = Fiber.spawn(() -> {
                Fiber.yieldNow();
                Fiber.yieldNow();
                throw new IllegalStateException("second");
            });
            Fiber<Void> first = Fiber.spawn(() -> {
                Fiber.yieldNow();
                throw new ArithmeticException("first");
            });
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> Fiber.joinAllOrFail(List.of(sleeper, second, first), null));
            assertInstanceOf(ArithmeticException.class, e.getCause(), "the earliest failure, not the first listed");
            assertTrue(e.getMessage().contains(first.toString()), e.getMessage());
            assertTrue(sleeper.isAlive(), "the others are left running");
            sleeper.killAndJoin();
            second.join();
            return null;
        });
    }

    @Test
    void withoutFailuresItReturnsEveryFiberInCompletionOrder() throws Exception {
        List<Fiber<Integer>> done = hub.invoke(() -> {
            Fiber<Integer> slow = Fiber.spawn(() -> {
                Fiber.yieldNow();
                return 1;
            });
            Fiber<Integer> fast = Fiber.spawn(() -> 2);
            Fiber<Integer> killed = Fiber.spawn(() -> {
                Fiber.sleep(Duration.ofDays(1));
                return 3;
            });
            killed.kill(); // a kill is not a failure
            return Fiber.joinAllOrFail(List.of(slow, fast, killed), Duration.ofSeconds(30));
        });
        assertEquals(3, done.size());
        assertEquals(2, done.get(0).value());
    }

    @Test
    void killAllAndJoinWaitsForEveryCleanup() throws Exception { // P14d
        List<String> cleaned = new java.util.ArrayList<>();
        hub.invoke(() -> {
            List<Fiber<Void>> fibers = List.of(1, 2).stream().map(i -> Fiber.spawn(() -> {
                try {
                    Fiber.sleep(Duration.ofDays(1));
                } finally {
                    Fiber.sleep(Duration.ofMillis(1)); // a cleanup that blocks
                    cleaned.add("cleaned " + i);
                }
            })).toList();
            Fiber.yieldNow();
            Fiber.killAllAndJoin(fibers);
            assertEquals(List.of("cleaned 1", "cleaned 2"), cleaned);
            return null;
        });
    }
}
