package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Check-then-act across a suspension: a cache computes a missing value once. A fiber checks that
 * the key is absent, then computes the value, which suspends (a 1 ms fetch, in virtual time), then
 * stores it. A second fiber that checks meanwhile computes it too.
 *
 * <p>Suspension the bug needs: the fetch between the check and the store. Fix: a lock held from
 * the check to the store (the second fiber waits and finds the value).
 */
public final class CheckThenAct implements CorpusBug {

    @Override
    public String origin() {
        return "classic (check-then-act)";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        Map<String, Integer> cache = new HashMap<>();
        int[] fetches = {0};
        ReentrantLock lock = new ReentrantLock();
        Runnable lookup = () -> {
            if (fixed) {
                lock.lock();
            }
            try {
                if (!cache.containsKey("k")) {
                    fetches[0]++;
                    Fiber.sleep(Duration.ofMillis(1));
                    cache.put("k", 42);
                }
            } finally {
                if (fixed) {
                    lock.unlock();
                }
            }
        };
        Actors.run(lookup::run, lookup::run);
        Actors.check(fetches[0] == 1, "check-then-act: the value was fetched " + fetches[0] + " times");
    }
}
