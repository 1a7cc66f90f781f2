package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

/**
 * Bank transfers that withdraw (read the source balance, write an audit record, write it back
 * less the amount) and then deposit (the same on the target): two opposite transfers that
 * interleave overwrite each other's writes, and money is created or destroyed (SCTBench
 * CS/account_bad, adapted to a transfer between two accounts).
 *
 * <p>Suspensions the bug needs: the audit writes ({@code Fiber.yieldNow()}) between each read and
 * its write. Fix: the bank's lock around the whole transfer.
 */
public final class BankTransfer implements CorpusBug {

    @Override
    public String origin() {
        return "SCTBench CS/account_bad (adapted: a transfer)";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        int[] balance = {100, 100};
        ReentrantLock bank = new ReentrantLock();
        Actors.run(() -> transfer(balance, 0, 1, 10, fixed ? bank : null),
                () -> transfer(balance, 1, 0, 20, fixed ? bank : null));
        Actors.check(balance[0] + balance[1] == 200, "money not conserved: balances " + balance[0] + " and "
                + balance[1] + " after two transfers");
    }

    private static void transfer(int[] balance, int from, int to, int amount, ReentrantLock lock) {
        if (lock != null) {
            lock.lock();
        }
        try {
            int source = balance[from];
            Fiber.yieldNow();
            balance[from] = source - amount;
            int target = balance[to];
            Fiber.yieldNow();
            balance[to] = target + amount;
        } finally {
            if (lock != null) {
                lock.unlock();
            }
        }
    }
}
