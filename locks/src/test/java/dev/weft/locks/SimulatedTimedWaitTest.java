package dev.weft.locks;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.SimulatedScheduler;
import dev.weft.fibers.SimulationDeadlock;
import dev.weft.fibers.Strand;
import dev.weft.locks.channels.Channel;
import dev.weft.locks.pool.Group;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The timed waits of the locks, queues, channels and groups measure a simulation's virtual time
 * ({@link Strand#nanoTime()}): each gives up exactly at its virtual deadline, in no real time.
 */
class SimulatedTimedWaitTest {
    private static final Duration WAIT = Duration.ofMinutes(3);

    /** Runs {@code timedWait} in a simulation and returns the virtual time it took. */
    private static long virtualNanos(Callable<?> timedWait, Object expected) throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(11)) {
            return sim.invoke(() -> {
                long start = Strand.nanoTime();
                assertEquals(expected, timedWait.call());
                return Strand.nanoTime() - start;
            });
        }
    }

    @Test
    void aTimedSemaphoreAcquireGivesUpAtItsVirtualDeadline() throws Exception {
        Semaphore none = new Semaphore(0);
        assertEquals(WAIT.toNanos(), virtualNanos(() -> none.tryAcquire(WAIT), false));
    }

    @Test
    void aTimedSemaphoreAcquireSucceedsWhenAReleaseComesFirstInVirtualTime() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(12)) {
            long acquiredAt = sim.invoke(() -> {
                Semaphore none = new Semaphore(0);
                Fiber.spawn(() -> {
                    Fiber.sleep(Duration.ofSeconds(2));
                    none.release();
                });
                assertTrue(none.tryAcquire(WAIT));
                return Strand.nanoTime();
            });
            assertEquals(Duration.ofSeconds(2).toNanos(), acquiredAt);
        }
    }

    @Test
    void aTimedLockGivesUpAtItsVirtualDeadline() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(13)) {
            long took = sim.invoke(() -> {
                ReentrantLock lock = new ReentrantLock();
                Event locked = new Event();
                Fiber<?> holder = Fiber.spawn(() -> {
                    lock.lock();
                    locked.set();
                    Strand.park(); // holds the lock until killed
                });
                locked.await();
                long start = Strand.nanoTime();
                assertFalse(lock.tryLock(WAIT));
                holder.kill();
                return Strand.nanoTime() - start;
            });
            assertEquals(WAIT.toNanos(), took);
        }
    }

    @Test
    void aTimedEventWaitGivesUpAtItsVirtualDeadline() throws Exception {
        Event never = new Event();
        assertEquals(WAIT.toNanos(), virtualNanos(() -> never.await(WAIT), false));
    }

    @Test
    void aTimedQueuePollGivesUpAtItsVirtualDeadline() throws Exception {
        Queue<String> empty = new Queue<>();
        assertEquals(WAIT.toNanos(), virtualNanos(() -> empty.poll(WAIT), null));
    }

    @Test
    void aTimedQueueOfferGivesUpAtItsVirtualDeadline() throws Exception {
        Queue<String> full = new Queue<>(1);
        full.offer("x");
        assertEquals(WAIT.toNanos(), virtualNanos(() -> full.offer("y", WAIT), false));
    }

    @Test
    void aTimedChannelReceiveGivesUpAtItsVirtualDeadline() throws Exception {
        Channel<String> silent = Channel.rendezvous();
        assertEquals(WAIT.toNanos(), virtualNanos(() -> silent.receive(WAIT), null));
    }

    @Test
    void aTimedWaitsAnyGivesUpAtItsVirtualDeadline() throws Exception {
        Event never = new Event();
        assertEquals(WAIT.toNanos(), virtualNanos(() -> Waits.any(List.of(never), WAIT), null));
    }

    @Test
    void aTimedGroupJoinGivesUpAtItsVirtualDeadline() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(14)) {
            long took = sim.invoke(() -> {
                Group group = new Group();
                Fiber<?> parked = group.spawn(() -> Strand.park());
                long start = Strand.nanoTime();
                assertFalse(group.join(WAIT));
                parked.kill();
                return Strand.nanoTime() - start;
            });
            assertEquals(WAIT.toNanos(), took);
        }
    }

    @Test
    void aDeadlockBetweenTwoLocksNamesBothFibers() throws Exception {
        try (SimulatedScheduler sim = new SimulatedScheduler(p -> 0)) {
            SimulationDeadlock d = assertThrows(SimulationDeadlock.class, () -> sim.invoke(() -> {
                        ReentrantLock a = new ReentrantLock();
                        ReentrantLock b = new ReentrantLock();
                        Fiber<?> ab = Fiber.spawn("ab", () -> lockBoth(a, b));
                        Fiber<?> ba = Fiber.spawn("ba", () -> lockBoth(b, a));
                        Fiber.joinAll(ab, ba);
                        return null;
                    }));
            String message = d.getMessage();
            assertEquals(3, d.parked().size(), message);
            assertTrue(d.parked().get(1).matches("ab \\(#2\\) at ReentrantLock\\.lock <- SimulatedTimedWaitTest\\.lockBoth:\\d+"), message);
            assertTrue(d.parked().get(2).matches("ba \\(#3\\) at ReentrantLock\\.lock <- SimulatedTimedWaitTest\\.lockBoth:\\d+"), message);
        }
    }

    private static void lockBoth(ReentrantLock first, ReentrantLock second) {
        first.lock();
        try {
            Fiber.yieldNow(); // the other fiber takes its first lock meanwhile
            second.lock();
            second.unlock();
        } finally {
            first.unlock();
        }
    }

    @Test
    void aTimedAsyncResultWaitGivesUpAtItsVirtualDeadline() throws Exception {
        AsyncResult<String> never = new AsyncResult<>();
        assertEquals(WAIT.toNanos(), virtualNanos(() -> never.await(WAIT), false));
    }
}
