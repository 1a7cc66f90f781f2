package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The park/unpark permit, for fibers and for threads alike. */
class StrandTest {
    private final Hub hub = new Hub();
    private final List<String> log = new ArrayList<>();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void anUnparkBeforeTheParkMakesTheParkReturnAtOnce() throws Exception {
        hub.invoke(() -> {
            Strand me = Strand.current();
            me.unpark();
            Strand.park(); // would block forever without the permit
            log.add("returned");
            return null;
        });
        assertEquals(List.of("returned"), log);
    }

    @Test
    void twoUnparksGiveOnePermit() throws Exception {
        hub.invoke(() -> {
            Strand me = Strand.current();
            me.unpark();
            me.unpark();
            Strand.park();
            // a second park must block: prove it by having another fiber run meanwhile
            Fiber<Void> waker = Fiber.spawn(() -> {
                log.add("waker ran while the second park blocked");
                me.unpark();
            });
            Strand.park();
            waker.join();
            return null;
        });
        assertEquals(List.of("waker ran while the second park blocked"), log);
    }

    @Test
    void aTimedParkWithoutUnparkReturnsAfterItsTimeAndDisarmsItsTimer() throws Exception {
        int timers = hub.invoke(() -> {
            Strand.parkNanos(1_000_000);
            return hub.pendingTimers();
        });
        assertEquals(0, timers);
    }

    @Test
    void anUnparkedTimedParkDisarmsItsTimer() throws Exception {
        int timers = hub.invoke(() -> {
            Strand me = Strand.current();
            Fiber.spawn(me::unpark);
            Strand.parkNanos(Long.MAX_VALUE / 2);
            return hub.pendingTimers();
        });
        assertEquals(0, timers);
    }

    @Test
    void currentIsTheFiberInsideAFiberAndAStableThreadStrandOutside() throws Exception {
        Fiber<Strand> f = hub.spawn(Strand::current);
        assertSame(f, f.get());
        assertTrue(f.isFiber());
        Strand thread = Strand.current();
        assertFalse(thread.isFiber());
        assertSame(thread, Strand.current(), "one strand per thread: lock owners compare by identity");
        assertEquals(Thread.currentThread().getName(), thread.name());
    }

    @Test
    void aThreadParkedAsAStrandIsWokenByAFiber() throws Exception {
        CountDownLatch published = new CountDownLatch(1);
        Strand[] waiter = new Strand[1];
        boolean[] woken = new boolean[1];
        Thread t = Thread.ofPlatform().start(() -> {
            waiter[0] = Strand.current();
            published.countDown();
            Strand.park(); // no loop: the one unpark below must be enough
            woken[0] = true;
        });
        published.await();
        hub.spawn(() -> waiter[0].unpark()).join();
        t.join();
        assertTrue(woken[0]);
    }

    @Test
    void aFiberParkedOnOneHubIsWokenByAFiberOnAnother() throws Exception {
        try (Hub other = new Hub()) {
            Fiber<String> parked = hub.spawn(() -> {
                Strand.park();
                return "woken";
            });
            other.spawn(parked::unpark).join();
            assertEquals("woken", parked.get());
        }
    }
}
