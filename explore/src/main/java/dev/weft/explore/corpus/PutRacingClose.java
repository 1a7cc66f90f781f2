package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A put racing a close: a channel's put checks {@code closed} before taking the channel's lock (a
 * fast path), then waits for the lock and adds. A closes the channel under the lock, after a yield
 * while holding it (flushing a batch), and drains what is left. B's put that passed its check
 * while A held the lock adds its item after the close and the drain: a put that returned normally
 * whose item nobody receives. The race of the stress module's twin Channel_01 CloseWithoutLock (the
 * check and the add not atomic with respect to close), on one hub.
 *
 * <p>Suspensions the bug needs: A's yield while holding the lock, and B's wait for the lock between
 * its check and its add. Fix: check {@code closed} under the lock.
 */
public final class PutRacingClose implements CorpusBug {

    /** An unbounded channel on a Weft lock (a corpus helper). */
    private static final class Channel {
        final ReentrantLock lock = new ReentrantLock();
        final ArrayDeque<Integer> items = new ArrayDeque<>();
        boolean closed;

        boolean put(int item, boolean checkUnderLock) {
            if (!checkUnderLock && closed) {
                return false;
            }
            lock.lock();
            try {
                if (checkUnderLock && closed) {
                    return false;
                }
                items.addLast(item);
                return true;
            } finally {
                lock.unlock();
            }
        }

        List<Integer> closeAndDrain() {
            lock.lock();
            try {
                Fiber.yieldNow();
                closed = true;
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
        return "stress twin Channel_01 CloseWithoutLock (the same race), on one hub";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        Channel channel = new Channel();
        List<Integer> received = new ArrayList<>();
        List<Integer> accepted = new ArrayList<>();
        Actors.run(() -> received.addAll(channel.closeAndDrain()), () -> {
            if (channel.put(1, fixed)) {
                accepted.add(1);
            }
        });
        Actors.check(received.equals(accepted), "put racing close: the channel accepted " + accepted
                + " but delivered " + received);
    }
}
