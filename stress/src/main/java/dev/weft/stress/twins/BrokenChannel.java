package dev.weft.stress.twins;

import dev.weft.fibers.Strand;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * NEGATIVE CONTROL, NOT LIBRARY CODE. A small copy of {@code dev.weft.locks.channels.Channel}
 * and {@code Select} (with their {@code WaitNode}) for fibers and threads, with exactly one step
 * broken on purpose, chosen by {@link Defect}. The twin tests run it in the same shape as the
 * real channel tests, to prove that those tests catch the defect.
 *
 * <p>What is copied, as in the real channel (correct version):
 * <pre>
 *   under a spin lock: a ring of buffered items, FIFO lists of waiting sender and receiver nodes
 *   a node's owner (itself, or a select's first node) has one state: WAITING, CANCELLED, or the
 *   winning clause; a resolver writes the node's item / closed flag, then CASes the owner
 *   send:    hand to the first live receiver, else buffer, else link a node and park
 *   receive: take the buffer's head (refill from the first live sender) or a live sender's item
 *   close:   under the lock, set closed and decide every waiting node as closed
 *   leave:   a waiter that times out or is killed CASes its owner WAITING -> CANCELLED and
 *            unlinks its node; if it lost that CAS to a hand-off, a timed receive keeps the
 *            item and a killed one gives it back (to the next receiver, else the buffer's head)
 *   select:  lock all channels (by id), check each clause, else link one node per clause, park;
 *            on waking, unlink the losing nodes
 * </pre>
 * Only what the twins use is copied: a timed receive without kills, an untimed receive with
 * kills, an untimed send, no send clauses, no yield before parking, no spare node (a send clears
 * its node's item when its call is over, as recycling it does).
 */
public final class BrokenChannel<E> {

    /** The one broken step. */
    public enum Defect {
        /**
         * close() decides the waiting senders after giving the lock back: a receive can claim a
         * sender's node at the same time, and the sender then sees both its item taken and the
         * closed flag.
         */
        CLOSE_WITHOUT_LOCK,
        /**
         * A send that meets a waiting receiver node whose select was already decided by another
         * channel (its CAS fails) counts its item as handed over instead of skipping the dead
         * node: the item is dropped.
         */
        LOSER_DROPS_ITEM,
        /**
         * A timed receive whose deadline passes returns null even when it lost the race to
         * cancel, i.e. when a sender had just handed it an item: the item is dropped.
         */
        CANCEL_DROPS_ITEM,
        /**
         * A receive killed while it waits, that loses the race to cancel (a sender had just
         * handed it an item), rethrows the kill without giving the item back.
         */
        KILL_DROPS_ITEM,
        /**
         * A receive that claims a waiting sender reads the sender's item <em>after</em> the CAS
         * that decides the send, while the sender, which may see its call decided at once,
         * returns and clears its node's item (as the real channel does when it recycles the
         * node): the receive then buffers or returns null instead of the item. The real
         * channel had this defect until 2026-12-03, with a window of a few nanoseconds that a
         * sender opened only when it read its state between the CAS and the read (a short run
         * met it once in 400,000 samples). The twin opens the window wide: it wakes the sender
         * at once and reads after the sender returned (or after 100,000 spins), so that a short
         * run catches it every time.
         */
        READ_AFTER_CAS
    }

    static final int CANCELLED = -2;

    static final int WAITING = -1;
    private static final Object EMPTY = new Object();
    private static final VarHandle LOCK;
    private static final VarHandle STATE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LOCK = l.findVarHandle(BrokenChannel.class, "lock", int.class);
            STATE = l.findVarHandle(Node.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A copy of WaitNode. */
    static final class Node {
        final Node owner;
        final Strand strand;
        final BrokenChannel<?> channel;
        final int clause;
        final boolean send;
        Object item;
        boolean closed;
        Node prev;
        Node next;
        boolean linked;
        volatile int state = WAITING;

        Node(Node owner, Strand strand, BrokenChannel<?> channel, int clause, boolean send, Object item) {
            this.owner = owner == null ? this : owner;
            this.strand = strand;
            this.channel = channel;
            this.clause = clause;
            this.send = send;
            this.item = item;
        }

        boolean casResolved() {
            return STATE.compareAndSet(owner, WAITING, clause);
        }

        boolean casCancelled() {
            return STATE.compareAndSet(this, WAITING, CANCELLED);
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();

    private final Defect defect;
    private final int capacity;
    private final long id = IDS.incrementAndGet();
    private volatile int lock;
    private volatile boolean closed;
    private final Object[] ring;
    private int head;
    private int count;
    private Node sendersHead;
    private Node sendersTail;
    private Node receiversHead;
    private Node receiversTail;
    private Strand toWake;

    public BrokenChannel(Defect defect, int capacity) {
        this.defect = defect;
        this.capacity = capacity;
        this.ring = new Object[Math.max(1, capacity)];
    }

    /** Sends, waiting for a receiver or room; throws IllegalStateException if closed. */
    public void send(E item) {
        lock();
        if (closed) {
            unlock();
            throw new IllegalStateException("closed");
        }
        if (offerLocked(item)) {
            Strand w = takeToWake();
            unlock();
            if (w != null) {
                w.unpark();
            }
            return;
        }
        Node n = new Node(null, Strand.current(), this, 0, true, item);
        appendLocked(n);
        unlock();
        while (n.state == WAITING) {
            Strand.park();
        }
        n.item = null; // its call is over: the node is done with (the real channel recycles it so)
        if (n.closed) {
            throw new IllegalStateException("closed");
        }
    }

    /** Sends if possible now. */
    public boolean trySend(E item) {
        lock();
        boolean ok = !closed && offerLocked(item);
        Strand w = takeToWake();
        unlock();
        if (w != null) {
            w.unpark();
        }
        return ok;
    }

    /** Takes an item if there is one now; null if none; IllegalStateException if closed and drained. */
    @SuppressWarnings("unchecked")
    public E tryReceive() {
        lock();
        Object x = pollLocked();
        Strand w = takeToWake();
        boolean isClosed = closed;
        unlock();
        if (w != null) {
            w.unpark();
        }
        if (x != EMPTY) {
            return (E) x;
        }
        if (isClosed) {
            throw new IllegalStateException("closed");
        }
        return null;
    }

    /**
     * Takes an item, waiting at most {@code nanos}; null if none came in time. (The real
     * channel's receive(Duration), without kills and interrupts.)
     */
    @SuppressWarnings("unchecked")
    public E receive(long nanos) {
        lock();
        Object x = pollLocked();
        if (x != EMPTY) {
            Strand w = takeToWake();
            unlock();
            if (w != null) {
                w.unpark();
            }
            return (E) x;
        }
        Node n = new Node(null, Strand.current(), this, 0, false, null);
        appendLocked(n);
        unlock();
        long deadline = System.nanoTime() + nanos;
        while (n.state == WAITING) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                boolean cancelled = n.casCancelled();
                if (cancelled) {
                    unlinkIfLinked(n);
                }
                if (cancelled || defect == Defect.CANCEL_DROPS_ITEM) {
                    return null; // BROKEN with CANCEL_DROPS_ITEM: also when the CAS was lost to a hand-off
                }
                break;
            }
            Strand.parkNanos(left);
        }
        return (E) n.item;
    }

    /**
     * Takes an item, waiting as long as it takes; a kill (or Timeout) of the waiting fiber gives
     * up the wait and, if an item was handed over at that moment, gives it back to the channel.
     */
    @SuppressWarnings("unchecked")
    public E receive() {
        lock();
        Object x = pollLocked();
        if (x != EMPTY) {
            Strand w = takeToWake();
            unlock();
            if (w != null) {
                w.unpark();
            }
            return (E) x;
        }
        Node n = new Node(null, Strand.current(), this, 0, false, null);
        appendLocked(n);
        unlock();
        while (n.state == WAITING) {
            try {
                Strand.park();
            } catch (Throwable t) { // FiberExit or TimeoutExpired
                if (n.casCancelled()) {
                    unlinkIfLinked(n);
                } else if (defect != Defect.KILL_DROPS_ITEM) {
                    giveBack(n.item);
                } // BROKEN with KILL_DROPS_ITEM: the handed-over item is dropped
                throw t;
            }
        }
        return (E) n.item;
    }

    private void giveBack(Object item) {
        lock();
        Strand w = null;
        if (!offerToReceiverLocked(item)) {
            if (count == ring.length) {
                unlock();
                throw new IllegalStateException("the twin's ring has no room to give an item back");
            }
            head = head == 0 ? ring.length - 1 : head - 1;
            ring[head] = item;
            count++;
        } else {
            w = takeToWake();
        }
        unlock();
        if (w != null) {
            w.unpark();
        }
    }

    /** Closes: waiting senders fail. */
    public void close() {
        lock();
        closed = true;
        if (defect != Defect.CLOSE_WITHOUT_LOCK) {
            closeWaitersLocked();
            unlock();
        } else {
            unlock();
            closeWaitersLocked(); // BROKEN: walks and decides the waiting nodes without the lock
        }
    }

    private void closeWaitersLocked() {
        for (Node n = sendersHead; n != null; ) {
            Node next = n.next;
            n.closed = true;
            if (n.casResolved()) {
                n.strand.unpark();
            }
            n = next;
        }
        sendersHead = sendersTail = null;
        for (Node n = receiversHead; n != null; ) {
            Node next = n.next;
            n.closed = true;
            if (n.casResolved()) {
                n.strand.unpark();
            }
            n = next;
        }
        receiversHead = receiversTail = null;
    }

    /** Waits for the first of {@code channels} to have an item; returns the winning index. */
    public static int selectReceive(BrokenChannel<?>... channels) {
        BrokenChannel<?>[] order = channels.clone();
        java.util.Arrays.sort(order, (x, y) -> Long.compare(x.id, y.id));
        for (BrokenChannel<?> c : order) {
            c.lock();
        }
        for (int i = 0; i < channels.length; i++) {
            Object x = channels[i].pollLocked();
            if (x != EMPTY) {
                Strand w = channels[i].takeToWake();
                for (BrokenChannel<?> c : order) {
                    c.unlock();
                }
                if (w != null) {
                    w.unpark();
                }
                return i;
            }
        }
        Strand me = Strand.current();
        Node[] nodes = new Node[channels.length];
        Node owner = null;
        for (int i = 0; i < channels.length; i++) {
            Node n = new Node(owner, me, channels[i], i, false, null);
            owner = owner == null ? n : owner;
            nodes[i] = n;
            channels[i].appendLocked(n);
        }
        for (BrokenChannel<?> c : order) {
            c.unlock();
        }
        while (owner.state == WAITING) {
            Strand.park();
        }
        int won = owner.state;
        for (Node n : nodes) {
            if (n.clause != won) {
                n.channel.unlinkIfLinked(n);
            }
        }
        return won;
    }

    public int waitingSenders() {
        return countLinked(true);
    }

    public int waitingReceivers() {
        return countLinked(false);
    }

    public int size() {
        lock();
        int c = count;
        unlock();
        return c;
    }

    private int countLinked(boolean senders) {
        lock();
        int n = 0;
        for (Node w = senders ? sendersHead : receiversHead; w != null; w = w.next) {
            n++;
        }
        unlock();
        return n;
    }

    private boolean offerLocked(Object item) {
        if (offerToReceiverLocked(item)) {
            return true;
        }
        if (count < capacity) {
            int tail = head + count;
            ring[tail >= ring.length ? tail - ring.length : tail] = item;
            count++;
            return true;
        }
        return false;
    }

    private boolean offerToReceiverLocked(Object item) {
        for (Node r; (r = receiversHead) != null; ) {
            unlinkLocked(r);
            r.item = item;
            if (r.casResolved()) {
                toWake = r.strand;
                return true;
            }
            if (defect == Defect.LOSER_DROPS_ITEM) {
                return true; // BROKEN: the node was dead, yet the item counts as handed over
            }
            r.item = null;
        }
        return false;
    }

    private Object pollLocked() {
        if (count > 0) {
            Object x = ring[head];
            ring[head] = null;
            head = head + 1 == ring.length ? 0 : head + 1;
            count--;
            Object y = claimSenderLocked();
            if (y != EMPTY) {
                int tail = head + count;
                ring[tail >= ring.length ? tail - ring.length : tail] = y;
                count++;
            }
            return x;
        }
        return claimSenderLocked();
    }

    /** The first live waiting sender's item (read before the CAS that decides it), or EMPTY. */
    private Object claimSenderLocked() {
        for (Node s; (s = sendersHead) != null; ) {
            unlinkLocked(s);
            Object x = s.item;
            if (s.casResolved()) {
                toWake = s.strand;
                if (defect == Defect.READ_AFTER_CAS) {
                    s.strand.unpark(); // widens the window: see READ_AFTER_CAS
                    for (int i = 0; i < 100_000 && s.item != null; i++) {
                        Thread.onSpinWait();
                    }
                    x = s.item; // BROKEN: the sender may have returned and cleared it
                }
                return x;
            }
        }
        return EMPTY;
    }

    private Strand takeToWake() {
        Strand w = toWake;
        toWake = null;
        return w;
    }

    private void appendLocked(Node n) {
        if (n.send) {
            n.prev = sendersTail;
            if (sendersTail == null) {
                sendersHead = n;
            } else {
                sendersTail.next = n;
            }
            sendersTail = n;
        } else {
            n.prev = receiversTail;
            if (receiversTail == null) {
                receiversHead = n;
            } else {
                receiversTail.next = n;
            }
            receiversTail = n;
        }
        n.linked = true;
    }

    private void unlinkLocked(Node n) {
        Node p = n.prev;
        Node q = n.next;
        if (p == null) {
            if (n.send) {
                sendersHead = q;
            } else {
                receiversHead = q;
            }
        } else {
            p.next = q;
        }
        if (q == null) {
            if (n.send) {
                sendersTail = p;
            } else {
                receiversTail = p;
            }
        } else {
            q.prev = p;
        }
        n.prev = n.next = null;
        n.linked = false;
    }

    private void unlinkIfLinked(Node n) {
        lock();
        if (n.linked) {
            unlinkLocked(n);
        }
        unlock();
    }

    private void lock() {
        while (!LOCK.compareAndSet(this, 0, 1)) {
            Thread.onSpinWait();
        }
    }

    private void unlock() {
        LOCK.setRelease(this, 0);
    }
}
