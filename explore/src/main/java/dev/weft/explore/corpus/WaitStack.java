package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Unfair hand-off: a lock that queues its waiters in a stack serves the newest first, so a waiter
 * can be overtaken by every later one (starvation; gevent #1487 "Semaphore terribly unfair", where
 * waiters sat in a set). A holds the lock across two yields; B and C queue in some order; the lock
 * must serve them in the order they queued.
 *
 * <p>Suspensions the bug needs: A's yields while holding the lock, so that both B and C queue.
 * Fix: a FIFO queue (stress twin Lock_06 WaitStack).
 */
public final class WaitStack implements CorpusBug {

    /** A hand-off lock (a corpus helper; plain fields, one scheduler). */
    private static final class HandoffLock {
        final boolean fifo;
        final ArrayDeque<Strand> waiters = new ArrayDeque<>();
        Strand owner;

        HandoffLock(boolean fifo) {
            this.fifo = fifo;
        }

        void lock() {
            Strand me = Strand.current();
            if (owner == null) {
                owner = me;
                return;
            }
            if (fifo) {
                waiters.addLast(me);
            } else {
                waiters.addFirst(me);
            }
            while (owner != me) {
                Strand.park();
            }
        }

        void unlock() {
            owner = waiters.pollFirst();
            if (owner != null) {
                owner.unpark();
            }
        }
    }

    @Override
    public String origin() {
        return "stress twin Lock_06 WaitStack; gevent #1487 (unfair semaphore)";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        HandoffLock lock = new HandoffLock(fixed);
        List<String> queued = new ArrayList<>();
        List<String> served = new ArrayList<>();
        Runnable waiter = () -> {
            String me = Strand.current().name();
            queued.add(me);
            lock.lock();
            served.add(me);
            lock.unlock();
        };
        Actors.run(() -> {
            queued.add("A");
            lock.lock();
            served.add("A");
            Fiber.yieldNow();
            Fiber.yieldNow();
            lock.unlock();
        }, waiter::run, waiter::run);
        Actors.check(queued.equals(served), "unfair hand-off: queued " + queued + " but served " + served);
    }
}
