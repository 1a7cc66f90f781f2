package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import dev.weft.locks.ReentrantLock;

import java.time.Duration;
import java.util.concurrent.locks.Condition;

/**
 * A timeout thrown inside a wait leaves a lock held (mongo-python-driver PR #471/#472: under
 * gevent, a {@code Timeout} raised inside its Condition-based {@code Semaphore.acquire} skipped the
 * release of the condition's lock). A counting semaphore built on a lock and a condition: acquire
 * locks, waits while the count is 0, decrements, unlocks, without {@code try/finally}. B acquires
 * within a 1 ms {@link Timeout} while A holds the only permit for 2 ms: the timeout is thrown from
 * the condition wait with the lock re-acquired, nothing unlocks it, and A's release then waits for
 * the lock forever (a {@link dev.weft.fibers.SimulationDeadlock}).
 *
 * <p>Suspensions the bug needs: B's condition wait, A's 2 ms sleep; A must take the permit first.
 * Fix: unlock in {@code finally}.
 */
public final class TimeoutLeavesLockHeld implements CorpusBug {

    /** A counting semaphore on a lock and a condition (a corpus helper). */
    private static final class CountingSemaphore {
        final ReentrantLock lock = new ReentrantLock();
        final Condition positive = lock.newCondition();
        int permits = 1;

        void acquire(boolean unlockInFinally) {
            lock.lock();
            if (unlockInFinally) {
                try {
                    awaitAndTake();
                } finally {
                    lock.unlock();
                }
            } else {
                awaitAndTake();
                lock.unlock();
            }
        }

        private void awaitAndTake() {
            while (permits == 0) {
                positive.awaitUninterruptibly();
            }
            permits--;
        }

        void release() {
            lock.lock();
            try {
                permits++;
                positive.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public String origin() {
        return "gevent users: mongo-python-driver PR #471/#472 (a Timeout inside Semaphore.acquire)";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        CountingSemaphore semaphore = new CountingSemaphore();
        Actors.run(() -> {
            semaphore.acquire(fixed);
            Fiber.sleep(Duration.ofMillis(2));
            semaphore.release();
        }, () -> {
            boolean acquired = false;
            try (Timeout t = Timeout.after(Duration.ofMillis(1))) {
                semaphore.acquire(fixed);
                acquired = true;
            } catch (TimeoutExpired gaveUp) {
                // the caller gives up; the semaphore must stay usable
            }
            if (acquired) {
                semaphore.release();
            }
        });
    }
}
