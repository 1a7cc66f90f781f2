package dev.weft.fibers.internal.sync;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Monkey;
import dev.weft.fibers.MultiCarrierScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spin lock of the coordination kit and the timer thread: mutual exclusion among every kind
 * of strand of one scheduler at once (plain and patched fibers, and threads).
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
}
