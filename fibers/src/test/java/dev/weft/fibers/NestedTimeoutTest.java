package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Nested timeouts that expire in the same timer pass: each is delivered, one after the other,
 * never lost. gevent delivers the first when its timer fires and the second at the fiber's next
 * switch after the first was handled; Weft does the same at its suspension points.
 */
class NestedTimeoutTest {
    private final Hub hub = new Hub();
    private final List<String> log = new ArrayList<>();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    /**
     * Blocks the hub's carrier for {@code millis}, so that every timer due meanwhile fires in one
     * pass. The deadlines below are far apart (a tenth of a second) so that a pause of the test's
     * thread between opening two timeouts cannot swap their order.
     */
    private static void spinCarrier(long millis) {
        Fiber.spawn(() -> {
            long end = System.nanoTime() + Duration.ofMillis(millis).toNanos();
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        });
    }

    @Test
    void theOuterTimeoutIsDeliveredAfterTheInnerWasHandled() throws Exception {
        hub.invoke(() -> {
            spinCarrier(400);
            Timeout outer = Timeout.after(Duration.ofMillis(200));
            TimeoutExpired thrown = assertThrows(TimeoutExpired.class, () -> {
                try (outer) {
                    Timeout inner = Timeout.after(Duration.ofMillis(20));
                    try (inner) {
                        Fiber.sleep(Duration.ofSeconds(1));
                    } catch (TimeoutExpired e) {
                        assertSame(inner, e.timeout(), "the inner expired first");
                        log.add("inner handled");
                    }
                    Fiber.sleep(Duration.ofSeconds(5)); // must be cut by the outer timeout
                    log.add("outer lost");
                }
            });
            assertSame(outer, thrown.timeout());
            return null;
        });
        assertEquals(List.of("inner handled"), log);
    }

    @Test
    void anOuterTimeoutThatFiresFirstClosesTheInnerAndTheInnerIsNotThrownLater() throws Exception {
        hub.invoke(() -> {
            spinCarrier(400);
            Timeout outer = Timeout.after(Duration.ofMillis(20));
            TimeoutExpired thrown = assertThrows(TimeoutExpired.class, () -> {
                try (outer) {
                    try (Timeout inner = Timeout.after(Duration.ofMillis(200))) {
                        Fiber.sleep(Duration.ofSeconds(1));
                    }
                }
            });
            assertSame(outer, thrown.timeout(), "the earlier deadline is delivered first");
            Fiber.sleep(Duration.ofMillis(1)); // the inner, closed by the outer's propagation, is never thrown
            log.add("after");
            return null;
        });
        assertEquals(List.of("after"), log);
    }

    @Test
    void threeLevelsExpiringTogetherAreDeliveredInnermostFirst() throws Exception {
        hub.invoke(() -> {
            spinCarrier(500);
            Timeout a = Timeout.after(Duration.ofMillis(300));
            try (a) {
                Timeout b = Timeout.after(Duration.ofMillis(160));
                try (b) {
                    Timeout c = Timeout.after(Duration.ofMillis(20));
                    try (c) {
                        Fiber.sleep(Duration.ofSeconds(1));
                    } catch (TimeoutExpired e) {
                        log.add(e.timeout() == c ? "c" : "not c");
                    }
                    Fiber.yieldNow();
                } catch (TimeoutExpired e) {
                    log.add(e.timeout() == b ? "b" : "not b");
                }
                Fiber.yieldNow();
            } catch (TimeoutExpired e) {
                log.add(e.timeout() == a ? "a" : "not a");
            }
            return null;
        });
        assertEquals(List.of("c", "b", "a"), log);
    }

    /**
     * The timers of one fiber may fire out of deadline order when they live on different timer
     * structures (a patched fiber of a multi-carrier scheduler). Here the outer timeout's expiry
     * is posted directly, as a timer elsewhere would, while the inner one is due (opened with a
     * zero duration) but its timer has not run (the fiber has not suspended since): the
     * suspension point must throw the inner one, which was due first, and the outer one after.
     */
    @Test
    void aTimeoutDueEarlierIsThrownBeforeOneWhoseTimerFiredFirst() throws Exception {
        hub.invoke(() -> {
            Timeout outer = Timeout.after(Duration.ofHours(1));
            TimeoutExpired thrown = assertThrows(TimeoutExpired.class, () -> {
                try (outer) {
                    Timeout inner = Timeout.after(Duration.ZERO);
                    try (inner) {
                        outer.expire(); // the outer's timer fires first, on "another structure"
                        Fiber.yieldNow();
                        log.add("inner lost");
                    } catch (TimeoutExpired e) {
                        assertSame(inner, e.timeout(), "the inner was due first");
                        log.add("inner handled");
                    }
                    Fiber.yieldNow(); // the outer, still pending
                    log.add("outer lost");
                }
            });
            assertSame(outer, thrown.timeout());
            return null;
        });
        assertEquals(List.of("inner handled"), log);
    }
}
