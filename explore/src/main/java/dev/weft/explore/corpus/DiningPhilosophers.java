package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

/**
 * Dining philosophers (SCTBench CS/din_phil): three philosophers each take their left fork, then
 * their right one; if all three hold their left fork, each waits for its neighbour forever (a
 * {@link dev.weft.fibers.SimulationDeadlock}). A cycle of three fibers: deeper than the two-lock
 * inversion.
 *
 * <p>Suspension the bug needs: a yield between taking the two forks. Fix: take the lower-numbered
 * fork first (a global lock order).
 */
public final class DiningPhilosophers implements CorpusBug {

    @Override
    public String origin() {
        return "SCTBench CS/din_phil";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        ReentrantLock[] forks = {new ReentrantLock(), new ReentrantLock(), new ReentrantLock()};
        Runnable[] philosophers = new Runnable[3];
        for (int i = 0; i < 3; i++) {
            int left = i;
            int right = (i + 1) % 3;
            int first = fixed ? Math.min(left, right) : left;
            int second = fixed ? Math.max(left, right) : right;
            philosophers[i] = () -> {
                forks[first].lock();
                try {
                    Fiber.yieldNow();
                    forks[second].lock();
                    forks[second].unlock();
                } finally {
                    forks[first].unlock();
                }
            };
        }
        Actors.run(philosophers[0]::run, philosophers[1]::run, philosophers[2]::run);
    }
}
