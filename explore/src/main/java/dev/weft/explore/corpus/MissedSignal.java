package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

import java.util.concurrent.locks.Condition;

/**
 * Missed signal: a waiter reads the flag under the lock, releases it, yields (it logs that it is
 * about to wait), then takes the lock again and waits on the condition without checking the flag
 * again. A notifier that sets the flag and signals in that window signals nobody: the waiter waits
 * forever (a {@link dev.weft.fibers.SimulationDeadlock}).
 *
 * <p>Suspension the bug needs: the waiter's yield between the check and the wait. Fix: check and
 * wait in one critical section, in a loop ({@code while (!flag) await()}).
 */
public final class MissedSignal implements CorpusBug {

    @Override
    public String origin() {
        return "classic (lost notify: check outside the monitor)";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        boolean[] flag = {false};
        ReentrantLock lock = new ReentrantLock();
        Condition changed = lock.newCondition();
        Actors.run(() -> {
            if (fixed) {
                lock.lock();
                try {
                    while (!flag[0]) {
                        changed.awaitUninterruptibly();
                    }
                } finally {
                    lock.unlock();
                }
                return;
            }
            lock.lock();
            boolean seen;
            try {
                seen = flag[0];
            } finally {
                lock.unlock();
            }
            if (!seen) {
                Fiber.yieldNow();
                lock.lock();
                try {
                    changed.awaitUninterruptibly();
                } finally {
                    lock.unlock();
                }
            }
        }, () -> {
            lock.lock();
            try {
                flag[0] = true;
                changed.signal();
            } finally {
                lock.unlock();
            }
        });
    }
}
