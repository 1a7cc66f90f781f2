package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

/**
 * Double-checked initialisation across a suspension: the first user of a lazily opened
 * connection publishes it, then opens it (a handshake that suspends). A second user that checks
 * meanwhile finds it published and uses it before it is open. The fiber version of "double-checked
 * locking without a barrier": on one hub no write is reordered, but a suspension between publishing
 * and finishing the initialisation exposes the half-built object just the same.
 *
 * <p>Suspension the bug needs: the handshake ({@code Fiber.yieldNow()}) between publishing and
 * opening. Fix: open a local connection under a lock, re-check under the lock, publish last.
 */
public final class DoubleCheckedInit implements CorpusBug {

    /** A connection that must be opened before use. */
    private static final class Connection {
        boolean open;

        void open() {
            Fiber.yieldNow();
            open = true;
        }
    }

    @Override
    public String origin() {
        return "classic (double-checked initialisation)";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        Connection[] shared = {null};
        ReentrantLock lock = new ReentrantLock();
        Runnable use = () -> {
            Connection c = shared[0];
            if (c == null) {
                if (fixed) {
                    lock.lock();
                    try {
                        c = shared[0];
                        if (c == null) {
                            c = new Connection();
                            c.open();
                            shared[0] = c;
                        }
                    } finally {
                        lock.unlock();
                    }
                } else {
                    c = new Connection();
                    shared[0] = c;
                    c.open();
                }
            }
            Actors.check(c.open, "double-checked init: a fiber used the connection before it was opened");
        };
        Actors.run(use::run, use::run);
    }
}
