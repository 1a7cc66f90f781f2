package dev.weft.locks.pool;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.locks.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pool slots: gevent's blocking spawn (P21b, P21e), FIFO among blocked spawners, the pool-full
 * exception and slot conservation under kill. Deterministic: each scenario is the main fiber
 * of a {@link Hub}; nothing sleeps.
 */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class PoolTest {

    @Test
    void peakConcurrencyIsThePoolSize() throws Exception { // gevent P21b
        try (Hub hub = new Hub()) {
            int peak = hub.invoke(() -> {
                Pool pool = new Pool(2);
                int[] running = {0, 0};
                for (int i = 0; i < 6; i++) {
                    pool.spawn(() -> {
                        running[0]++;
                        running[1] = Math.max(running[1], running[0]);
                        Fiber.yieldNow();
                        Fiber.yieldNow();
                        running[0]--;
                    });
                }
                pool.join();
                return running[1];
            });
            assertEquals(2, peak);
        }
    }

    @Test
    void spawnBlocksTheCallerWhileThePoolIsFull() throws Exception { // gevent P21e
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                List<String> out = new ArrayList<>();
                Pool pool = new Pool(1);
                pool.spawn(() -> {
                    out.add("first runs");
                    Fiber.yieldNow();
                    out.add("first ends");
                });
                out.add("first spawned, free " + pool.freeCount());
                pool.spawn(() -> out.add("second runs"));
                out.add("second spawned");
                pool.join();
                out.add("free " + pool.freeCount());
                return out;
            });
            assertEquals(List.of("first spawned, free 0", "first runs", "first ends", "second spawned", "second runs",
                    "free 1"), log);
        }
    }

    @Test
    void blockedSpawnersGetSlotsInTheOrderTheyCame() throws Exception {
        try (Hub hub = new Hub()) {
            List<Integer> order = hub.invoke(() -> {
                List<Integer> out = new ArrayList<>();
                Pool pool = new Pool(1);
                Semaphore gate = new Semaphore(0);
                pool.spawn(() -> gate.acquireUninterruptibly());
                List<Fiber<Void>> spawners = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int id = i;
                    spawners.add(Fiber.spawn(() -> {
                        pool.spawn(() -> out.add(id));
                    }));
                }
                Fiber.yieldNow();
                assertTrue(pool.isFull());
                gate.release();
                Fiber.joinAll(spawners);
                pool.join();
                return out;
            });
            assertEquals(List.of(0, 1, 2, 3), order);
        }
    }

    @Test
    void aNonBlockingOrTimedAddOfAFullPoolThrowsPoolFull() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Pool pool = new Pool(1);
                Semaphore gate = new Semaphore(0);
                pool.spawn(() -> gate.acquireUninterruptibly());
                Fiber<Void> outsider = Fiber.spawn(() -> { });
                PoolFullException full = assertThrows(PoolFullException.class, () -> pool.add(outsider, Duration.ZERO));
                assertTrue(full.getMessage().contains("stayed full"), full.getMessage());
                assertThrows(PoolFullException.class, () -> pool.spawn(() -> "never", Duration.ofMillis(1)));
                assertFalse(pool.contains(outsider));
                assertFalse(pool.awaitAvailable(Duration.ZERO));
                gate.release();
                assertTrue(pool.awaitAvailable(Duration.ofSeconds(10)));
                assertEquals(1, pool.freeCount(), "waiting for a slot does not take it");
                Fiber<String> f = pool.spawn(() -> "ran", Duration.ZERO);
                assertEquals("ran", f.get());
                pool.join();
                assertEquals(1, pool.freeCount());
                return null;
            });
        }
    }

    @Test
    void aSpawnerKilledWhileBlockedInSpawnTakesNoSlot() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Pool pool = new Pool(1);
                Semaphore gate = new Semaphore(0);
                Fiber<Void> holder = pool.spawn(() -> gate.acquireUninterruptibly());
                boolean[] spawned = {false};
                Fiber<Void> spawner = Fiber.spawn(() -> {
                    pool.spawn(() -> { });
                    spawned[0] = true;
                });
                Fiber.yieldNow();
                spawner.kill();
                spawner.join();
                assertTrue(spawner.isCancelled());
                gate.release();
                holder.join();
                pool.join();
                assertFalse(spawned[0]);
                assertEquals(1, pool.freeCount());
                assertTrue(pool.isEmpty());
                return null;
            });
        }
    }

    @Test
    void aSpawnerKilledAsTheSlotIsHandedToItPassesTheSlotOn() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Pool pool = new Pool(1);
                Semaphore gate = new Semaphore(0);
                Fiber<Void> holder = pool.spawn(() -> gate.acquireUninterruptibly());
                Fiber<Void> spawner = Fiber.spawn(() -> {
                    pool.spawn(() -> { });
                });
                Fiber.yieldNow();
                holder.kill(); // ends when it runs, and hands its slot to the blocked spawner
                holder.join();
                spawner.kill(); // the slot is the spawner's, but it is killed before it resumes
                spawner.join();
                assertTrue(spawner.isCancelled());
                pool.join();
                assertEquals(1, pool.freeCount());
                return null;
            });
        }
    }

    @Test
    void aMemberKilledBeforeItEverRanGivesItsSlotBack() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Pool pool = new Pool(2);
                boolean[] ran = {false};
                Fiber<Boolean> f = pool.spawn(() -> ran[0] = true);
                f.kill();
                pool.join();
                assertFalse(ran[0]);
                assertEquals(2, pool.freeCount());
                return null;
            });
        }
    }

    @Test
    void discardFreesTheSlotOnceAndTheEndDoesNotFreeItAgain() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Pool pool = new Pool(1);
                Semaphore gate = new Semaphore(0);
                Fiber<Void> f = pool.spawn(() -> gate.acquireUninterruptibly());
                assertTrue(pool.discard(f));
                assertEquals(1, pool.freeCount());
                gate.release();
                f.join();
                assertEquals(1, pool.freeCount());
                return null;
            });
        }
    }

    @Test
    void addingAMemberAgainTakesNoSecondSlot() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Pool pool = new Pool(2);
                Semaphore gate = new Semaphore(0);
                Fiber<Void> f = Fiber.spawn(() -> gate.acquireUninterruptibly());
                pool.add(f);
                pool.add(f);
                pool.add(f, Duration.ZERO);
                assertEquals(1, pool.freeCount());
                gate.release();
                pool.join();
                assertEquals(2, pool.freeCount());
                return null;
            });
        }
    }

    @Test
    void theMemberOfAPoolOfOneCannotWaitForItsOwnSlot() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Pool pool = new Pool(1);
                Fiber<String> member = pool.spawn(() -> {
                    IllegalStateException spawn = assertThrows(IllegalStateException.class, () -> pool.spawn(() -> { }));
                    assertThrows(IllegalStateException.class, () -> pool.map(i -> i, List.of(1)));
                    assertThrows(PoolFullException.class, () -> pool.spawn(() -> { }, Duration.ZERO));
                    return spawn.getMessage();
                });
                assertTrue(member.get().contains("wait for itself forever"), member.get());
                pool.join();
                assertEquals(1, pool.freeCount());
                return null;
            });
        }
    }

    @Test
    void threadsAndFibersSpawningAtOnceNeverExceedTheSizeAndLeaveEverySlotFree() throws Exception {
        try (MultiCarrierScheduler carriers = new MultiCarrierScheduler(2)) {
            Pool pool = new Pool(3, carriers);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            CheckedRunnable task = () -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                Fiber.yieldNow();
                running.decrementAndGet();
                ran.incrementAndGet();
            };
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 200; i++) {
                        pool.spawn(task);
                    }
                }));
            }
            Fiber<Void> spawningFiber = carriers.spawn(() -> {
                for (int i = 0; i < 200; i++) {
                    pool.spawn(task);
                }
            });
            for (Thread t : threads) {
                t.join();
            }
            spawningFiber.join();
            pool.join();
            assertEquals(800, ran.get());
            assertTrue(peak.get() <= 3, "peak " + peak.get());
            assertEquals(3, pool.freeCount());
            assertTrue(pool.isEmpty());
        }
    }

    @Test
    void aNegativeSizeIsRejectedWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pool(-1));
        assertTrue(e.getMessage().contains("Group"), e.getMessage());
    }
}
