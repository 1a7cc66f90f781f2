package dev.weft.locks;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waits over a mix of fibers, events and results (gevent.wait / gevent.iwait), deterministically on a {@link Hub}. */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class WaitsTest {

    @Test
    void allReturnsAMixInCompletionOrder() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Event event = new Event();
                AsyncResult<String> result = new AsyncResult<>();
                Fiber<Void> fiber = Fiber.spawn(() -> {
                    result.set("r");
                    Fiber.yieldNow();
                    event.set();
                });
                List<Object> ready = Waits.all(List.of(event, fiber, result));
                assertEquals(List.of(result, event, fiber), ready);
                return null;
            });
        }
    }

    @Test
    void objectsReadyOnEntryComeFirstInTheOrderGiven() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Event late = new Event();
                Event set1 = new Event();
                AsyncResult<Integer> done = new AsyncResult<>();
                set1.set();
                done.set(1);
                Fiber<Void> setter = Fiber.spawn(late::set);
                assertEquals(List.of(set1, done, late), Waits.all(List.of(late, set1, done)));
                setter.join();
                return null;
            });
        }
    }

    /** P16b-like: a count of one returns the first to complete, not the first in the list. */
    @Test
    void countLimitsTheWaitAndTimeoutEndsIt() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Event never = new Event();
                Fiber<Integer> quick = Fiber.spawn(() -> 1);
                assertEquals(List.of(quick), Waits.await(List.of(never, quick), 1, null));
                assertEquals(0, never.linked(), "the wait unlinked itself from the event still pending");
                assertNull(Waits.any(List.of(never), Duration.ofMillis(10)));
                assertEquals(List.of(), Waits.await(List.of(never), 1, Duration.ZERO));
                assertEquals(0, never.linked());
                return null;
            });
        }
    }

    @Test
    void closingAnIterationUnlinksTheRest() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Event event = new Event();
                AsyncResult<String> result = new AsyncResult<>();
                Fiber<String> sleeper = Fiber.spawn(() -> {
                    Fiber.sleep(Duration.ofDays(1));
                    return "never";
                });
                AsyncResult<String> first = new AsyncResult<>();
                first.set("now");
                List<Object> seen = new ArrayList<>();
                try (Waits.Ready<Object> it = Waits.iwait(List.of(first, event, result, sleeper), null)) {
                    seen.add(it.next());
                    assertEquals(1, event.linked());
                    assertEquals(1, result.linked());
                }
                assertEquals(List.of(first), seen);
                assertEquals(0, event.linked(), "close unlinked the iteration from the event");
                assertEquals(0, result.linked(), "and from the result");
                sleeper.kill(); // its no-op callback runs now and finds the iteration gone
                sleeper.join();
                event.set();
                result.set("after");
                return null;
            });
        }
    }

    @Test
    void iterationEndsWhenAllCameOrTheTimeRanOut() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Event a = new Event();
                Event b = new Event();
                Fiber<Void> setter = Fiber.spawn(() -> {
                    b.set();
                    a.set();
                });
                List<Object> order = new ArrayList<>();
                try (Waits.Ready<Event> it = Waits.iwait(List.of(a, b), null)) {
                    it.forEachRemaining(order::add);
                    assertFalse(it.hasNext());
                }
                assertEquals(List.of(b, a), order);
                setter.join();

                Event never = new Event();
                try (Waits.Ready<Event> it = Waits.iwait(List.of(never), Duration.ofMillis(10))) {
                    assertFalse(it.hasNext(), "timed out");
                }
                return null;
            });
        }
    }

    @Test
    void anyFromAThreadSeesAFiberFinish() throws Exception {
        try (Hub hub = new Hub()) {
            Event gate = new Event();
            Fiber<String> fiber = hub.spawn(() -> {
                gate.await();
                return "done";
            });
            Event never = new Event();
            gate.set();
            assertSame(fiber, Waits.any(List.of(never, fiber), null));
            assertTrue(fiber.isDone());
            assertEquals(0, never.linked());
        }
    }

    @Test
    void unsupportedObjectsFailLoudly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Waits.all(List.of(new Event(), "not waitable")));
        assertTrue(e.getMessage().contains("AsyncResult.from"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Waits.await(List.of(), -1, null));
    }
}
