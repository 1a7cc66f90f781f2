package dev.weft.locks;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;

import static dev.weft.locks.Strands.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@org.junit.jupiter.api.Timeout(20)
class ReentrantLockTest {

    @Test
    void theHolderMayLockAgainAndMustUnlockAsManyTimes() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                ReentrantLock lock = new ReentrantLock();
                lock.lock();
                lock.lock();
                assertTrue(lock.tryLock());
                assertEquals(3, lock.holdCount());
                lock.unlock();
                lock.unlock();
                assertTrue(lock.isHeldByCurrentStrand());
                Fiber<Boolean> other = Fiber.spawn(() -> lock.tryLock());
                assertFalse(other.get(), "still held once");
                lock.unlock();
                assertFalse(lock.isLocked());
                assertEquals(0, lock.holdCount());
                return null;
            });
        }
    }

    @Test
    void twoFibersOnOneCarrierAreDifferentOwners() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                ReentrantLock lock = new ReentrantLock();
                lock.lock();
                Fiber<Boolean> sameCarrier = Fiber.spawn(() -> lock.tryLock(Duration.ofMillis(1)));
                assertFalse(sameCarrier.get());
                lock.unlock();
                return null;
            });
        }
    }

    @Test
    void unlockByAStrandThatDoesNotHoldItThrowsAndChangesNothing() throws Exception {
        ReentrantLock free = new ReentrantLock();
        IllegalMonitorStateException notLocked = assertThrows(IllegalMonitorStateException.class, free::unlock);
        assertTrue(notLocked.getMessage().contains("does not hold"), notLocked.getMessage());
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                ReentrantLock lock = new ReentrantLock();
                lock.lock();
                Fiber<Throwable> intruder = Fiber.spawn(() -> {
                    try {
                        lock.unlock();
                        return null;
                    } catch (IllegalMonitorStateException refused) {
                        return refused;
                    }
                });
                IllegalMonitorStateException e = assertInstanceOf(IllegalMonitorStateException.class, intruder.get());
                assertTrue(e.getMessage().contains("held by main"), e.getMessage());
                assertTrue(lock.isHeldByCurrentStrand());
                assertEquals(1, lock.holdCount());
                lock.unlock();
                return null;
            });
        }
    }

    @Test
    void theLockIsHandedToWaitersInArrivalOrderWithoutBarging() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                ReentrantLock lock = new ReentrantLock();
                List<String> out = new ArrayList<>();
                lock.lock();
                List<Fiber<Void>> fibers = new ArrayList<>();
                for (String name : List.of("a", "b", "c")) {
                    fibers.add(Fiber.spawn(() -> {
                        try (Held h = lock.hold()) {
                            out.add(name);
                        }
                    }));
                }
                Fiber.yieldNow();
                assertEquals(3, lock.queueLength());
                lock.unlock();
                assertFalse(lock.tryLock(), "handed to a; no barging");
                lock.lock(); // goes to the back of the line
                out.add("main");
                lock.unlock();
                Fiber.joinAll(fibers);
                return out;
            });
            assertEquals(List.of("a", "b", "c", "main"), log);
        }
    }

    @Test
    void timedOutTryLocksBehindALongWaitingHeadAreNeitherCountedNorKept() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                ReentrantLock lock = new ReentrantLock();
                lock.lock();
                Fiber<Void> head = Fiber.spawn(() -> {
                    lock.lock();
                    lock.unlock();
                });
                Fiber.yieldNow();
                assertEquals(1, lock.queueLength());
                Fiber<Integer> prober = Fiber.spawn(() -> {
                    int mostLinked = 0;
                    for (int i = 0; i < 100_000; i++) {
                        assertFalse(lock.tryLock(Duration.ofNanos(1)));
                        mostLinked = Math.max(mostLinked, lock.linkedNodes());
                    }
                    return mostLinked;
                });
                int mostLinked = prober.get();
                assertEquals(1, lock.queueLength(), "only the head is waiting");
                assertTrue(mostLinked <= 1 + WaiterQueue.COMPACT_AT,
                        "the queue kept " + mostLinked + " nodes for 1 live waiter");
                lock.unlock();
                head.join();
                assertFalse(lock.isLocked());
                assertEquals(0, lock.queueLength());
                return null;
            });
        }
    }

    @Test
    void timedOutAwaitsBehindALongAwaiterLeaveNoNodeBehind() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                ReentrantLock lock = new ReentrantLock();
                Condition condition = lock.newCondition();
                Fiber<Void> head = Fiber.spawn(() -> {
                    lock.lock();
                    try {
                        condition.awaitUninterruptibly();
                    } finally {
                        lock.unlock();
                    }
                });
                Fiber.yieldNow();
                lock.lock();
                assertEquals(1, ReentrantLock.linkedAwaiters(condition));
                for (int i = 0; i < 100_000; i++) {
                    assertFalse(condition.await(1, TimeUnit.NANOSECONDS));
                }
                assertEquals(1, ReentrantLock.linkedAwaiters(condition), "a timed-out awaiter removes its node");
                condition.signal();
                lock.unlock();
                head.join();
                assertEquals(0, ReentrantLock.linkedAwaiters(condition));
                return null;
            });
        }
    }

    @Test
    void aThreadAndAFiberShareTheLock() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        List<String> out = new ArrayList<>();
        try (Hub hub = new Hub()) {
            Fiber<Void> fiber = hub.spawn(() -> {
                lock.lock();
                try {
                    out.add("fiber");
                } finally {
                    lock.unlock();
                }
            });
            awaitCondition(() -> lock.queueLength() == 1);
            out.add("thread");
            lock.unlock();
            fiber.get();
        }
        assertEquals(List.of("thread", "fiber"), out);
        assertFalse(lock.isLocked());
    }

    @Test
    void conditionWakesAwaitersInTheOrderTheyBeganToWait() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                ReentrantLock lock = new ReentrantLock();
                Condition ready = lock.newCondition();
                List<String> out = new ArrayList<>();
                List<Fiber<Void>> fibers = new ArrayList<>();
                for (String name : List.of("a", "b", "c")) {
                    fibers.add(Fiber.spawn(() -> {
                        lock.lock();
                        try {
                            ready.awaitUninterruptibly();
                            out.add(name);
                        } finally {
                            lock.unlock();
                        }
                    }));
                }
                Fiber.yieldNow();
                lock.lock();
                try {
                    ready.signal();
                    ready.signal();
                } finally {
                    lock.unlock();
                }
                Fiber.yieldNow();
                assertEquals(List.of("a", "b"), out);
                lock.lock();
                try {
                    ready.signalAll();
                } finally {
                    lock.unlock();
                }
                Fiber.joinAll(fibers);
                return out;
            });
            assertEquals(List.of("a", "b", "c"), log);
        }
    }

    @Test
    void awaitReleasesEveryHoldAndRestoresThem() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                ReentrantLock lock = new ReentrantLock();
                Condition c = lock.newCondition();
                lock.lock();
                lock.lock();
                Fiber<Void> signaller = Fiber.spawn(() -> {
                    lock.lock();
                    try {
                        c.signal();
                    } finally {
                        lock.unlock();
                    }
                });
                c.await();
                assertEquals(2, lock.holdCount());
                lock.unlock();
                lock.unlock();
                signaller.get();
                assertFalse(lock.isLocked());
                return null;
            });
        }
    }

    @Test
    void timedAwaitReturnsFalseOnTimeoutHoldingTheLock() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                ReentrantLock lock = new ReentrantLock();
                Condition c = lock.newCondition();
                lock.lock();
                assertFalse(c.await(1, TimeUnit.MILLISECONDS));
                assertTrue(c.awaitNanos(1_000) <= 0);
                assertTrue(lock.isHeldByCurrentStrand());
                lock.unlock();
                return null;
            });
        }
    }

    @Test
    void aKilledAwaiterHoldsTheLockAgainBeforeItsFinallyRuns() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                ReentrantLock lock = new ReentrantLock();
                Condition c = lock.newCondition();
                AtomicBoolean heldInFinally = new AtomicBoolean();
                Fiber<Void> awaiter = Fiber.spawn(() -> {
                    lock.lock();
                    try {
                        c.awaitUninterruptibly();
                    } finally {
                        heldInFinally.set(lock.isHeldByCurrentStrand());
                        lock.unlock();
                    }
                });
                Fiber.yieldNow();
                lock.lock(); // the awaiter released it while waiting
                awaiter.kill();
                Fiber.yieldNow();
                assertTrue(awaiter.isAlive(), "it waits for the lock before it may leave");
                lock.unlock();
                awaiter.join();
                assertTrue(awaiter.isCancelled());
                assertNull(awaiter.exception());
                assertTrue(heldInFinally.get());
                assertFalse(lock.isLocked());
                return null;
            });
        }
    }

    @Test
    void aSignalToAnAwaiterThatIsKilledPassesToTheNextAwaiter() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                ReentrantLock lock = new ReentrantLock();
                Condition c = lock.newCondition();
                AtomicReference<String> woke = new AtomicReference<>();
                Fiber<Void> first = Fiber.spawn(() -> {
                    try (Held h = lock.hold()) {
                        c.awaitUninterruptibly();
                        woke.set("first");
                    }
                });
                Fiber<Void> second = Fiber.spawn(() -> {
                    try (Held h = lock.hold()) {
                        c.awaitUninterruptibly();
                        woke.set("second");
                    }
                });
                Fiber.yieldNow();
                try (Held h = lock.hold()) {
                    c.signal(); // to first
                    first.kill();
                }
                first.join();
                second.join();
                assertTrue(first.isCancelled());
                assertEquals("second", woke.get());
                return null;
            });
        }
    }

    @Test
    void anInterruptedAwaitingThreadThrowsHoldingTheLock() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Condition c = lock.newCondition();
        AtomicReference<Object> outcome = new AtomicReference<>();
        AtomicBoolean awaiting = new AtomicBoolean();
        Thread t = Strands.platform("awaiter", () -> {
            lock.lock();
            try {
                awaiting.set(true);
                c.await();
                outcome.set("returned");
            } catch (InterruptedException e) {
                outcome.set(lock.isHeldByCurrentStrand() ? e : "not held");
            } finally {
                lock.unlock();
            }
        });
        awaitCondition(() -> awaiting.get() && !lock.isLocked());
        t.interrupt();
        t.join();
        assertInstanceOf(InterruptedException.class, outcome.get());
        assertFalse(lock.isLocked());
    }
}
