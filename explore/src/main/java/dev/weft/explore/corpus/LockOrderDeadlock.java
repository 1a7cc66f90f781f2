package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

/**
 * Lock-order deadlock: fiber A takes lock 1 then lock 2, fiber B lock 2 then lock 1. If each
 * holds its first lock when the other asks for it, both wait forever (the simulation reports a
 * {@link dev.weft.fibers.SimulationDeadlock}).
 *
 * <p>Suspension the bug needs: a yield between the two acquisitions (without it, on one hub, each
 * fiber takes both locks before the other runs). Fix: both take lock 1 first.
 */
public final class LockOrderDeadlock implements CorpusBug {

    @Override
    public String origin() {
        return "classic (lock-order inversion)";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        ReentrantLock one = new ReentrantLock();
        ReentrantLock two = new ReentrantLock();
        Actors.run(() -> both(one, two), () -> {
            if (fixed) {
                both(one, two);
            } else {
                both(two, one);
            }
        });
    }

    private static void both(ReentrantLock first, ReentrantLock second) {
        first.lock();
        try {
            Fiber.yieldNow();
            second.lock();
            second.unlock();
        } finally {
            first.unlock();
        }
    }
}
