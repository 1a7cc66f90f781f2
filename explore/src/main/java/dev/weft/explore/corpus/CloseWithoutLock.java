package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;

/**
 * A put racing a close: a bounded channel (capacity 1) whose close does not take the channel's
 * lock. B puts 1 and then 2, which waits for space; A takes 1 (which hands the lock to B's waiting
 * put), yields, then closes and drains. If A closes before B runs again, the broken close drains an
 * empty channel, and B's put, already past its check, adds 2 after the close: a put that returned
 * normally whose item nobody receives.
 *
 * <p>Suspensions the bug needs: B's wait for space and A's yield between take and close. Fix: close
 * under the lock, so it waits for the put in progress (stress twin Channel_01 CloseWithoutLock).
 */
public final class CloseWithoutLock implements CorpusBug {

    /** A bounded channel on a Weft lock (a corpus helper). */
    private static final class Channel {
        final ReentrantLock lock = new ReentrantLock();
        final Condition notFull = lock.newCondition();
        final Condition notEmpty = lock.newCondition();
        final ArrayDeque<Integer> items = new ArrayDeque<>();
        boolean closed;

        boolean put(int item) {
            lock.lock();
            try {
                while (!closed && items.size() == 1) {
                    notFull.awaitUninterruptibly();
                }
                if (closed) {
                    return false;
                }
                items.addLast(item);
                notEmpty.signal();
                return true;
            } finally {
                lock.unlock();
            }
        }

        int take() {
            lock.lock();
            try {
                while (items.isEmpty()) {
                    notEmpty.awaitUninterruptibly();
                }
                int item = items.removeFirst();
                notFull.signal();
                return item;
            } finally {
                lock.unlock();
            }
        }

        List<Integer> closeAndDrain(boolean underLock) {
            if (!underLock) {
                closed = true;
                List<Integer> rest = new ArrayList<>(items);
                items.clear();
                return rest;
            }
            lock.lock();
            try {
                closed = true;
                notFull.signalAll();
                List<Integer> rest = new ArrayList<>(items);
                items.clear();
                return rest;
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public String origin() {
        return "stress twin Channel_01 CloseWithoutLock, on one hub";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        Channel channel = new Channel();
        List<Integer> received = new ArrayList<>();
        List<Integer> accepted = new ArrayList<>();
        Actors.run(() -> {
            received.add(channel.take());
            Fiber.yieldNow();
            received.addAll(channel.closeAndDrain(fixed));
        }, () -> {
            for (int item = 1; item <= 2; item++) {
                if (channel.put(item)) {
                    accepted.add(item);
                }
            }
        });
        Actors.check(received.equals(accepted), "put racing close: the channel accepted " + accepted
                + " but delivered " + received);
    }
}
