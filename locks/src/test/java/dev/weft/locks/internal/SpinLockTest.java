package dev.weft.locks.internal;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Monkey;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.locks.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit's spin lock: mutual exclusion among every kind of strand at once, and no hang where a
 * Java monitor hung (patched and plain fibers of one scheduler contending for one lock).
 */
class SpinLockTest {
    private static final int ROUNDS = 20_000;

    private final SpinLock lock = new SpinLock();
    private long counter; // incremented non-atomically, under the lock only

    private void incrementUnderLock() {
        for (int i = 0; i < ROUNDS; i++) {
            lock.lock();
            try {
                counter++;
            } finally {
                lock.unlock();
            }
            if ((i & 63) == 0 && Fiber.current() != null) {
                Fiber.yieldNow(); // lets the other fibers of its carrier run
            }
        }
    }

    @Test
    @Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
    void excludesPlainAndPatchedFibersAndThreadsOfOneScheduler() throws Exception {
        List<Fiber<?>> fibers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try (MultiCarrierScheduler s = new MultiCarrierScheduler(2)) {
            for (int i = 0; i < 3; i++) {
                fibers.add(s.spawn(this::incrementUnderLock));
                fibers.add(Monkey.spawn(s, this::incrementUnderLock));
            }
            List<Throwable> threadFailures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 2; i++) {
                threads.add(Thread.ofPlatform().uncaughtExceptionHandler((t, e) -> threadFailures.add(e))
                        .start(this::incrementUnderLock));
            }
            for (Fiber<?> f : fibers) {
                f.get();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), threadFailures, "a thread failed");
        }
        assertEquals((long) ROUNDS * (fibers.size() + threads.size()), counter, "an increment was lost: two strands held the lock at once");
    }

    /**
     * The shape that hung both carriers of the soak while {@link Queue} used a Java monitor:
     * patched and plain fibers of one {@code MultiCarrierScheduler(2)} putting and taking on one
     * queue. Every item put is taken, and everybody ends. (A smoke test, not a reproducer: with
     * the monitor it did not hang in 4 runs here, up to 8 + 8 fibers and 400,000 items; the
     * hang needs both carriers parked in the monitor at once. The soak's item flows are the
     * reproducer, and run this configuration in every CI.)
     */
    @Test
    @Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
    void aQueueSharedByPatchedAndPlainFibersKeepsMoving() throws Exception {
        Queue<Integer> queue = new Queue<>(4);
        int perSide = 4;
        int items = 5_000;
        long[] sums = new long[2 * perSide];
        List<Fiber<?>> fibers = new ArrayList<>();
        try (MultiCarrierScheduler s = new MultiCarrierScheduler(2)) {
            for (int p = 0; p < perSide; p++) {
                CheckedRunnable producer = () -> {
                    for (int i = 1; i <= items; i++) {
                        queue.put(i);
                    }
                };
                int slot = p;
                CheckedRunnable consumer = () -> {
                    for (int i = 0; i < items; i++) {
                        sums[slot] += queue.take();
                    }
                };
                fibers.add(p % 2 == 0 ? s.spawn(producer) : Monkey.spawn(s, producer));
                fibers.add(p % 2 == 0 ? Monkey.spawn(s, consumer) : s.spawn(consumer));
            }
            for (Fiber<?> f : fibers) {
                f.get();
            }
        }
        long total = 0;
        for (long x : sums) {
            total += x;
        }
        assertEquals((long) perSide * items * (items + 1) / 2, total, "items lost or duplicated");
        assertTrue(queue.isEmpty());
    }
}
