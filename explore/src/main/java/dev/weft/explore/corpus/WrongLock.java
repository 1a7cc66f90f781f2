package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

/**
 * The wrong lock (SCTBench CS/wronglock_bad): two fibers update one counter, each under a lock,
 * but not the same lock, so the locks exclude nothing and an update is lost.
 *
 * <p>Suspension the bug needs: a yield inside the critical section, between the read and the write.
 * Fix: both use the same lock.
 */
public final class WrongLock implements CorpusBug {

    @Override
    public String origin() {
        return "SCTBench CS/wronglock_bad";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        int[] counter = {0};
        ReentrantLock first = new ReentrantLock();
        ReentrantLock second = fixed ? first : new ReentrantLock();
        Actors.run(() -> add(counter, first), () -> add(counter, second));
        Actors.check(counter[0] == 2, "wrong lock: counter is " + counter[0] + " after two increments");
    }

    private static void add(int[] counter, ReentrantLock lock) {
        lock.lock();
        try {
            int read = counter[0];
            Fiber.yieldNow();
            counter[0] = read + 1;
        } finally {
            lock.unlock();
        }
    }
}
