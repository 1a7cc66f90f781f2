package dev.weft.stress.twins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A copy of {@code dev.weft.fibers.io.Poller}'s thread
 * poller (a selector with its own daemon thread, waits handed to it through a queue and
 * {@link Selector#wakeup()}, a waiter per wait with the {@code WAITING -> READY} and
 * {@code WAITING -> CANCELLED} CASes) and of {@code FiberSocket.read}'s loop around it, for
 * platform threads only, with exactly one step broken on purpose, chosen by {@link Defect}.
 * The twin tests run it in the shape of the real {@code Io_} tests, to prove those tests catch
 * the defect.
 *
 * <p>Waiter states, as in {@code Poller.Waiter} (correct version):
 * <pre>
 *   WAITING -> READY      the poller saw readiness or a close; it then unparks the strand
 *   WAITING -> CANCELLED  the strand gave up (deadline)
 * </pre>
 * One poller per defect per forked VM (a twin test runs alone in its fork), started on first use.
 */
public final class BrokenThreadPoller {

    /** The one broken step. */
    public enum Defect {
        /**
         * The poller unparks the strand only if it sees it parked (a "save the unpark"
         * optimisation), and the strand marks itself parked and parks without re-checking its
         * waiter's state: readiness seen between the strand's registration and its park is lost.
         */
        PARK_WITHOUT_RECHECK,
        /**
         * close only closes the channel, trusting the selector to report the cancelled key to
         * the strands waiting on it. It does not: a cancelled key is never selected, and a
         * strand parked on it sleeps on.
         */
        CLOSE_WITHOUT_WAKE
    }

    /** What a {@link #read} ended with. */
    public enum Outcome {
        /** It read bytes before its limit. */
        READ,
        /** It found the channel closed. */
        CLOSED,
        /** Its limit passed first; see {@link #lastWaitWasReadyButNotWoken()}. */
        TIMED_OUT
    }

    private final Defect defect;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Waiter> changes = new ConcurrentLinkedQueue<>();
    /** Set by the reading thread about its last wait: the poller had marked it READY, but never unparked it. */
    private static final ThreadLocal<boolean[]> READY_NOT_WOKEN = ThreadLocal.withInitial(() -> new boolean[1]);

    /** Starts a broken poller and its daemon thread ({@code weft-broken-poller}). */
    public BrokenThreadPoller(Defect defect) {
        this.defect = defect;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofPlatform().name("weft-broken-poller").daemon().start(this::loop);
    }

    /**
     * {@code FiberSocket.read(dst, timeout)}'s loop, for a platform thread, on a non-blocking
     * channel: reads at least one byte, or finds the channel closed, or gives up once
     * {@code limitNanos} passed.
     */
    public Outcome read(SocketChannel channel, ByteBuffer dst, long limitNanos) throws IOException {
        READY_NOT_WOKEN.get()[0] = false;
        long deadline = Long.MIN_VALUE;
        try {
            for (;;) {
                if (channel.read(dst) != 0) {
                    return Outcome.READ;
                }
                if (deadline == Long.MIN_VALUE) {
                    deadline = System.nanoTime() + limitNanos;
                }
                if (!await(channel, deadline)) {
                    return Outcome.TIMED_OUT;
                }
            }
        } catch (ClosedChannelException e) {
            return Outcome.CLOSED;
        }
    }

    /**
     * Whether the calling thread's last {@link #read} left a waiter that the poller had marked
     * READY without unparking its strand: the strand slept through readiness until its own limit.
     */
    public static boolean lastWaitWasReadyButNotWoken() {
        return READY_NOT_WOKEN.get()[0];
    }

    /** Closes {@code channel}; with CLOSE_WITHOUT_WAKE, nothing more. */
    public void close(SocketChannel channel) throws IOException {
        if (defect == Defect.CLOSE_WITHOUT_WAKE) {
            channel.close();                                 // BROKEN: the waiters on its key are never woken
            return;
        }
        throw new UnsupportedOperationException("only the broken close is copied");
    }

    private boolean await(SocketChannel channel, long deadline) {
        Waiter w = new Waiter(Thread.currentThread(), channel);
        changes.add(w);
        selector.wakeup();
        try {
            if (defect == Defect.PARK_WITHOUT_RECHECK) {
                w.parked = true;                             // BROKEN: parks whatever state the poller already set
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    LockSupport.parkNanos(left);
                }
                if (w.state == Waiter.READY && !w.unparked) {
                    READY_NOT_WOKEN.get()[0] = true;
                }
                return w.state == Waiter.READY || System.nanoTime() - deadline < 0;
            }
            while (w.state == Waiter.WAITING && channel.isOpen()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(left);
            }
            return true;
        } finally {
            if (w.cancel()) {
                changes.add(w);
                selector.wakeup();
            }
        }
    }

    // ------------------------------------------------------------------ the poller thread

    private void loop() {
        for (;;) {
            try {
                selector.select(this::onReady);
                for (Waiter w; (w = changes.poll()) != null; ) {
                    if (w.state == Waiter.WAITING) {
                        register(w);
                    } else if (w.state == Waiter.CANCELLED) {
                        drop(w);
                    }
                }
            } catch (IOException | RuntimeException e) {
                e.printStackTrace(); // a copy for negative controls: report and keep polling
            }
        }
    }

    private void onReady(SelectionKey key) {
        @SuppressWarnings("unchecked")
        ArrayList<Waiter> ws = (ArrayList<Waiter>) key.attachment();
        for (Waiter w : ws) {
            w.wake();
        }
        ws.clear();
        try {
            key.interestOps(0);
        } catch (CancelledKeyException closedMeanwhile) {
            // nothing waits on it any more
        }
    }

    private void register(Waiter w) {
        try {
            SelectionKey key = w.channel.keyFor(selector);
            if (key == null) {
                key = w.channel.register(selector, 0, new ArrayList<Waiter>(2));
            }
            if (!key.isValid()) {
                w.wake();
                return;
            }
            @SuppressWarnings("unchecked")
            ArrayList<Waiter> ws = (ArrayList<Waiter>) key.attachment();
            ws.add(w);
            key.interestOps(SelectionKey.OP_READ);
        } catch (ClosedChannelException | CancelledKeyException e) {
            w.wake();
        }
    }

    private void drop(Waiter w) {
        SelectionKey key = w.channel.keyFor(selector);
        if (key != null) {
            @SuppressWarnings("unchecked")
            ArrayList<Waiter> ws = (ArrayList<Waiter>) key.attachment();
            ws.remove(w);
            try {
                if (ws.isEmpty()) {
                    key.interestOps(0);
                }
            } catch (CancelledKeyException closedMeanwhile) {
                // the channel was closed: nothing to narrow
            }
        }
    }

    private final class Waiter {
        static final int WAITING = 0;
        static final int READY = 1;
        static final int CANCELLED = 2;

        final Thread thread;
        final SocketChannel channel;
        volatile int state;
        /** PARK_WITHOUT_RECHECK only: the strand is about to park (set once, never cleared). */
        volatile boolean parked;
        /** Whether the poller unparked the strand; read by the strand for the report. */
        volatile boolean unparked;

        Waiter(Thread thread, SocketChannel channel) {
            this.thread = thread;
            this.channel = channel;
        }

        void wake() {
            if (STATE.compareAndSet(this, WAITING, READY)) {
                if (defect == Defect.PARK_WITHOUT_RECHECK && !parked) {
                    return;                                  // BROKEN: "it is not parked yet, no unpark needed"
                }
                unparked = true;
                LockSupport.unpark(thread);
            }
        }

        boolean cancel() {
            return STATE.compareAndSet(this, WAITING, CANCELLED);
        }
    }

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.privateLookupIn(Waiter.class, MethodHandles.lookup())
                    .findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
