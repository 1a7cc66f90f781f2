package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Misuse fails at once, with a message that says what happened and what to do. */
class MisuseTest {
    private final Hub hub = new Hub();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void aFiberJoiningItselfIsRejected() throws Exception {
        hub.invoke(() -> {
            Fiber<?> me = Fiber.current();
            IllegalStateException e = assertThrows(IllegalStateException.class, me::join);
            assertTrue(e.getMessage().contains("tried to join itself"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> me.join(Duration.ofSeconds(1)));
            assertThrows(IllegalStateException.class, me::get);
            return null;
        });
    }

    @Test
    void yieldNowOutsideAFiberIsRejected() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Fiber::yieldNow);
        assertTrue(e.getMessage().contains("outside a fiber"), e.getMessage());
        assertTrue(e.getMessage().contains("Thread.yield()"), e.getMessage());
    }

    @Test
    void negativeDurationsAreRejected() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fiber.sleep(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("must not be negative"), e.getMessage());
        Fiber<Void> f = hub.spawn(() -> { });
        assertThrows(IllegalArgumentException.class, () -> f.join(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> f.killAndJoin(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> Fiber.joinAll(java.util.List.of(f), Duration.ofMillis(-1), 1));
        f.join();
    }

    @Test
    void nullTasksAreRejected() {
        assertThrows(NullPointerException.class, () -> hub.spawn((CheckedRunnable) null));
        assertThrows(NullPointerException.class, () -> hub.spawn((java.util.concurrent.Callable<Object>) null));
    }

    @Test
    void aTimeoutIsClosedOnlyByItsOwnFiber() throws Exception {
        Timeout t = hub.invoke(() -> Timeout.after(Duration.ofDays(1)));
        IllegalStateException e = assertThrows(IllegalStateException.class, t::close);
        assertTrue(e.getMessage().contains("closed by the fiber that opened it"), e.getMessage());
    }

    @Test
    void aThreadJoiningIsInterruptible() throws Exception {
        Fiber<Void> parked = hub.spawn(() -> Strand.park());
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, parked::join);
        parked.kill();
        parked.join();
    }
}
