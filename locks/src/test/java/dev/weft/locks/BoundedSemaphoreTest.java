package dev.weft.locks;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@org.junit.jupiter.api.Timeout(20)
class BoundedSemaphoreTest {

    @Test
    void releaseWithoutAcquireThrowsAndLeavesTheCountUnchanged() {
        BoundedSemaphore s = new BoundedSemaphore(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, s::release);
        assertTrue(e.getMessage().contains("released more times than acquired"), e.getMessage());
        assertTrue(e.getMessage().contains("bound 1"), e.getMessage());
        assertEquals(1, s.availablePermits());
    }

    @Test
    void doubleReleaseAfterOneAcquireThrowsOnTheSecond() throws Exception {
        BoundedSemaphore s = new BoundedSemaphore(2);
        s.acquire(2);
        s.release();
        s.release();
        assertThrows(IllegalStateException.class, () -> s.release(1));
        assertEquals(2, s.availablePermits());
        s.acquire();
        assertThrows(IllegalStateException.class, () -> s.release(2));
        assertEquals(1, s.availablePermits());
    }

    @Test
    void aPermitHandedToAWaiterCountsAsHeldSoItsReleaseIsAccepted() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                BoundedSemaphore s = new BoundedSemaphore(1);
                s.acquire();
                Fiber<Void> waiter = Fiber.spawn(() -> {
                    s.acquireUninterruptibly();
                    s.release();
                });
                Fiber.yieldNow();
                s.release();
                waiter.get();
                assertEquals(1, s.availablePermits());
                return null;
            });
        }
    }

    @Test
    void acquiringMoreThanTheBoundFailsInsteadOfWaitingForever() {
        BoundedSemaphore s = new BoundedSemaphore(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.acquire(3));
        assertTrue(e.getMessage().contains("would wait forever"), e.getMessage());
        assertEquals(0, s.queueLength());
    }

    /** A fiber's untimed acquire waits on a path of its own (Semaphore.awaitGrant): the bound holds there too. */
    @Test
    void aFiberAcquiringMoreThanTheBoundFailsInsteadOfWaitingForever() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                BoundedSemaphore s = new BoundedSemaphore(2);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.acquire(3));
                assertTrue(e.getMessage().contains("would wait forever"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> s.acquireUninterruptibly(3));
                assertTrue(e.getMessage().contains("would wait forever"), e.getMessage());
                assertEquals(0, s.queueLength());
                return null;
            });
        }
    }
}
