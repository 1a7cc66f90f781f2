package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

/**
 * Two-stage access (SCTBench CS/twostage_bad): a writer sets {@code data1} under lock 1, then
 * {@code data2 = data1 + 1} under lock 2; a reader reads {@code data1} under lock 1, then
 * {@code data2} under lock 2, and expects {@code data2 == data1 + 1} once {@code data1} is set. Each
 * access is locked, but the pair is not atomic: the reader can see the new {@code data1} with the old
 * {@code data2}.
 *
 * <p>Suspension the bug needs: a yield between the two stages of each fiber. Fix: both hold lock 1
 * across both stages.
 */
public final class TwoStage implements CorpusBug {

    @Override
    public String origin() {
        return "SCTBench CS/twostage_bad";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        int[] data = {0, 0};
        ReentrantLock one = new ReentrantLock();
        ReentrantLock two = new ReentrantLock();
        Actors.run(() -> {
            one.lock();
            data[0] = 1;
            if (!fixed) {
                one.unlock();
            }
            Fiber.yieldNow();
            two.lock();
            data[1] = data[0] + 1;
            two.unlock();
            if (fixed) {
                one.unlock();
            }
        }, () -> {
            one.lock();
            int first = data[0];
            if (!fixed) {
                one.unlock();
            }
            Fiber.yieldNow();
            two.lock();
            int second = data[1];
            two.unlock();
            if (fixed) {
                one.unlock();
            }
            Actors.check(first == 0 || second == first + 1, "two-stage: read data1 = " + first + " with data2 = " + second);
        });
    }
}
