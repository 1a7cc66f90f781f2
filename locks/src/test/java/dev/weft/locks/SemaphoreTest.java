package dev.weft.locks;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Strand;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.weft.locks.Strands.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Semaphore behaviour, deterministically: fiber scenarios run as the main fiber of a
 * {@link Hub} (gevent's exact ordering); thread waiters are waited for through
 * {@link Semaphore#queueLength()}, never by sleeping.
 */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class SemaphoreTest {

    @Test
    void uncontendedAcquireAndReleaseNeverSwitch() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                List<String> out = new ArrayList<>();
                Semaphore s = new Semaphore(1);
                Fiber<?> other = Fiber.spawn(() -> out.add("other ran"));
                for (int i = 0; i < 3; i++) {
                    s.acquire();
                    out.add("held " + i);
                    s.release();
                }
                other.join();
                return out;
            });
            assertEquals(List.of("held 0", "held 1", "held 2", "other ran"), log);
        }
    }

    @Test
    void releaseWakesLongestWaiterFirst() throws Exception {
        try (Hub hub = new Hub()) {
            List<Integer> order = hub.invoke(() -> {
                Semaphore s = new Semaphore(0);
                List<Integer> woken = new ArrayList<>();
                List<Fiber<Void>> fibers = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    int id = i;
                    fibers.add(Fiber.spawn(() -> {
                        s.acquireUninterruptibly();
                        woken.add(id);
                    }));
                }
                Fiber.yieldNow();
                assertEquals(5, s.queueLength());
                for (int i = 0; i < 5; i++) {
                    s.release();
                }
                assertEquals(0, s.availablePermits(), "each release is handed to a waiter, none is left free");
                Fiber.joinAll(fibers);
                return woken;
            });
            assertEquals(List.of(0, 1, 2, 3, 4), order);
        }
    }

    @Test
    void releaseDoesNotSwitchToTheWokenWaiter() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                List<String> out = new ArrayList<>();
                Semaphore s = new Semaphore(0);
                Fiber<Void> waiter = Fiber.spawn(() -> {
                    s.acquireUninterruptibly();
                    out.add("waiter got it");
                });
                Fiber.yieldNow();
                s.release();
                out.add("releaser kept running");
                waiter.join();
                return out;
            });
            assertEquals(List.of("releaser kept running", "waiter got it"), log);
        }
    }

    @Test
    void tryAcquireDoesNotBargePastAQueuedWaiter() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Semaphore s = new Semaphore(0);
                Fiber<Void> waiter = Fiber.spawn(() -> s.acquireUninterruptibly());
                Fiber.yieldNow();
                s.release();
                assertFalse(s.tryAcquire(), "the permit was handed to the queued waiter");
                assertFalse(s.tryAcquire(Duration.ZERO), "a zero timeout does not barge either");
                waiter.join();
                assertEquals(0, s.availablePermits());

                Semaphore t = new Semaphore(1);
                Fiber<Void> big = Fiber.spawn(() -> t.acquireUninterruptibly(2));
                Fiber.yieldNow();
                assertEquals(1, t.availablePermits());
                assertFalse(t.tryAcquire(), "a permit is free, but acquire(2) is queued ahead");
                t.release();
                big.join();
                assertEquals(0, t.availablePermits());
                return null;
            });
        }
    }

    @Test
    void acquireOfThreeAtTheHeadHoldsBackALaterAcquireOfOne() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> order = hub.invoke(() -> {
                Semaphore s = new Semaphore(0);
                List<String> served = new ArrayList<>();
                Fiber<Void> three = Fiber.spawn(() -> {
                    s.acquireUninterruptibly(3);
                    served.add("three");
                });
                Fiber<Void> one = Fiber.spawn(() -> {
                    s.acquireUninterruptibly(1);
                    served.add("one");
                });
                Fiber.yieldNow();
                s.release(2);
                Fiber.yieldNow();
                assertEquals(List.of(), served, "two free permits are not enough for the head; the one behind waits");
                assertEquals(2, s.availablePermits());
                assertEquals(2, s.queueLength());
                s.release(2);
                Fiber.joinAll(three, one);
                assertEquals(0, s.availablePermits());
                return served;
            });
            assertEquals(List.of("three", "one"), order);
        }
    }

    @Test
    void fibersAndThreadsWaitingOnOneSemaphoreAreServedInArrivalOrder() throws Exception {
        Semaphore s = new Semaphore(0);
        ConcurrentLinkedQueue<String> served = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        try (Hub hub = new Hub()) {
            Fiber<Void> f0 = hub.spawn(() -> {
                s.acquireUninterruptibly();
                served.add("fiber 0");
            });
            awaitCondition(() -> s.queueLength() == 1);
            threads.add(Strands.platform("platform 1", () -> {
                s.acquireUninterruptibly();
                served.add("platform 1");
            }));
            awaitCondition(() -> s.queueLength() == 2);
            threads.add(Strands.virtual("virtual 2", () -> {
                s.acquireUninterruptibly();
                served.add("virtual 2");
            }));
            awaitCondition(() -> s.queueLength() == 3);
            Fiber<Void> f3 = hub.spawn(() -> {
                s.acquireUninterruptibly();
                served.add("fiber 3");
            });
            awaitCondition(() -> s.queueLength() == 4);
            for (int i = 1; i <= 4; i++) {
                s.release();
                int expected = i;
                awaitCondition(() -> served.size() == expected);
            }
            f0.join();
            f3.join();
            for (Thread t : threads) {
                t.join();
            }
        }
        assertEquals(List.of("fiber 0", "platform 1", "virtual 2", "fiber 3"), List.copyOf(served));
        assertEquals(0, s.queueLength());
        assertEquals(0, s.availablePermits());
    }

    @Test
    void timedAcquireReturnsFalseOnTimeoutAndLeavesTheCountUnchanged() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Semaphore s = new Semaphore(0);
                assertFalse(s.tryAcquire(Duration.ofMillis(5)));
                assertEquals(0, s.availablePermits());
                assertEquals(0, s.queueLength());
                s.release();
                assertEquals(1, s.availablePermits(), "the timed-out waiter did not swallow a later permit");
                assertTrue(s.tryAcquire(Duration.ofMillis(5)));
                assertEquals(0, s.availablePermits());
                return null;
            });
        }
        Semaphore s = new Semaphore(0);
        assertFalse(s.tryAcquire(Duration.ofMillis(5)), "a thread times out the same way");
        assertEquals(0, s.availablePermits());
        assertEquals(0, s.queueLength());
    }

    @Test
    void aTimedOutHeadPassesTheFreePermitsToTheWaiterBehindIt() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Semaphore s = new Semaphore(1);
                Fiber<Boolean> big = Fiber.spawn(() -> s.tryAcquire(2, Duration.ofMillis(5)));
                Fiber<Void> small = Fiber.spawn(() -> s.acquireUninterruptibly(1));
                Fiber.yieldNow();
                assertEquals(2, s.queueLength());
                assertFalse(big.get());
                small.join();
                assertEquals(0, s.availablePermits());
                assertEquals(0, s.queueLength());
                return null;
            });
        }
    }

    @Test
    void aWaiterKilledWhileQueuedLeavesAndTheNextOneIsServed() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Semaphore s = new Semaphore(0);
                AtomicBoolean killedGotIt = new AtomicBoolean();
                Fiber<Void> killed = Fiber.spawn(() -> {
                    s.acquireUninterruptibly();
                    killedGotIt.set(true);
                });
                Fiber<Void> next = Fiber.spawn(() -> s.acquireUninterruptibly());
                Fiber.yieldNow();
                killed.kill();
                killed.join();
                assertTrue(killed.isCancelled());
                assertFalse(killedGotIt.get());
                assertEquals(1, s.queueLength(), "the killed waiter was unlinked");
                s.release();
                next.join();
                assertEquals(0, s.availablePermits());
                assertEquals(0, s.queueLength());
                return null;
            });
        }
    }

    @Test
    void aWaiterKilledAsThePermitIsHandedToItPassesThePermitOn() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Semaphore s = new Semaphore(0);
                Fiber<Void> killed = Fiber.spawn(() -> s.acquireUninterruptibly());
                Fiber<Void> next = Fiber.spawn(() -> s.acquireUninterruptibly());
                Fiber.yieldNow();
                s.release(); // handed to `killed`, which has not run yet
                killed.kill();
                killed.join();
                assertTrue(killed.isCancelled());
                next.join();
                assertEquals(0, s.availablePermits(), "one permit, used once: not lost, not duplicated");
                assertEquals(0, s.queueLength());
                return null;
            });
        }
    }

    @Test
    void aFiberTimeoutWhileQueuedLeavesTheCountUnchanged() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Semaphore s = new Semaphore(0);
                TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> {
                    try (Timeout t = Timeout.after(Duration.ofMillis(5))) {
                        s.acquire();
                    }
                });
                assertInstanceOf(Timeout.class, e.timeout());
                assertEquals(0, s.availablePermits());
                assertEquals(0, s.queueLength());
                s.release();
                assertEquals(1, s.availablePermits());
                return null;
            });
        }
    }

    @Test
    void timedOutAcquiresBehindALongWaitingHeadAreNeitherCountedNorKept() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Semaphore s = new Semaphore(0);
                Fiber<Void> head = Fiber.spawn(() -> s.acquireUninterruptibly());
                Fiber.yieldNow();
                assertEquals(1, s.queueLength());
                int mostLinked = 0;
                for (int i = 0; i < 100_000; i++) {
                    assertFalse(s.tryAcquire(Duration.ofNanos(1)));
                    mostLinked = Math.max(mostLinked, s.linkedNodes());
                }
                assertEquals(1, s.queueLength(), "only the head is waiting");
                assertTrue(mostLinked <= 1 + WaiterQueue.COMPACT_AT,
                        "the queue kept " + mostLinked + " nodes for 1 live waiter");
                s.release();
                head.join();
                assertEquals(0, s.availablePermits(), "the head got the permit");
                assertEquals(0, s.queueLength());
                assertEquals(0, s.linkedNodes());
                return null;
            });
        }
    }

    @Test
    void killedWaitersBehindALongWaitingHeadAreNeitherCountedNorKept() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Semaphore s = new Semaphore(0);
                Fiber<Void> head = Fiber.spawn(() -> s.acquireUninterruptibly());
                Fiber.yieldNow();
                List<Fiber<Void>> killed = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    killed.add(Fiber.spawn(() -> s.acquireUninterruptibly()));
                }
                Fiber.yieldNow();
                assertEquals(10_001, s.queueLength());
                for (Fiber<Void> f : killed) {
                    f.kill();
                }
                Fiber.joinAll(killed);
                assertEquals(1, s.queueLength(), "only the head is waiting");
                assertTrue(s.linkedNodes() <= 1 + WaiterQueue.COMPACT_AT,
                        "the queue kept " + s.linkedNodes() + " nodes for 1 live waiter");
                s.release();
                head.join();
                assertEquals(0, s.availablePermits(), "the head got the permit");
                assertEquals(0, s.queueLength());
                return null;
            });
        }
    }

    @Test
    void compactingTheQueueKeepsTheLiveWaitersInArrivalOrder() throws Exception {
        try (Hub hub = new Hub()) {
            List<Integer> order = hub.invoke(() -> {
                Semaphore s = new Semaphore(0);
                List<Integer> served = new ArrayList<>();
                List<Fiber<Void>> live = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    int id = i;
                    live.add(Fiber.spawn(() -> {
                        s.acquireUninterruptibly();
                        served.add(id);
                    }));
                    Fiber.yieldNow();
                    for (int j = 0; j < 50; j++) {
                        assertFalse(s.tryAcquire(Duration.ofNanos(1)));
                    }
                    assertTrue(s.linkedNodes() <= 2 * (i + 1) + WaiterQueue.COMPACT_AT,
                            "the queue kept " + s.linkedNodes() + " nodes for " + (i + 1) + " live waiters");
                }
                assertEquals(10, s.queueLength());
                for (int i = 0; i < 10; i++) {
                    s.release();
                    Fiber.yieldNow();
                }
                Fiber.joinAll(live);
                assertEquals(0, s.queueLength());
                assertEquals(0, s.availablePermits());
                return served;
            });
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), order);
        }
    }

    @Test
    void releaseBeforeEnqueueIsNotLost() {
        // The acquirer has failed its fast path (no permit) and is about to enqueue when a
        // release lands: the release sees no waiter and leaves the permit free. The enqueue
        // must then serve the acquirer itself.
        Semaphore s = new Semaphore(0);
        assertFalse(s.tryAcquire());
        s.release();
        Waiter w = new Waiter(Strand.current(), 1, Waiter.NEW);
        s.enqueue(w);
        assertTrue(w.isGranted(), "the enqueue's own drain served the permit released before it");
        assertEquals(0, s.availablePermits());
        assertEquals(0, s.queueLength());
    }

    @Test
    void releaseAfterEnqueueHandsOffDirectly() {
        Semaphore s = new Semaphore(0);
        Waiter w = new Waiter(Strand.current(), 1, Waiter.NEW);
        s.enqueue(w);
        assertFalse(w.isGranted());
        assertEquals(1, s.queueLength());
        s.release();
        assertTrue(w.isGranted());
        assertEquals(0, s.availablePermits());
        assertEquals(0, s.queueLength());
    }

    @Test
    void anInterruptedWaitingThreadThrowsAndLeavesTheQueue() throws Exception {
        Semaphore s = new Semaphore(0);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = Strands.platform("interrupted", () -> {
            try {
                s.acquire();
                outcome.set(new AssertionError("acquired without a permit"));
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        awaitCondition(() -> s.queueLength() == 1);
        t.interrupt();
        t.join();
        assertInstanceOf(InterruptedException.class, outcome.get());
        assertEquals(0, s.queueLength());
        assertEquals(0, s.availablePermits());
    }

    @Test
    void anUninterruptibleWaitKeepsWaitingAndKeepsTheInterruptSet() throws Exception {
        Semaphore s = new Semaphore(0);
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread t = Strands.platform("uninterruptible", () -> {
            s.acquireUninterruptibly();
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        awaitCondition(() -> s.queueLength() == 1);
        t.interrupt();
        assertEquals(1, s.queueLength(), "an uninterruptible waiter never leaves the queue by itself");
        s.release();
        t.join();
        assertTrue(interruptedAfter.get());
        assertEquals(0, s.availablePermits());
    }

    @Test
    void tryWithResourcesReleasesThePermit() throws Exception {
        Semaphore s = new Semaphore(1);
        try (Held h = s.hold()) {
            assertEquals(0, s.availablePermits());
        }
        assertEquals(1, s.availablePermits());
        try (Held h = s.holdUninterruptibly()) {
            assertFalse(s.tryAcquire());
        }
        assertEquals(1, s.availablePermits());
    }

    @Test
    void misuseFailsWithAMessageThatSaysWhatToDo() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertTrue(negative.getMessage().contains("must not be negative"), negative.getMessage());
        Semaphore s = new Semaphore(0);
        assertThrows(IllegalArgumentException.class, () -> s.release(-1));
        assertThrows(IllegalArgumentException.class, () -> s.acquire(-2));
        assertThrows(IllegalArgumentException.class, () -> s.tryAcquire(-1));
        Semaphore full = new Semaphore(Integer.MAX_VALUE);
        IllegalStateException overflow = assertThrows(IllegalStateException.class, full::release);
        assertTrue(overflow.getMessage().contains("Integer.MAX_VALUE"), overflow.getMessage());
        assertEquals(Integer.MAX_VALUE, full.availablePermits());
    }
}
