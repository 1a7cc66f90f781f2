package dev.weft.locks;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.weft.locks.Strands.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event behaviour: gevent's scenarios (probes P7, P8; test__event) as the main fiber of a
 * {@link Hub}, in gevent's exact order; thread waiters are waited for through
 * {@link Event#linked()}, never by sleeping.
 */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class EventTest {

    /** P7: set wakes all waiters in wait order, and the setter keeps running. */
    @Test
    void setWakesAllWaitersInWaitOrderWithoutSwitching() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                Event e = new Event();
                List<String> out = new ArrayList<>();
                List<Fiber<?>> waiters = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int id = i;
                    waiters.add(Fiber.spawn(() -> out.add(id + " " + awaitQuietly(e))));
                }
                Fiber.yieldNow();
                assertEquals(4, e.linked());
                e.set();
                out.add("setter continued");
                Fiber.joinAll(waiters);
                return out;
            });
            assertEquals(List.of("setter continued", "0 true", "1 true", "2 true", "3 true"), log);
        }
    }

    /** P7b: a timed wait on a clear event returns false and leaves nothing behind. */
    @Test
    void timedWaitOnClearEventReturnsFalseAndLeavesNothing() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Event e = new Event();
                assertFalse(e.await(Duration.ofMillis(10)));
                assertFalse(e.await(Duration.ZERO), "a zero timeout does not wait");
                assertEquals(0, e.linked());
                e.set();
                assertTrue(e.await(Duration.ZERO));
                return null;
            });
        }
    }

    /** P8, test__event TestEvent_SetThenClear: a set cleared before the waiters run still wakes them with true. */
    @Test
    void setThenClearBeforeWaitersRunStillReturnsTrue_TestEvent_SetThenClear() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                Event e = new Event();
                List<String> out = new ArrayList<>();
                List<Fiber<?>> waiters = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int id = i;
                    waiters.add(Fiber.spawn(() -> out.add(id + " " + awaitTimed(e, Duration.ofSeconds(30)))));
                }
                Fiber.yieldNow();
                e.set();
                e.clear();
                Fiber.joinAll(waiters);
                assertFalse(e.isSet());
                return out;
            });
            assertEquals(List.of("0 true", "1 true", "2 true"), log);
        }
    }

    /** gevent #1520, test_wait_while_notifying: a wait on the set event while its waiters are pending runs after them. */
    @Test
    void waitWhileNotifyingRunsAfterTheNotifiedWaiters_test_wait_while_notifying() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                Event e = new Event();
                List<String> out = new ArrayList<>();
                List<Fiber<?>> waiters = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int id = i;
                    waiters.add(Fiber.spawn(() -> {
                        awaitQuietly(e);
                        out.add("waiter " + id);
                    }));
                }
                Fiber.yieldNow();
                e.set();
                e.await();
                out.add("late waiter");
                Fiber.joinAll(waiters);
                return out;
            });
            assertEquals(List.of("waiter 0", "waiter 1", "waiter 2", "late waiter"), log);
        }
    }

    @Test
    void awaitOnSetEventWithNoPendingWaitersDoesNotSwitch() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                Event e = new Event();
                e.set();
                List<String> out = new ArrayList<>();
                Fiber<?> other = Fiber.spawn(() -> out.add("other"));
                e.await();
                out.add("main");
                other.join();
                return out;
            });
            assertEquals(List.of("main", "other"), log);
        }
    }

    @Test
    void killedWaiterLeavesNothingAndOthersAreStillWoken() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Event e = new Event();
                Fiber<Boolean> doomed = Fiber.spawn(() -> e.await());
                Fiber<Boolean> survivor = Fiber.spawn(() -> e.await());
                Fiber.yieldNow();
                doomed.kill();
                doomed.join();
                assertTrue(doomed.isCancelled());
                assertEquals(1, e.linked(), "the killed waiter unlinked itself");
                e.set();
                assertTrue(survivor.get());
                return null;
            });
        }
    }

    @Test
    void killAfterSetBeforeTheWaiterRanStillEndsTheWaiterKilled() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Event e = new Event();
                Fiber<Boolean> waiter = Fiber.spawn(() -> e.await());
                Fiber.yieldNow();
                e.set();
                waiter.kill();
                waiter.join();
                assertTrue(waiter.isCancelled());
                assertEquals(0, e.linked());
                assertTrue(e.await(Duration.ZERO), "nothing pending: no yield, no wait");
                return null;
            });
        }
    }

    @Test
    void platformThreadAndFiberWaitOnTheSameEvent() throws Exception {
        Event e = new Event();
        AtomicReference<Object> threadSaw = new AtomicReference<>();
        Thread thread = Strands.platform("event-waiter", () -> {
            try {
                threadSaw.set(e.await());
            } catch (InterruptedException ex) {
                threadSaw.set(ex);
            }
        });
        try (Hub hub = new Hub()) {
            Fiber<Boolean> fiber = hub.spawn(() -> e.await());
            awaitCondition(() -> e.linked() == 2);
            e.set();
            assertTrue(fiber.get());
            thread.join();
            assertEquals(Boolean.TRUE, threadSaw.get());
        }
    }

    @Test
    void interruptedThreadLeavesTheWaitWithInterruptedException() throws Exception {
        Event e = new Event();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread thread = Strands.platform("interrupted-waiter", () -> {
            try {
                outcome.set(e.await());
            } catch (InterruptedException ex) {
                outcome.set(ex);
            }
        });
        awaitCondition(() -> e.linked() == 1);
        thread.interrupt();
        thread.join();
        assertInstanceOf(InterruptedException.class, outcome.get());
        assertEquals(0, e.linked());
    }

    private static boolean awaitQuietly(Event e) {
        try {
            return e.await();
        } catch (InterruptedException ex) {
            throw new AssertionError(ex);
        }
    }

    private static boolean awaitTimed(Event e, Duration d) {
        try {
            return e.await(d);
        } catch (InterruptedException ex) {
            throw new AssertionError(ex);
        }
    }
}
