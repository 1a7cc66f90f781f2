package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scoped timeouts (probe P17). */
class TimeoutTest {
    private final Hub hub = new Hub();
    private final List<String> log = new ArrayList<>();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void anExpiredTimeoutIsThrownAtTheNextSuspensionPoint() throws Exception { // P17
        hub.invoke(() -> {
            Timeout t = Timeout.after(Duration.ofMillis(5));
            TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> {
                try (t) {
                    Fiber.sleep(Duration.ofDays(1));
                }
            });
            assertSame(t, e.timeout());
            assertTrue(e.getMessage().contains("PT0.005S"));
            return null;
        });
    }

    @Test
    void nestedTimeoutsTellWhichFired() throws Exception { // P17d
        hub.invoke(() -> {
            Timeout outer = Timeout.after(Duration.ofMillis(5));
            Timeout inner = Timeout.after(Duration.ofDays(1));
            TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> {
                try (outer; inner) {
                    Fiber.sleep(Duration.ofDays(1));
                }
            });
            assertSame(outer, e.timeout());
            return null;
        });
    }

    @Test
    void theInnerOfTwoNestedTimeoutsCanFireFirst() throws Exception {
        hub.invoke(() -> {
            Timeout outer = Timeout.after(Duration.ofDays(1));
            try (outer) {
                Timeout inner = Timeout.after(Duration.ofMillis(1));
                try (inner) {
                    Fiber.sleep(Duration.ofDays(1));
                } catch (TimeoutExpired e) {
                    assertSame(inner, e.timeout());
                    log.add("inner caught");
                }
                Fiber.yieldNow(); // the outer is still armed and has not fired
                log.add("outer still open");
            }
            return null;
        });
        assertEquals(List.of("inner caught", "outer still open"), log);
    }

    @Test
    void aClosedTimeoutNeverFires() throws Exception {
        int timersAfterClose = hub.invoke(() -> {
            try (Timeout t = Timeout.after(Duration.ofMillis(1))) {
                log.add("quick work");
            }
            int timers = hub.pendingTimers();
            Fiber.sleep(Duration.ofMillis(5)); // past the deadline: nothing is thrown
            log.add("after");
            return timers;
        });
        assertEquals(List.of("quick work", "after"), log);
        assertEquals(0, timersAfterClose, "close() removes the timeout's timer");
    }

    @Test
    void anExpiryNotYetThrownIsDroppedByClose() throws Exception {
        hub.invoke(() -> {
            Timeout t = Timeout.after(Duration.ofDays(1));
            try (t) {
                t.expire(); // as the timer does: pending, not thrown yet
                log.add("no suspension point inside the scope");
            }
            Fiber.yieldNow(); // a suspension point after close: the dropped expiry must not surface
            log.add("clean");
            return null;
        });
        assertEquals(List.of("no suspension point inside the scope", "clean"), log);
    }

    @Test
    void withTimeoutReturnsTheFallbackWhenItExpires() throws Exception { // P17e
        assertEquals("X", hub.invoke(() -> Timeout.withTimeout(Duration.ofMillis(1), () -> {
            Fiber.sleep(Duration.ofDays(1));
            return "done";
        }, "X")));
        assertEquals("done", hub.invoke(() -> Timeout.withTimeout(Duration.ofDays(1), () -> "done", "X")));
    }

    @Test
    void withTimeoutWithoutFallbackThrows() {
        assertThrows(TimeoutExpired.class, () -> hub.invoke(() -> Timeout.withTimeout(Duration.ofMillis(1), () -> {
            Fiber.sleep(Duration.ofDays(1));
            return "done";
        })));
    }

    @Test
    void aTimeoutIsNotAnException() { // P17f
        assertFalse(Exception.class.isAssignableFrom(TimeoutExpired.class));
        assertFalse(Exception.class.isAssignableFrom(FiberExit.class));
    }

    @Test
    void aTimeoutNeedsAFiberAndANonNegativeDuration() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Timeout.after(Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("outside a fiber"));
        hub.invoke(() -> assertThrows(IllegalArgumentException.class, () -> Timeout.after(Duration.ofSeconds(-1))));
    }

    @Test
    void aTimeoutLeavesNoTimerWhenItFiresOrCloses() throws Exception {
        int timers = hub.invoke(() -> {
            for (int i = 0; i < 1000; i++) {
                try (Timeout t = Timeout.after(i % 2 == 0 ? Duration.ZERO : Duration.ofDays(1))) {
                    Fiber.yieldNow();
                } catch (TimeoutExpired expected) {
                    // the ZERO ones
                }
            }
            return hub.pendingTimers();
        });
        assertEquals(0, timers);
    }

    /**
     * A timeout whose timer is late (here: never fires, as if its timer thread were starved) is
     * still thrown at the first suspension point after its deadline: a patched fiber's sleep
     * ends on the JDK's timer, its timeouts fire on the scheduler's, and under load the sleep
     * used to end first and the scope closed with its timeout lost.
     */
    @Test
    void aTimeoutWhoseTimerIsLateIsThrownAtTheFirstSuspensionPointAfterItsDeadline() throws Exception {
        hub.invoke(() -> {
            Timeout t = Timeout.after(Duration.ofMillis(1));
            try (t) {
                Fiber.current().disarmTimer(timerOf(t)); // the timer will not fire
                TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> Fiber.sleep(Duration.ofMillis(50)));
                assertSame(t, e.timeout());
                assertTrue(t.hasExpired());
            }
            return null;
        });
    }

    private static dev.weft.fibers.internal.timer.TimerTask timerOf(Timeout t) throws ReflectiveOperationException {
        var field = Timeout.class.getDeclaredField("timer");
        field.setAccessible(true);
        return (dev.weft.fibers.internal.timer.TimerTask) field.get(t);
    }
}
