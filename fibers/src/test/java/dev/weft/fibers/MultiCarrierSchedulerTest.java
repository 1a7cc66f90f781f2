package dev.weft.fibers;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The multi-carrier scheduler: exact counts under parallelism, and nothing left behind. */
class MultiCarrierSchedulerTest {

    @Test
    void hundredThousandFibersYieldingTenTimesEachEndWithExactCountsAndNoLiveFiber() throws Exception {
        MultiCarrierScheduler scheduler = new MultiCarrierScheduler();
        try (scheduler) {
            AtomicLong yields = new AtomicLong();
            List<Fiber<Integer>> fibers = new ArrayList<>(100_000);
            for (int i = 0; i < 100_000; i++) {
                fibers.add(scheduler.spawn(() -> {
                    for (int y = 0; y < 10; y++) {
                        Fiber.yieldNow();
                        yields.incrementAndGet();
                    }
                    return 1;
                }));
            }
            long sum = 0;
            for (Fiber<Integer> f : fibers) {
                sum += f.get();
            }
            assertEquals(100_000, sum);
            assertEquals(1_000_000, yields.get());
            assertTrue(fibers.stream().noneMatch(Fiber::isAlive));
        }
        // a fiber is done once its outcome is published; its carrier has unmounted it only
        // when close returns, which waits for the carriers to stop
        assertEquals(0, scheduler.liveFibers());
    }

    @Test
    void killAndJoinAcrossIdleCarriersEndsEverySleeperByItsKill() throws Exception {
        // a kill of a fiber homed on the other carrier, and the wake-up of the joiner, each reach
        // a carrier that is busy, spinning idle or parked (Hub.IDLE_SPIN_NANOS): a lost wake-up
        // would leave a join waiting for an hour-long sleep (the test's timeout)
        MultiCarrierScheduler scheduler = new MultiCarrierScheduler(2);
        try (scheduler) {
            int cancelled = scheduler.invoke(() -> {
                List<Fiber<Void>> sleepers = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    sleepers.add(Fiber.spawn(() -> Fiber.sleep(Duration.ofHours(1))));
                }
                Fiber.yieldNow(); // the carriers start the sleepers (a kill before a start also ends one cancelled)
                int n = 0;
                for (Fiber<Void> f : sleepers) {
                    f.kill();
                    f.join();
                    n += f.isCancelled() ? 1 : 0;
                }
                return n;
            });
            assertEquals(2_000, cancelled);
        }
        assertEquals(0, scheduler.liveFibers()); // counted once the carriers stopped (see the first test)
    }

    @Test
    void aFiberNamesItsGroupAsItsSchedulerBeforeAndAfterItsFirstRun() throws Exception {
        // a plain fiber keeps its home hub where it kept its scheduler (Fiber.runsOn): the
        // group must still be what it, and every fiber it spawns, reports
        try (MultiCarrierScheduler scheduler = new MultiCarrierScheduler(2)) {
            Fiber<Scheduler> f = scheduler.unstarted(() -> {
                Fiber.yieldNow();
                Fiber<Scheduler> child = Fiber.spawn(() -> Fiber.current().scheduler());
                assertSame(scheduler, child.scheduler());
                return child.get();
            });
            assertSame(scheduler, f.scheduler());
            f.start();
            assertSame(scheduler, f.get());
            assertSame(scheduler, f.scheduler());
        }
    }

    @Test
    void fibersRunOnSeveralCarriersAndSleepersWake() throws Exception {
        try (MultiCarrierScheduler scheduler = new MultiCarrierScheduler(2)) {
            Set<String> carriers = java.util.Collections.synchronizedSet(new HashSet<>());
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                fibers.add(scheduler.spawn(() -> {
                    carriers.add(Thread.currentThread().getName());
                    Fiber.sleep(Duration.ofMillis(1));
                    carriers.add(Thread.currentThread().getName());
                }));
            }
            Fiber.joinAll(fibers);
            assertTrue(carriers.stream().allMatch(n -> n.startsWith("weft-carrier-")), carriers.toString());
            assertEquals(0, scheduler.pendingTimers());
        }
    }

    @Test
    void closeKillsSleepersAndRunsTheirFinallyBlocks() throws Exception {
        AtomicLong cleaned = new AtomicLong();
        List<Fiber<Void>> fibers = new ArrayList<>();
        MultiCarrierScheduler scheduler = new MultiCarrierScheduler(2);
        try (scheduler) {
            for (int i = 0; i < 100; i++) {
                fibers.add(scheduler.spawn(() -> {
                    try {
                        Fiber.sleep(Duration.ofDays(1));
                    } finally {
                        cleaned.incrementAndGet();
                    }
                }));
            }
        }
        assertEquals(fibers.size(), fibers.stream().filter(Fiber::isCancelled).count());
        assertEquals(0, scheduler.liveFibers());
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> scheduler.spawn(() -> { }));
        assertTrue(cleaned.get() <= 100, "a fiber killed before it ran has no finally to run");
    }

    @Test
    void aStartedFiberNeverChangesCarrier() throws Exception {
        try (MultiCarrierScheduler scheduler = new MultiCarrierScheduler(2)) {
            List<Fiber<Boolean>> fibers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                fibers.add(scheduler.spawn(() -> {
                    Thread first = Thread.currentThread();
                    for (int y = 0; y < 20; y++) {
                        if (y % 2 == 0) {
                            Fiber.yieldNow();
                        } else {
                            Fiber.sleep(Duration.ofNanos(1000));
                        }
                        if (carrierNow() != first) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Fiber<Boolean> f : fibers) {
                assertTrue(f.get());
            }
        }
    }

    /** The carrier, read freshly (not through a value the JIT may have kept). */
    private static Thread carrierNow() {
        return VirtualCarrierAccess.currentCarrier();
    }

    @Test
    void timedParksAndCrossCarrierUnparksKeepEveryFiberIntact() throws Exception {
        // regression: a fiber resumed on another carrier once used a stale Thread.currentThread()
        // in a lock of the shared timer (IllegalMonitorStateException); fibers now stay put
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        try (MultiCarrierScheduler scheduler = new MultiCarrierScheduler(2)) {
            int n = 100;
            Strand[] strands = new Strand[n];
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int me = i;
                fibers.add(scheduler.spawn(() -> {
                    strands[me] = Strand.current();
                    java.util.Random random = new java.util.Random(me);
                    for (int round = 0; round < 2_000; round++) {
                        Strand.parkNanos(1_000 + random.nextInt(50_000));
                        Strand other = strands[random.nextInt(n)];
                        if (other != null) {
                            other.unpark();
                        }
                    }
                }));
            }
            for (Fiber<Void> f : fibers) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            assertEquals(List.of(), failures);
        }
    }

    @Test
    void aLoneCarrierStartsABurstOfSpawnsInOnePassAsAHubDoes() throws Exception {
        // a ticker fiber yields while 200 fibers wait in the shared queue: they must all start
        // before its next turn, not one per batch (which started the 200th on its 170th turn)
        try (MultiCarrierScheduler scheduler = new MultiCarrierScheduler(1)) {
            int[] startedOnTurn = scheduler.invoke(() -> {
                int[] turns = {0};
                boolean[] stop = {false};
                Fiber<Void> ticker = Fiber.spawn(() -> {
                    while (!stop[0]) {
                        Fiber.yieldNow();
                        turns[0]++;
                    }
                });
                int[] seen = new int[200];
                List<Fiber<Void>> burst = new ArrayList<>();
                for (int i = 0; i < seen.length; i++) {
                    int k = i;
                    burst.add(Fiber.spawn(() -> {
                        seen[k] = turns[0];
                    }));
                }
                for (Fiber<Void> f : burst) {
                    f.join();
                }
                stop[0] = true;
                ticker.join();
                return seen;
            });
            int latest = java.util.Arrays.stream(startedOnTurn).max().orElseThrow();
            assertTrue(latest <= 1, "the last of the burst started on the ticker's turn " + latest);
        }
    }

    @Test
    void atLeastOneCarrierIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> new MultiCarrierScheduler(0));
    }
}
