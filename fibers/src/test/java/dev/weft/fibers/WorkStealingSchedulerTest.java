package dev.weft.fibers;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The multi-carrier scheduler: exact counts under parallelism, and nothing left behind. */
class WorkStealingSchedulerTest {

    @Test
    void hundredThousandFibersYieldingTenTimesEachEndWithExactCountsAndNoLiveFiber() throws Exception {
        WorkStealingScheduler scheduler = new WorkStealingScheduler();
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
    void fibersRunOnSeveralCarriersAndSleepersWake() throws Exception {
        try (WorkStealingScheduler scheduler = new WorkStealingScheduler(2)) {
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
        WorkStealingScheduler scheduler = new WorkStealingScheduler(2);
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
    void atLeastOneCarrierIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> new WorkStealingScheduler(0));
    }
}
