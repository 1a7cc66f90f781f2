package dev.weft.fibers.internal.io;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.SimulatedScheduler;
import dev.weft.fibers.Strand;
import dev.weft.fibers.TimeoutExpired;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A readiness poller: an NIO {@link Selector} and the strands waiting on it for a channel to
 * become readable, writable, acceptable or connectable. A waiting strand registers a
 * {@link Waiter} and parks; the poller unparks it when the channel is ready, or closed.
 *
 * <h2>Two kinds</h2>
 * <ul>
 *   <li><b>A carrier's poller</b>, one per {@code Hub} (so one per carrier of a
 *       {@code MultiCarrierScheduler}), made by the hub and driven by its loop: polled without
 *       blocking between batches while it has keys, and the carrier sleeps in
 *       {@code select()} instead of {@code park()} when it has nothing to run. Only plain fibers
 *       of that hub wait on it. They run on the carrier, so they register, cancel and close
 *       directly: a wait and its wake-up never leave the carrier thread, and cost no
 *       cross-thread hand-off. The selector is opened on the first wait, so a hub that does no
 *       I/O holds no descriptor.</li>
 *   <li><b>The thread poller</b>, one per JVM, a selector with its own daemon thread
 *       ({@code weft-poller}) started on first use, for strands that have no Weft carrier to
 *       poll for them: platform threads and patched fibers (virtual threads). They hand their
 *       waits to it through a lock-free queue followed by {@link Selector#wakeup()}.</li>
 * </ul>
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>A blocked fiber costs no thread</b>, only a waiter and a selection key.</li>
 *   <li><b>No lost wake-up.</b> A waiter is registered (or queued for registration) before its
 *       strand parks, and the strand re-checks its waiter's state after every return from park
 *       (which may be spurious). Readiness that arrives between registration and park leaves
 *       the park permit set, so the park returns at once.</li>
 *   <li><b>Exactly one outcome per waiter</b>: the poller's {@code WAITING -> READY} CAS and the
 *       strand's {@code WAITING -> CANCELLED} CAS (on timeout, kill, timeout scope or
 *       interrupt) race, and one wins. A cancelled waiter is dropped and its key's interest
 *       narrowed: no waiter outlives its wait.</li>
 *   <li><b>One key per channel and poller, for the channel's life.</b> It is made on the first
 *       wait there and cancelled by the channel's close; {@code close(PolledChannel)}
 *       returns only once every poller holding a key for the channel has deregistered it, so
 *       the channel's descriptor is released when {@code close} returns (the JDK defers that
 *       release for a registered channel).</li>
 *   <li><b>Closing wakes every waiter</b> of the channel, on every poller; each sees the
 *       channel closed when it retries its operation.</li>
 *   <li>Only the poller's owner thread (the carrier, or {@code weft-poller}) touches its
 *       selector's keys and their waiter lists; other threads hand it changes through the
 *       queue.</li>
 * </ol>
 *
 * <p>Public only because {@code Hub} (package {@code dev.weft.fibers}) makes and drives the
 * carrier pollers, as it does its {@code TimerWheel}; the methods for that are documented as
 * the carrier's. Users never call them: use {@link FiberSocket}, {@link FiberServerSocket}.
 */
public final class Poller {

    /** The poller of the carrier running on this thread; unset on every other thread. */
    private static final ThreadLocal<Poller> CARRIER_POLLER = new ThreadLocal<>();
    /** Every poller whose selector is open: a close looks for its channel's keys in each. */
    private static final CopyOnWriteArrayList<Poller> OPEN = new CopyOnWriteArrayList<>();

    private static final class ThreadPollerHolder {
        static final Poller POLLER = startThreadPoller();
    }

    /** Whether the owner is a hub's carrier (waits enlist directly) or weft-poller (through the queue). */
    private final boolean carrierOwned;
    /** Opened by the owner on the first wait (carrier pollers) or at once (the thread poller). */
    private volatile Selector selector;
    /** Closes to finish and, for the thread poller, waiters to register or drop. */
    private final ConcurrentLinkedQueue<Object> changes = new ConcurrentLinkedQueue<>();
    /** Set when the owner closed the selector: late changes are finished by their submitter. */
    private volatile boolean closed;
    /** The dispatcher the selector calls for each ready key; one instance, no allocation per poll. */
    private final Consumer<SelectionKey> onReady = this::onReady;
    /**
     * Wakes the owner after a change was queued: a carrier may be asleep in {@code park}
     * rather than in {@code select} (its keys may all have gone), so only its hub knows how.
     */
    private final Runnable wakeOwner;

    private Poller(boolean carrierOwned, Runnable wakeOwner) {
        this.carrierOwned = carrierOwned;
        this.wakeOwner = wakeOwner != null ? wakeOwner : this::wakeup;
    }

    // ------------------------------------------------------------------ the carrier's side

    /**
     * For a hub's carrier loop: makes the poller of the calling thread (the carrier), which its
     * plain fibers will wait on. Holds no descriptor until the first wait.
     *
     * @param wakeCarrier wakes the carrier if it sleeps (in {@code park} or in this poller's
     *        {@code select}); called by other threads after they queued a change here
     */
    public static Poller forCarrier(Runnable wakeCarrier) {
        Poller p = new Poller(true, wakeCarrier);
        CARRIER_POLLER.set(p);
        return p;
    }

    /**
     * For the carrier: whether a fiber has waited here, so that the carrier must poll (and
     * sleep in {@code select} rather than {@code park}).
     */
    public boolean hasKeys() {
        Selector s = selector;
        return s != null && !s.keys().isEmpty();
    }

    /**
     * For the carrier: whether another thread queued a change (a close) that {@link #pollNow()}
     * must finish. The carrier must not sleep while it has one: it reads this after publishing
     * that it is about to sleep, and the other thread queues before it sends the wake-up.
     */
    public boolean hasChanges() {
        return !changes.isEmpty();
    }

    /** For the carrier: whether it must call {@link #pollNow()} on this turn of its loop. */
    public boolean hasWork() {
        return hasKeys() || hasChanges();
    }

    /** For the carrier: wakes the fibers whose channels are ready now, without blocking. */
    public void pollNow() {
        try {
            selector.selectNow(onReady);
            applyChanges();
        } catch (IOException e) {
            throw new UncheckedIOException("Weft's poller could not select", e);
        }
    }

    /**
     * For the carrier: sleeps in {@code select} until a channel is ready, {@link #wakeup()} is
     * called, or {@code nanos} pass ({@code Long.MAX_VALUE}: no limit; the selector counts in
     * milliseconds, so a wait is rounded up to the next millisecond), then wakes the fibers
     * whose channels are ready.
     */
    public void poll(long nanos) {
        try {
            if (nanos == Long.MAX_VALUE) {
                selector.select(onReady);
            } else {
                selector.select(onReady, Math.max(1, (nanos + 999_999) / 1_000_000));
            }
            applyChanges();
        } catch (IOException e) {
            throw new UncheckedIOException("Weft's poller could not select", e);
        }
    }

    /** Ends the current or next {@code select} of the owner. Any thread. */
    public void wakeup() {
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    /**
     * For the carrier, when its hub stops (every fiber has ended, so nothing waits here): closes
     * the selector, which deregisters every key, and finishes the closes still queued.
     */
    public void close() {
        CARRIER_POLLER.remove();
        closed = true;
        Selector s = selector;
        if (s != null) {
            OPEN.remove(this);
            try {
                s.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Weft's poller could not close its selector", e);
            }
        }
        finishLateChanges();
    }

    // ------------------------------------------------------------------ the strands' side

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
    public static boolean await(PolledChannel pc, int op, long deadline) throws InterruptedIOException {
        Strand me = Strand.current();
        if (me instanceof Fiber<?> f && f.scheduler() instanceof SimulatedScheduler) {
            throw new IllegalStateException(f + " of a SimulatedScheduler waited for " + pc + ": sockets are not "
                    + "simulated (their readiness comes from the operating system, in real time, and would make runs "
                    + "differ). Model the network with Weft's queues or channels in a simulation.");
        }
        Poller p = of(me);
        Waiter w = new Waiter(me, pc, op);
        p.enlist(w);
        try {
            while (w.state == Waiter.WAITING && pc.channel.isOpen()) {
                if (deadline == Long.MAX_VALUE) {
                    Strand.park(pc);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    Strand.parkNanos(pc, left);
                }
                if (!me.isFiber() && Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while waiting for " + pc);
                }
            }
            return true;
        } finally {
            if (w.cancel()) {
                p.delist(w);
            }
        }
    }

    /**
     * Closes the channel, wakes its waiters on every poller, and returns once its file
     * descriptor is released. A kill or timeout that arrives meanwhile is thrown after that.
     */
    public static void close(PolledChannel pc) throws IOException {
        pc.closing = true; // before the keys are looked for: see PolledChannel
        SelectableChannel channel = pc.channel;
        ArrayList<Object> found = keysOf(channel, null);
        try {
            channel.close(); // cancels the keys; each selector deregisters its own on its next select
        } finally {
            // NOTE: the keys are the ones found before the close: a selector may deregister a
            // cancelled key at any moment, and then keyFor no longer finds it, nor its waiters.
            // A key registered since (its poller saw closing and woke its waiter itself) is
            // looked for again now: if it is still there, its descriptor waits for it too (if
            // not, its selector deregistered it, which released the descriptor).
            found = keysOf(channel, found);
            if (found != null) {
                for (int i = 0; i < found.size(); i += 2) {
                    ((Poller) found.get(i)).finishClose(pc, (SelectionKey) found.get(i + 1));
                }
            }
        }
    }

    /**
     * Whether the current strand waits on its carrier's poller, where a wait whose key already
     * has the interest costs no system call (for the thread poller it costs a hand-off and a
     * {@code Selector.wakeup()}).
     */
    public static boolean pollsOnCarrier() {
        return !Thread.currentThread().isVirtual() && CARRIER_POLLER.get() != null && Strand.current().isFiber();
    }

    /** The poller the current strand waits on: its carrier's, or the thread poller. */
    private static Poller of(Strand me) {
        if (me.isFiber() && !Thread.currentThread().isVirtual()) {
            Poller p = CARRIER_POLLER.get(); // a plain fiber sees its carrier's thread locals
            if (p != null) {
                return p;
            }
        }
        return ThreadPollerHolder.POLLER;
    }

    /** Whether the caller runs on this poller's owner thread and may touch its keys. */
    private boolean ownedByCaller() {
        return carrierOwned && !Thread.currentThread().isVirtual() && CARRIER_POLLER.get() == this;
    }

    private void enlist(Waiter w) {
        if (carrierOwned) {
            register(w); // of() hands a carrier poller only to its own carrier's fibers
        } else {
            submit(w);
        }
    }

    private void delist(Waiter w) {
        if (carrierOwned) {
            drop(w);
        } else {
            submit(w); // the poller thread drops it and narrows the key's interest
        }
    }

    /**
     * Adds to {@code found} (poller, key, poller, key, ...; {@code null}: none yet) the keys of
     * {@code channel} in every open poller that it does not hold yet.
     */
    private static ArrayList<Object> keysOf(SelectableChannel channel, ArrayList<Object> found) {
        for (Poller p : OPEN) {
            Selector s = p.selector;
            SelectionKey key = s == null ? null : channel.keyFor(s);
            if (key != null && (found == null || !found.contains(key))) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(p);
                found.add(key);
            }
        }
        return found;
    }

    /** Wakes the waiters of {@code key}, a key of this poller that the close cancelled, and deregisters it. */
    private void finishClose(PolledChannel pc, SelectionKey key) {
        if (ownedByCaller()) {
            ((Waiters) key.attachment()).wakeAll();
            try {
                selector.selectNow(onReady); // deregisters the cancelled key: the descriptor closes
            } catch (IOException e) {
                throw new UncheckedIOException("Weft's poller could not select", e);
            }
            return;
        }
        Closing c = new Closing(Strand.current(), key);
        submit(c);
        Error deferred = null;
        while (!c.done) {
            try {
                Strand.park(c);
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
        // NOTE: the change is published before closed is read; the owner publishes closed
        // before its last look at the queue. One of the two sees the other: nothing is stranded.
        if (closed) {
            finishLateChanges();
        } else {
            wakeOwner.run();
        }
    }

    // ------------------------------------------------------------------ the owner's side

    private static Poller startThreadPoller() {
        Poller p = new Poller(false, null);
        p.openSelector();
        Thread.ofPlatform().name("weft-poller").daemon().start(p::threadLoop);
        return p;
    }

    private Selector openSelector() {
        try {
            Selector s = Selector.open();
            selector = s;
            OPEN.add(this);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("Weft could not open the NIO selector its fiber I/O needs", e);
        }
    }

    private void threadLoop() {
        for (;;) {
            try {
                applyChanges();
                // NOTE: a selectNow in applyChanges (finishing a close) clears a wakeup() that a
                // submitter sent meanwhile; its change is queued before that wakeup, so it is
                // seen here, and select() is not entered with a change left behind.
                if (changes.isEmpty()) {
                    selector.select(onReady);
                } else {
                    selector.selectNow(onReady);
                }
            } catch (Throwable t) {
                // the poller must outlive any one bad channel: report and keep polling
                Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), t);
            }
        }
    }

    private void onReady(SelectionKey key) {
        Waiters ws = (Waiters) key.attachment();
        int ready;
        try {
            ready = key.readyOps();
        } catch (CancelledKeyException closedMeanwhile) {
            ws.wakeAll();
            return;
        }
        // NOTE: the interest of the woken waiters is kept: a strand woken for a read usually
        // reads, finds nothing more and waits again, and an unchanged interest costs no
        // epoll_ctl. It is narrowed once readiness arrives that nobody waits for (the selector
        // is level-triggered, so that happens on the next poll if the strand stopped waiting).
        if ((ready & ~ws.wake(ready)) != 0) {
            updateInterest(key, ws);
        }
    }

    private void applyChanges() throws IOException {
        ArrayList<Closing> finished = null;
        for (Object change; (change = changes.poll()) != null; ) {
            if (change instanceof Waiter w) {
                if (w.state == Waiter.WAITING) {
                    register(w);
                } else if (w.state == Waiter.CANCELLED) {
                    drop(w);
                }
            } else {
                Closing c = (Closing) change;
                ((Waiters) c.key.attachment()).wakeAll(); // reachable even if the key was deregistered meanwhile
                if (finished == null) {
                    finished = new ArrayList<>();
                }
                finished.add(c);
            }
        }
        if (finished != null) {
            selector.selectNow(onReady); // deregisters the cancelled keys: the descriptors close
            for (Closing c : finished) {
                c.finish();
            }
        }
    }

    /** After the selector closed (which deregistered every key): finish what arrived late. */
    private void finishLateChanges() {
        synchronized (changes) { // NOTE: one finisher at a time once the owner is gone
            for (Object change; (change = changes.poll()) != null; ) {
                if (change instanceof Closing c) {
                    c.finish();
                } else {
                    ((Waiter) change).wake(); // cannot happen for a carrier poller: its waiters enlist directly
                }
            }
        }
    }

    private void register(Waiter w) {
        Selector s = selector;
        if (s == null) {
            s = openSelector();
        }
        SelectableChannel channel = w.pc.channel;
        try {
            SelectionKey key = channel.keyFor(s);
            if (key == null) {
                key = channel.register(s, 0, new Waiters());
            }
            if (!key.isValid()) {
                w.wake(); // cancelled, so the channel is closed: the waiter finds that out itself
                return;
            }
            Waiters ws = (Waiters) key.attachment();
            ws.add(w);
            int ops = key.interestOps();
            if ((ops & w.op) == 0) {
                key.interestOps(ops | w.op); // only widened here; narrowed lazily (see onReady)
            }
            // NOTE: closing is read after the key was looked up or made under the channel's key
            // lock; a closer sets it before it looks up the keys under that lock. Either the
            // closer finds this key, or this sees closing (see PolledChannel).
            if (w.pc.closing) {
                ws.remove(w);
                w.wake();
            }
        } catch (ClosedChannelException | CancelledKeyException | ClosedSelectorException e) {
            w.wake();
        }
    }

    private void drop(Waiter w) {
        SelectionKey key = w.pc.channel.keyFor(selector);
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
        final PolledChannel pc;
        final int op;
        volatile int state;

        Waiter(Strand strand, PolledChannel pc, int op) {
            this.strand = strand;
            this.pc = pc;
            this.op = op;
        }

        /** WAITING -> READY, then unpark. The poller's owner. */
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

    /** The waiters of one key, in arrival order. Only accessed by the poller's owner. */
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

        /**
         * Wakes and forgets every waiter whose operation is in {@code readyOps}.
         *
         * @return the operations of the waiters it woke
         */
        int wake(int readyOps) {
            int woken = 0;
            for (int i = 0; i < list.size(); ) {
                Waiter w = list.get(i);
                if ((w.op & readyOps) != 0) {
                    list.remove(i);
                    w.wake();
                    woken |= w.op;
                } else {
                    i++;
                }
            }
            return woken;
        }

        void wakeAll() {
            for (int i = 0, n = list.size(); i < n; i++) {
                list.get(i).wake();
            }
            list.clear();
        }
    }

    /** A close waiting for another thread's poller to wake the waiters of a key and deregister it. */
    private static final class Closing {
        final Strand strand;
        final SelectionKey key;
        volatile boolean done;

        Closing(Strand strand, SelectionKey key) {
            this.strand = strand;
            this.key = key;
        }

        void finish() {
            done = true;
            strand.unpark();
        }
    }
}
