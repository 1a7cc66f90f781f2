package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.Semaphore;

/**
 * A pool slot freed too early: a pool of one slot runs each task in a fiber of its own. The broken
 * pool frees the slot as soon as the task's fiber is spawned instead of when it ends, so a second
 * task can start while the first still runs.
 *
 * <p>Suspension the bug needs: the task's yield while it is active (without a suspension each task
 * runs to its end before the other starts). Fix: free the slot when the task's fiber completes
 * (stress twin Pool_01 SlotFreedInBody).
 */
public final class PoolSlotFreedEarly implements CorpusBug {

    @Override
    public String origin() {
        return "stress twin Pool_01 SlotFreedInBody, on one hub";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        Semaphore slots = new Semaphore(1);
        int[] active = {0};
        int[] most = {0};
        Runnable submit = () -> {
            slots.acquireUninterruptibly();
            Fiber<Void> task = Fiber.spawn(() -> {
                active[0]++;
                most[0] = Math.max(most[0], active[0]);
                Fiber.yieldNow();
                active[0]--;
            });
            if (fixed) {
                task.onComplete(done -> slots.release());
            } else {
                slots.release();
            }
            try {
                task.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException("a simulated fiber is not interrupted", e);
            }
        };
        Actors.run(submit::run, submit::run);
        Actors.check(most[0] <= 1, "pool slot freed early: " + most[0] + " tasks ran at once in a pool of one");
    }
}
