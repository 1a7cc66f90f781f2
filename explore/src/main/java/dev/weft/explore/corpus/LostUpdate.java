package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

/**
 * Lost update across a yield: two fibers increment a counter by reading it, yielding
 * ({@code Fiber.yieldNow()}, standing for any suspension: a log write, a cache lookup) and writing
 * the value read plus one. If the other fiber runs in between, one increment is lost.
 *
 * <p>Suspension the bug needs: the yield between the read and the write. Fix: hold a lock across
 * the read-yield-write.
 */
public final class LostUpdate implements CorpusBug {

    @Override
    public String origin() {
        return "classic (read-modify-write)";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        int[] counter = {0};
        ReentrantLock lock = new ReentrantLock();
        Runnable increment = () -> {
            if (fixed) {
                lock.lock();
            }
            try {
                int read = counter[0];
                Fiber.yieldNow();
                counter[0] = read + 1;
            } finally {
                if (fixed) {
                    lock.unlock();
                }
            }
        };
        Actors.run(increment::run, increment::run);
        Actors.check(counter[0] == 2, "lost update: counter is " + counter[0] + " after two increments");
    }
}
