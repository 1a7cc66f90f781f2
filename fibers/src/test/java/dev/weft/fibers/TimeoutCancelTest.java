package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's Timeout(seconds, exception) (P17c) and Timeout.cancel() from any greenlet. */
class TimeoutCancelTest {
    private final Hub hub = new Hub();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void aTimeoutCanThrowAGivenExceptionInsteadOfTimeoutExpired() throws Exception { // P17c
        IOException mine = new IOException("too slow");
        hub.invoke(() -> {
            IOException e = assertThrows(IOException.class, () -> {
                try (Timeout t = Timeout.after(Duration.ofMillis(1), mine)) {
                    Fiber.sleep(Duration.ofDays(1));
                }
            });
            assertSame(mine, e);
            return null;
        });
    }

    @Test
    void isPendingUntilItFiresOrIsCancelled() throws Exception {
        hub.invoke(() -> {
            Timeout t = Timeout.after(Duration.ofDays(1));
            assertTrue(t.isPending());
            t.cancel();
            assertFalse(t.isPending());
            assertFalse(t.isOpen());
            Timeout u = Timeout.after(Duration.ZERO);
            try (u) {
                Fiber.yieldNow();
            } catch (TimeoutExpired expected) {
                assertFalse(u.isPending(), "fired");
            }
            assertTrue(u.hasExpired());
            return null;
        });
    }

    @Test
    void anotherFiberCancelsATimeoutSoItNeverFires() throws Exception {
        String result = hub.invoke(() -> {
            Timeout t = Timeout.after(Duration.ofMillis(200));
            Fiber.spawn(t::cancel);
            Fiber.yieldNow(); // the canceller runs now, long before the deadline
            try (t) {
                Fiber.sleep(Duration.ofMillis(300));
                return t.hasExpired() ? "expired" : "cancelled, slept on";
            }
        });
        assertEquals("cancelled, slept on", result);
    }

    /**
     * A thread cancels the timeout of a fiber that computes on the hub's carrier (no suspension
     * point, so the hub's timer cannot fire meanwhile); the fiber then sleeps past the deadline
     * and nothing is thrown.
     */
    @Test
    void aThreadCancelsATimeoutOfAFiber() throws Exception {
        AtomicReference<Timeout> timeout = new AtomicReference<>();
        CountDownLatch opened = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        Fiber<String> f = hub.spawn(() -> {
            try (Timeout t = Timeout.after(Duration.ofMillis(5))) {
                timeout.set(t);
                opened.countDown();
                while (cancelled.getCount() > 0) {
                    Thread.onSpinWait();
                }
                Fiber.sleep(Duration.ofMillis(20));
                return "slept past the cancelled deadline";
            } catch (TimeoutExpired e) {
                return "expired";
            }
        });
        assertTrue(opened.await(30, TimeUnit.SECONDS));
        timeout.get().cancel();
        cancelled.countDown();
        assertEquals("slept past the cancelled deadline", f.get());
        assertEquals(0, hub.invoke(hub::pendingTimers), "the cancelled timer left the hub's heap");
    }

    @Test
    void closingFromAnotherStrandSaysToCancel() throws Exception {
        Timeout t = hub.invoke(() -> Timeout.after(Duration.ofDays(1)));
        IllegalStateException e = assertThrows(IllegalStateException.class, t::close);
        assertTrue(e.getMessage().contains("cancel()"), e.getMessage());
        t.cancel();
    }
}
