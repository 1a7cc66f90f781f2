package dev.weft.fibers.io;

import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Strand;
import dev.weft.fibers.TimeoutExpired;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The JVM's one readiness poller: an NIO {@link Selector} driven by its own daemon thread,
 * {@code weft-poller}, started on first use. Strands (fibers or threads) that must wait for a
 * channel to become readable, writable, acceptable or connectable register a {@link Waiter}
 * here and park; the poller unparks them when the channel is ready, or closed.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>A blocked fiber costs no thread</b>, only a waiter and a selection key: its carrier
 *       runs other fibers meanwhile.</li>
 *   <li><b>No lost wake-up.</b> A waiter is queued for registration before its strand parks,
 *       and the strand re-checks its waiter's state after every return from park (which may
 *       be spurious). Readiness that arrives between registration and park leaves the park
 *       permit set, so the park returns at once.</li>
 *   <li><b>Exactly one outcome per waiter</b>: the poller's {@code WAITING -> READY} CAS and the
 *       strand's {@code WAITING -> CANCELLED} CAS (on timeout, kill, timeout scope or
 *       interrupt) race, and one wins. A cancelled waiter is handed back to the poller, which
 *       drops it and narrows the key's interest: no waiter outlives its wait.</li>
 *   <li><b>One key per channel, for the channel's life.</b> It is made on the first wait and
 *       cancelled by the channel's close; {@link #close} then waits until the selector has
 *       deregistered it, so the channel's file descriptor is released when {@code close}
 *       returns (the JDK defers that release for a registered channel).</li>
 *   <li><b>Closing wakes every waiter</b> of the channel; each sees the channel closed when it
 *       retries its operation.</li>
 *   <li>Only the poller thread touches the selector's keys and their waiter lists; every other
 *       strand hands it changes through a lock-free queue followed by {@link Selector#wakeup()}.</li>
 * </ol>
 *
 * <h2>Why one thread of its own</h2>
 * The issue asked for a selector owned by the scheduler. A {@code Hub}'s carrier sleeps in
 * {@code LockSupport.park} when it has nothing to run, and is woken by {@code unpark}; it cannot
 * sleep in {@code Selector.select} instead without changing every wake-up path of the runtime
 * (an unpark would have to become a {@code selector.wakeup()}), and this package may not change
 * the runtime. So the poller is one daemon thread per JVM that does nothing but select and
 * unpark. The price is one cross-thread hand-off per wait (queue + wakeup, then unpark).
 */
final class Poller {

    private static final class Holder {
        static final Poller POLLER = start();
    }

    /** The poller, opened and started on first use. */
    static Poller get() {
        return Holder.POLLER;
    }

    private static Poller start() {
        try {
            Poller p = new Poller(Selector.open());
            Thread.ofPlatform().name("weft-poller").daemon().start(p::loop);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("Weft could not open the NIO selector its fiber I/O needs", e);
        }
    }

    private final Selector selector;
    /** Waiters to register or drop, and closes to finish. Many producers, the poller consumes. */
    private final ConcurrentLinkedQueue<Object> changes = new ConcurrentLinkedQueue<>();

    private Poller(Selector selector) {
        this.selector = selector;
    }

    /**
     * Waits until {@code channel} is ready for {@code op} (one {@code SelectionKey.OP_*}), is
     * closed, or {@code deadline} (a {@code System.nanoTime()} value, or {@code Long.MAX_VALUE}
     * for no limit) passes. May report readiness that the next operation does not find: callers
     * retry their operation and wait again.
     *
     * @return {@code false} if the deadline passed first
     * @throws FiberExit if the calling fiber is killed meanwhile (the channel stays usable)
     * @throws TimeoutExpired if a {@code Timeout} of the calling fiber fires meanwhile
     * @throws InterruptedIOException if the calling thread is interrupted (its status stays set)
     */
    boolean await(SelectableChannel channel, int op, long deadline) throws InterruptedIOException {
        Strand me = Strand.current();
        Waiter w = new Waiter(me, channel, op);
        submit(w);
        try {
            while (w.state == Waiter.WAITING && channel.isOpen()) {
                if (deadline == Long.MAX_VALUE) {
                    Strand.park();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    Strand.parkNanos(left);
                }
                if (!me.isFiber() && Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while waiting for " + channel);
                }
            }
            return true;
        } finally {
            if (w.cancel()) {
                submit(w); // the poller drops it and narrows the key's interest
            }
        }
    }

    /**
     * Closes {@code channel}, wakes its waiters, and returns once its file descriptor is
     * released. A kill or timeout that arrives meanwhile is thrown after that.
     */
    void close(SelectableChannel channel) throws IOException {
        try {
            channel.close();
        } finally {
            if (channel.keyFor(selector) != null) { // registered: the selector must deregister it
                finishClose(channel);
            }
        }
    }

    private void finishClose(SelectableChannel channel) {
        Closing c = new Closing(Strand.current(), channel);
        submit(c);
        Error deferred = null;
        while (!c.done) {
            try {
                Strand.park();
            } catch (FiberExit | TimeoutExpired e) {
                deferred = e; // thrown once the descriptor is released: close must not leak it
            }
        }
        if (deferred != null) {
            throw deferred;
        }
    }

    private void submit(Object change) {
        changes.add(change);
        selector.wakeup();
    }

    // ------------------------------------------------------------------ the poller thread

    private void loop() {
        for (;;) {
            try {
                selector.select(this::onReady);
                applyChanges();
            } catch (Throwable t) {
                // the poller must outlive any one bad channel: report and keep polling
                Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), t);
            }
        }
    }

    private void onReady(SelectionKey key) {
        Waiters ws = (Waiters) key.attachment();
        try {
            ws.wake(key.readyOps());
        } catch (CancelledKeyException closedMeanwhile) {
            ws.wakeAll();
            return;
        }
        updateInterest(key, ws);
    }

    private void applyChanges() throws IOException {
        ArrayList<Closing> closed = null;
        for (Object change; (change = changes.poll()) != null; ) {
            if (change instanceof Waiter w) {
                if (w.state == Waiter.WAITING) {
                    register(w);
                } else if (w.state == Waiter.CANCELLED) {
                    drop(w);
                }
            } else {
                Closing c = (Closing) change;
                SelectionKey key = c.channel.keyFor(selector);
                if (key != null) {
                    ((Waiters) key.attachment()).wakeAll();
                }
                if (closed == null) {
                    closed = new ArrayList<>();
                }
                closed.add(c);
            }
        }
        if (closed != null) {
            selector.selectNow(this::onReady); // deregisters the cancelled keys: the descriptors close
            for (Closing c : closed) {
                c.done = true;
                c.strand.unpark();
            }
        }
    }

    private void register(Waiter w) {
        SelectionKey key = w.channel.keyFor(selector);
        try {
            if (key == null) {
                key = w.channel.register(selector, 0, new Waiters());
            }
            if (!key.isValid()) {
                w.wake(); // cancelled, so the channel is closed: the waiter finds that out itself
                return;
            }
            Waiters ws = (Waiters) key.attachment();
            ws.add(w);
            updateInterest(key, ws);
        } catch (ClosedChannelException | CancelledKeyException e) {
            w.wake();
        }
    }

    private void drop(Waiter w) {
        SelectionKey key = w.channel.keyFor(selector);
        if (key != null && key.isValid()) {
            Waiters ws = (Waiters) key.attachment();
            ws.remove(w);
            updateInterest(key, ws);
        }
    }

    private static void updateInterest(SelectionKey key, Waiters ws) {
        try {
            int ops = ws.interest();
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        } catch (CancelledKeyException closedMeanwhile) {
            ws.wakeAll();
        }
    }

    // ------------------------------------------------------------------ waiters

    /**
     * One strand's wait for one operation on one channel.
     *
     * <pre>
     *   WAITING -> READY      the poller saw readiness or a close; it then unparks the strand
     *   WAITING -> CANCELLED  the strand gave up (deadline, kill, timeout, interrupt)
     * </pre>
     */
    static final class Waiter {
        static final int WAITING = 0;
        static final int READY = 1;
        static final int CANCELLED = 2;

        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Strand strand;
        final SelectableChannel channel;
        final int op;
        volatile int state;

        Waiter(Strand strand, SelectableChannel channel, int op) {
            this.strand = strand;
            this.channel = channel;
            this.op = op;
        }

        /** WAITING -> READY, then unpark. Poller thread. */
        void wake() {
            if (STATE.compareAndSet(this, WAITING, READY)) {
                strand.unpark();
            }
        }

        /** WAITING -> CANCELLED. The waiting strand. @return whether it won the race */
        boolean cancel() {
            return STATE.compareAndSet(this, WAITING, CANCELLED);
        }
    }

    /** The waiters of one key, in arrival order. Only accessed by the poller thread. */
    private static final class Waiters {
        private final ArrayList<Waiter> list = new ArrayList<>(2);

        void add(Waiter w) {
            list.add(w);
        }

        void remove(Waiter w) {
            list.remove(w);
        }

        int interest() {
            int ops = 0;
            for (int i = 0, n = list.size(); i < n; i++) {
                ops |= list.get(i).op;
            }
            return ops;
        }

        /** Wakes and forgets every waiter whose operation is in {@code readyOps}. */
        void wake(int readyOps) {
            list.removeIf(w -> {
                if ((w.op & readyOps) != 0) {
                    w.wake();
                    return true;
                }
                return false;
            });
        }

        void wakeAll() {
            list.forEach(Waiter::wake);
            list.clear();
        }
    }

    /** A close waiting for its channel's key to be deregistered. */
    private static final class Closing {
        final Strand strand;
        final SelectableChannel channel;
        volatile boolean done;

        Closing(Strand strand, SelectableChannel channel) {
            this.strand = strand;
            this.channel = channel;
        }
    }
}
