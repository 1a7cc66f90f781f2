package dev.weft.locks.channels;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Strand;
import dev.weft.fibers.TimeoutExpired;
import dev.weft.fibers.internal.sync.SpinLock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A channel that strands send items through to other strands: a <em>rendezvous</em> channel
 * ({@link #rendezvous()}: a send waits for a receiver and hands its item over) or a
 * <em>buffered</em> one ({@link #buffered(int)}: a send waits only while {@code n} items are
 * buffered). Fibers (on any Weft scheduler, patched or not) and platform or virtual threads may
 * send and receive on the same channel. Several channel operations can be waited for at once
 * with {@link Select}. gevent's {@code gevent.queue.Channel} (rendezvous) and, buffered, a
 * closable Go or Kotlin channel.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>FIFO, no barging.</b> Items are received in the order they were sent (buffered or
 *       handed over). Blocked senders are served in the order they blocked, and so are blocked
 *       receivers: a send or receive that comes later never overtakes one that is waiting.</li>
 *   <li><b>Rendezvous.</b> On a rendezvous channel {@link #send} returns only once a receiver
 *       took the item. A fiber whose send (also {@link #trySend} or a select's send clause) hands
 *       its item to a receiver that was waiting then yields, so that the receiver runs first,
 *       as in gevent (a kill that reaches the fiber in that yield is thrown with the item
 *       delivered) (the order of gevent's
 *       {@code TestChannel}: {@code sending, hello, sent hello, world, sent world}). A receive
 *       never switches unless it has to wait; nor does a buffered send.</li>
 *   <li><b>Close.</b> {@link #close()} (done) or {@link #close(Throwable)} (failed) ends the
 *       stream: senders waiting then, and every later send, fail with
 *       {@link ChannelClosedException}; receivers first drain the buffered items, then get the
 *       closed signal (the exception, or the end of {@linkplain #iterator() iteration}; a
 *       failed close rethrows its error, as the exception's cause, to every receiver).</li>
 *   <li><b>Leaving is clean.</b> A send or receive that times out, is killed
 *       ({@link FiberExit}), has a {@link dev.weft.fibers.Timeout} expire
 *       ({@link TimeoutExpired}) or is interrupted (a thread) gives up its place. An item is
 *       never lost or duplicated: a receive that was handed an item at the moment it was
 *       killed puts the item back at the head of the channel (to the next waiting receiver, or
 *       first in the buffer); a timed call decided at its deadline keeps its outcome. A send
 *       killed at the moment its item was taken throws the kill: as with Kotlin's channels, an
 *       exception from a killed send does not prove that the item was not delivered.</li>
 *   <li><b>Memory effects.</b> Actions before a send happen-before the actions after the
 *       receive that gets its item.</li>
 *   <li><b>Cost.</b> A send or receive that does not wait takes the channel's lock once and
 *       allocates nothing. A call that waits needs one node, unlinked when the call ends (the
 *       channel holds no memory for strands that left); the channel keeps one finished node
 *       for the next wait, so two strands that take turns waiting allocate nothing either (the
 *       buffered and the rendezvous steady states are allocation-free).</li>
 * </ol>
 *
 * <h2>Differences</h2>
 * From {@code java.util.concurrent.SynchronousQueue} / {@code ArrayBlockingQueue}: closable, always
 * fair, selectable, and nothing spins before waiting (on one carrier the partner could not run
 * meanwhile). From Go: a send on a closed channel throws instead of panicking, closing twice
 * returns false, and receiving from a closed channel throws instead of returning a zero value.
 * Items must not be null.
 *
 * <h2>Design</h2>
 * One short critical section per call, under a spin lock that is never held across a park or
 * an unpark: a ring of buffered items and two FIFO lists of {@link WaitNode}s (waiting senders,
 * waiting receivers). Invariants, under the lock: if a receiver waits, nothing is buffered; if
 * a sender waits, the buffer is full. A send hands its item to the first waiting receiver, else
 * buffers it, else waits; a receive takes the buffer's head and moves the first waiting
 * sender's item into the freed slot, or on a rendezvous channel takes the first waiting
 * sender's item, else waits. Claiming a waiting node is one CAS on its owner (see
 * {@link WaitNode}); nodes whose owner was decided elsewhere are unlinked when met.
 * {@code docs/channels.md} has the full argument.
 *
 * @param <E> the type of the items
 */
public final class Channel<E> implements Iterable<E> {

    private static final VarHandle LOCK;
    private static final VarHandle SPARE;
    private static final AtomicLong IDS = new AtomicLong();
    /** {@link #pollLocked} found nothing to take. */
    static final Object EMPTY = new Object();
    /** Receive result: closed and drained. */
    static final Object CLOSED = new Object();
    /** {@link #closed} of a channel closed as done (without an error). */
    private static final Object DONE = new Object();
    /** {@link #offerLocked} results. */
    static final int FULL = 0;
    static final int BUFFERED = 1;
    static final int HANDED = 2;
    private static final String NULL_ITEM = "a Channel does not carry null items";

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LOCK = l.findVarHandle(Channel.class, "lock", int.class);
            SPARE = l.findVarHandle(Channel.class, "spare", WaitNode.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Orders the locks a select takes (see {@link Select}). */
    final long id = IDS.incrementAndGet();
    private final int capacity;
    private final SelectClause<E> onReceive;
    /** 0: free; 1: held. */
    private volatile int lock;
    /** Null while open, then {@link #DONE} or the error. Written under the lock. */
    private volatile Object closed;
    /**
     * A plain call's node that is done with, kept for the next plain call that must wait (so
     * that waiting allocates nothing in a steady state). Given back, if the slot is empty, by
     * the strand whose call it served once it read the outcome (a release store outside the
     * lock); taken under the lock. Two give-backs or a give-back and a take may race: the
     * loser's node is then simply dropped. A node is never given back twice (its strand gives
     * it back once per call and never touches it again), so it is never taken twice, and
     * takes are serialized by the lock.
     */
    private volatile WaitNode spare;

    // Everything below belongs to the lock.
    /** Buffered items, a ring: {@code count} of them from {@code head}. May briefly hold one
     * more than {@code capacity} after a killed receive gave its item back. */
    private Object[] ring;
    private int head;
    private int count;
    private WaitNode sendersHead;
    private WaitNode sendersTail;
    private WaitNode receiversHead;
    private WaitNode receiversTail;
    /** The strand a call under the lock must unpark once it has released the lock. */
    private Strand toWake;

    private Channel(int capacity) {
        this.capacity = capacity;
        this.ring = capacity == 0 ? null : new Object[capacity];
        this.onReceive = new SelectClause<>(this, false, null);
    }

    /** A channel without a buffer: each send waits until a receiver takes its item (gevent's {@code Channel()}). */
    public static <E> Channel<E> rendezvous() {
        return new Channel<>(0);
    }

    /**
     * A channel that buffers up to {@code capacity} items: a send waits only while it is full.
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public static <E> Channel<E> buffered(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("Channel.buffered(" + capacity + "): the capacity must be at least 1; "
                    + "use Channel.rendezvous() for a channel without a buffer");
        }
        return new Channel<>(capacity);
    }

    // ------------------------------------------------------------------ send

    /**
     * Sends {@code item}: hands it to the longest-waiting receiver, else buffers it, else waits
     * in line until a receiver takes it or buffer space frees up.
     *
     * @throws ChannelClosedException if the channel is or gets closed before the item went in
     * @throws InterruptedException if the calling thread is interrupted while it waits (never in a fiber)
     * @throws FiberExit if the calling fiber is killed while it waits
     * @throws TimeoutExpired if a {@link dev.weft.fibers.Timeout} of the calling fiber expires while it waits
     */
    public void send(E item) throws InterruptedException {
        WaitNode n = offerOrLinkSender(item);
        if (n != null) {
            awaitSent(n, -1L);
        }
    }

    /**
     * Sends {@code item} if that is possible without waiting (a receiver waits, or the buffer
     * has room); gevent's {@code put_nowait}.
     *
     * @return whether the item went in
     * @throws ChannelClosedException if the channel is closed
     */
    public boolean trySend(E item) {
        // NOTE: these lines repeat the start of offerOrLinkSender on purpose: sharing them through
        // a helper measured 8 ns slower on the rendezvous ping-pong (252 vs 244 ns, three forks
        // each, jars alternated); see offerOrLinkSender for why this path is shaped for the JIT
        Objects.requireNonNull(item, NULL_ITEM);
        lock();
        if (closed != null) {
            unlock();
            throw closedForSend();
        }
        int r = offerLocked(item);
        Strand w = takeToWake();
        unlock();
        if (r == FULL) {
            return false;
        }
        afterOffer(r, w);
        return true;
    }

    /**
     * Sends {@code item}, waiting in line for at most {@code timeout}.
     *
     * @return whether the item went in (a receiver took it, or it was buffered); on false it
     *         did not
     * @throws ChannelClosedException if the channel is or gets closed before the item went in
     * @throws InterruptedException as {@link #send(Object)}
     */
    public boolean send(E item, Duration timeout) throws InterruptedException {
        long nanos = nanosOf(timeout);
        if (nanos == 0) {
            return trySend(item);
        }
        WaitNode n = offerOrLinkSender(item);
        return n == null || awaitSent(n, nanos);
    }

    /**
     * The part of a send before its wait: hands {@code item} over or buffers it (then returns
     * null), else links and returns a waiting sender's node.
     *
     * <p>NOTE: why {@link #send(Object)} and {@link #receive()} are built from a part before
     * the wait and the wait itself, rather than wrapping one private method with a time limit:
     * C2 compiles a waiting call, fast path and wait inlined, into a method too big to inline
     * into its caller, so each wrapper left one more compiled frame between the caller and the
     * fiber's yield, and each such frame costs 6-8 ns per yield on this host (measured: the yield
     * ping-pong with yieldNow kept out of line), likely one mispredicted return each time the
     * fiber resumes (its thawed frames are not in the CPU's return-address predictor). One frame
     * less took a rendezvous ping-pong from 1.36-1.44x to 1.26-1.30x a yield ping-pong in A/B
     * runs (docs/performance.md).
     */
    private WaitNode offerOrLinkSender(Object item) {
        Objects.requireNonNull(item, NULL_ITEM);
        lock();
        if (closed != null) {
            unlock();
            throw closedForSend();
        }
        int r = offerLocked(item);
        if (r != FULL) {
            Strand w = takeToWake();
            unlock();
            afterOffer(r, w);
            return null;
        }
        WaitNode n = nodeLocked(true, item);
        appendSender(n);
        unlock();
        return n;
    }

    /** Waits for the linked sender {@code n}'s call to be decided; false if the time ran out. */
    private boolean awaitSent(WaitNode n, long nanos) throws InterruptedException {
        if (!WaitNode.await(this, n, null, nanos, true)) {
            recycle(n);
            return false;
        }
        boolean failed = n.closed;
        recycle(n);
        if (failed) {
            throw closedForSend();
        }
        return true;
    }

    /** A node for a plain call that must wait: the spare one, else a new one. Under the lock. */
    private WaitNode nodeLocked(boolean send, Object item) {
        WaitNode n = spare;
        if (n != null) {
            SPARE.setRelease(this, null);
            return n.reuse(Strand.current(), send, item);
        }
        return new WaitNode(null, Strand.current(), this, 0, send, item);
    }

    /**
     * Gives back the node of a plain call that is over (unlinked, its outcome read) as the
     * channel's spare. Not for a call that ends with an exception from its park: its node is
     * simply dropped.
     */
    private void recycle(WaitNode n) {
        n.item = null;
        if (spare == null) {
            SPARE.setRelease(this, n);
        }
    }

    /**
     * Wakes the receiver an offer handed its item to; on a rendezvous channel a fiber then
     * yields so that the receiver runs first (gevent's order). The yield is a suspension point:
     * a kill that comes now is thrown after the item was delivered.
     */
    void afterOffer(int result, Strand woken) {
        if (woken != null) {
            woken.unpark();
        }
        if (result == HANDED && capacity == 0 && Fiber.current() != null) {
            Fiber.yieldNow();
        }
    }

    // ------------------------------------------------------------------ receive

    /**
     * Takes the next item, waiting in line until one comes.
     *
     * @throws ChannelClosedException once the channel is closed and drained (its cause is the
     *                                error of {@link #close(Throwable)})
     * @throws InterruptedException if the calling thread is interrupted while it waits (never in a fiber)
     * @throws FiberExit if the calling fiber is killed while it waits
     * @throws TimeoutExpired if a {@link dev.weft.fibers.Timeout} of the calling fiber expires while it waits
     */
    public E receive() throws InterruptedException {
        Object x = pollOrLinkReceiver(true);
        if (x instanceof WaitNode n) {
            x = awaitReceived(n, -1L, true);
        }
        return itemOrThrow(x);
    }

    /**
     * Takes the next item if one is there now (buffered, or offered by a waiting sender);
     * gevent's {@code get_nowait}.
     *
     * @return the item, or null if there is none now
     * @throws ChannelClosedException if the channel is closed and drained
     */
    public E tryReceive() {
        Object x = pollOrLinkReceiver(false);
        return x == EMPTY ? null : itemOrThrow(x);
    }

    /**
     * Takes the next item, waiting in line for at most {@code timeout}.
     *
     * @return the item, or null if none came in time
     * @throws ChannelClosedException once the channel is closed and drained
     * @throws InterruptedException as {@link #receive()}
     */
    public E receive(Duration timeout) throws InterruptedException {
        long nanos = nanosOf(timeout);
        Object x = pollOrLinkReceiver(nanos != 0);
        if (x instanceof WaitNode n) {
            x = awaitReceived(n, nanos, true);
        }
        return x == null || x == EMPTY ? null : itemOrThrow(x);
    }

    /**
     * The part of a receive before its wait (see {@link #offerOrLinkSender}): the item, or
     * {@link #CLOSED}; else, if {@code wait}, the node of a linked waiting receiver (a
     * {@code WaitNode} is never an item: nobody outside this package can make one), else
     * {@link #EMPTY}.
     */
    private Object pollOrLinkReceiver(boolean wait) {
        lock();
        Object x = pollLocked();
        if (x != EMPTY) {
            Strand w = takeToWake();
            unlock();
            if (w != null) {
                w.unpark();
            }
            return x;
        }
        if (closed != null) {
            unlock();
            return CLOSED;
        }
        if (!wait) {
            unlock();
            return EMPTY;
        }
        WaitNode n = nodeLocked(false, null);
        appendReceiver(n);
        unlock();
        return n;
    }

    /**
     * Waits for the linked receiver {@code n}'s call to be decided.
     *
     * @return the item, {@link #CLOSED}, or null if the time ran out
     */
    private Object awaitReceived(WaitNode n, long nanos, boolean interruptible) throws InterruptedException {
        if (!WaitNode.await(this, n, null, nanos, interruptible)) {
            recycle(n);
            return null;
        }
        Object item = n.closed ? CLOSED : n.item;
        recycle(n);
        return item;
    }

    @SuppressWarnings("unchecked")
    private E itemOrThrow(Object x) {
        if (x == CLOSED) {
            throw closedForReceive();
        }
        return (E) x;
    }

    /**
     * Receives until the channel is closed and drained: {@code hasNext()} waits for the next
     * item and returns false after a {@link #close()}; after a {@link #close(Throwable)} it
     * throws {@link ChannelClosedException} with the error as cause. A waiting thread is not
     * interrupted by {@link Thread#interrupt()} (its interrupt status stays set); a fiber is
     * killed as usual. Each iterator receives for itself: items go to whichever iterator or
     * receiver is first in line.
     */
    @Override
    public Iterator<E> iterator() {
        return new Iterator<>() {
            private Object next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    // NOTE: the two parts of a receive called here directly, not through a method
                    // that wraps them: one frame less between the caller and the yield (see
                    // offerOrLinkSender); uninterruptible, as the class comment of iterator() says
                    Object x = pollOrLinkReceiver(true);
                    try {
                        next = x instanceof WaitNode n ? awaitReceived(n, -1L, false) : x;
                    } catch (InterruptedException impossible) {
                        throw new AssertionError(impossible);
                    }
                }
                if (next == CLOSED) {
                    if (closed instanceof Throwable) {
                        throw closedForReceive();
                    }
                    return false;
                }
                return true;
            }

            @Override
            @SuppressWarnings("unchecked")
            public E next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the channel is closed and drained");
                }
                E item = (E) next;
                next = null;
                return item;
            }
        };
    }

    // ------------------------------------------------------------------ close

    /**
     * Closes the channel as done: waiting and later senders fail; receivers drain the buffered
     * items and then see the end (an iteration ends, {@link #receive()} throws
     * {@link ChannelClosedException} without a cause).
     *
     * @return true if this call closed it, false if it was closed already (nothing changes)
     */
    public boolean close() {
        return closeWith(DONE);
    }

    /**
     * Closes the channel with an error: as {@link #close()}, but receivers that find it
     * drained get {@link ChannelClosedException} with {@code error} as its cause, iterations
     * included.
     *
     * @return true if this call closed it, false if it was closed already (nothing changes)
     */
    public boolean close(Throwable error) {
        return closeWith(Objects.requireNonNull(error, "error"));
    }

    private boolean closeWith(Object how) {
        ArrayList<Strand> woken = new ArrayList<>();
        lock();
        if (closed != null) {
            unlock();
            return false;
        }
        closed = how;
        // NOTE: closed is set before the waiters are decided, so each of them reads it
        wakeClosed(sendersHead, woken);
        sendersHead = sendersTail = null;
        wakeClosed(receiversHead, woken); // only dead ones while items are buffered
        receiversHead = receiversTail = null;
        unlock();
        for (Strand s : woken) {
            s.unpark();
        }
        return true;
    }

    private static void wakeClosed(WaitNode n, ArrayList<Strand> woken) {
        while (n != null) {
            WaitNode next = n.next;
            n.prev = n.next = null;
            n.linked = false;
            n.closed = true;
            if (n.casResolved()) {
                woken.add(n.strand);
            }
            n = next;
        }
    }

    /** Whether {@link #close()} or {@link #close(Throwable)} was called (items may still be buffered). */
    public boolean isClosed() {
        return closed != null;
    }

    // ------------------------------------------------------------------ select

    /**
     * The clause "receive from this channel" for {@link Select}: one instance per channel,
     * reusable in any number of selects.
     */
    public SelectClause<E> onReceive() {
        return onReceive;
    }

    /** The clause "send {@code item} to this channel" for {@link Select}. */
    public SelectClause<E> onSend(E item) {
        return new SelectClause<>(this, true, Objects.requireNonNull(item, NULL_ITEM));
    }

    // ------------------------------------------------------------------ inspection

    /** The buffer's capacity; 0 for a rendezvous channel. */
    public int capacity() {
        return capacity;
    }

    /** Items buffered now. An estimate under concurrency; for monitoring and tests. */
    public int size() {
        lock();
        try {
            return count;
        } finally {
            unlock();
        }
    }

    /** Strands (or select clauses) linked as waiting senders now; for monitoring and tests. */
    public int waitingSenders() {
        return countLinked(true);
    }

    /** Strands (or select clauses) linked as waiting receivers now; for monitoring and tests. */
    public int waitingReceivers() {
        return countLinked(false);
    }

    private int countLinked(boolean senders) {
        lock();
        try {
            int n = 0;
            for (WaitNode w = senders ? sendersHead : receiversHead; w != null; w = w.next) {
                n++;
            }
            return n;
        } finally {
            unlock();
        }
    }

    @Override
    public String toString() {
        Object c = closed;
        return "Channel[" + (capacity == 0 ? "rendezvous" : "buffered(" + capacity + ")")
                + (c == null ? "" : c == DONE ? ", closed" : ", closed with " + c) + "]";
    }

    // ------------------------------------------------------------------ under the lock (also used by Select)

    /**
     * Hands {@code item} to the first live waiting receiver, else buffers it if there is room.
     * Under the lock, on an open channel. Sets {@link #toWake} when it hands over.
     */
    int offerLocked(Object item) {
        if (offerToReceiverLocked(item)) {
            return HANDED;
        }
        if (count < capacity) {
            pushLast(item);
            return BUFFERED;
        }
        return FULL;
    }

    /**
     * Takes the buffer's head (refilling the slot from the first live waiting sender) or, if
     * nothing is buffered, the first live waiting sender's item. Under the lock.
     *
     * @return the item, or {@link #EMPTY}; sets {@link #toWake} when it took a sender's item
     */
    Object pollLocked() {
        if (count > 0) {
            Object x = ring[head];
            ring[head] = null;
            head = head + 1 == ring.length ? 0 : head + 1;
            count--;
            if (count < capacity) {
                Object y = claimSenderLocked();
                if (y != EMPTY) {
                    pushLast(y);
                }
            }
            return x;
        }
        return claimSenderLocked();
    }

    /**
     * Claims the first live waiting sender: its item, or {@link #EMPTY}; sets {@link #toWake}.
     *
     * <p>The item and the strand are read <em>before</em> the CAS: once it is won, the sender
     * may see its call decided at once (a fiber's first yield, a thread before it parks, a
     * spurious wake-up), return without the lock and recycle its node, which clears the node's
     * item. An item read after the CAS was then null: the soak saw a delivered item vanish (a
     * null buffered in its place) about once in 500,000 sends.
     */
    private Object claimSenderLocked() {
        for (WaitNode s; (s = sendersHead) != null; ) {
            unlinkLocked(s);
            Object x = s.item;
            Strand st = s.strand;
            if (s.casResolved()) {
                toWake = st;
                return x;
            }
        }
        return EMPTY;
    }

    /** The strand to unpark after unlocking, cleared. Under the lock. */
    Strand takeToWake() {
        Strand w = toWake;
        toWake = null;
        return w;
    }

    void appendSender(WaitNode n) {
        n.prev = sendersTail;
        if (sendersTail == null) {
            sendersHead = n;
        } else {
            sendersTail.next = n;
        }
        sendersTail = n;
        n.linked = true;
    }

    void appendReceiver(WaitNode n) {
        n.prev = receiversTail;
        if (receiversTail == null) {
            receiversHead = n;
        } else {
            receiversTail.next = n;
        }
        receiversTail = n;
        n.linked = true;
    }

    private void unlinkLocked(WaitNode n) {
        WaitNode p = n.prev;
        WaitNode q = n.next;
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

    /** Unlinks {@code n} if it is still linked (its call was decided: it no longer waits here). */
    void unlinkIfLinked(WaitNode n) {
        lock();
        if (n.linked) {
            unlinkLocked(n);
        }
        unlock();
    }

    /**
     * Puts back an item that a receive was handed as it was killed: to the first waiting
     * receiver, else first in the buffer (even beyond the capacity, or on a closed channel,
     * whose receivers then drain it).
     */
    void giveBack(Object item) {
        lock();
        Strand w = null;
        if (offerToReceiverLocked(item)) {
            w = takeToWake();
        } else {
            pushFirst(item);
        }
        unlock();
        if (w != null) {
            w.unpark();
        }
    }

    /** Hands {@code item} to the first live waiting receiver, if any; sets {@link #toWake}. */
    private boolean offerToReceiverLocked(Object item) {
        for (WaitNode r; (r = receiversHead) != null; ) {
            unlinkLocked(r);
            Strand st = r.strand; // read before the CAS, as in claimSenderLocked
            r.item = item; // NOTE: written before the CAS that publishes it to the receiver
            if (r.casResolved()) {
                toWake = st;
                return true;
            }
            r.item = null; // a dead node (its call was decided elsewhere): skip it
        }
        return false;
    }

    Object closedState() {
        return closed;
    }

    ChannelClosedException closedForSend() {
        Object c = closed;
        return new ChannelClosedException("send on a closed " + this + ": the item was not sent; "
                + "close a channel only once every sender is done", c instanceof Throwable t ? t : null);
    }

    ChannelClosedException closedForReceive() {
        Object c = closed;
        return c instanceof Throwable t
                ? new ChannelClosedException(this + " was closed with an error and is drained", t)
                : new ChannelClosedException(this + " is closed and drained: no more items will come", null);
    }

    private void pushLast(Object item) {
        if (ring == null || count == ring.length) {
            grow();
        }
        int tail = head + count;
        ring[tail >= ring.length ? tail - ring.length : tail] = item;
        count++;
    }

    private void pushFirst(Object item) {
        if (ring == null || count == ring.length) {
            grow();
        }
        head = head == 0 ? ring.length - 1 : head - 1;
        ring[head] = item;
        count++;
    }

    /** Only when an item is given back beyond the capacity (or to a rendezvous channel). */
    private void grow() {
        Object[] bigger = new Object[ring == null ? 1 : ring.length + 1];
        for (int i = 0; i < count; i++) {
            int j = head + i;
            bigger[i] = ring[j >= ring.length ? j - ring.length : j];
        }
        ring = bigger;
        head = 0;
    }

    // ------------------------------------------------------------------ lock

    /**
     * Takes the channel's spin lock. It is held only for a few field updates and CASes (never
     * across a park, an unpark or a yield), so a strand that finds it held spins briefly, then
     * yields its thread (the holder may be a descheduled platform thread).
     *
     * <p>A virtual thread (a patched fiber) never yields here: {@code Thread.yield()} unmounts
     * it, and a select takes several channels' locks in turn, so a patched select that yielded
     * while waiting for its second lock would sit unmounted holding the first; the carriers
     * spinning for that first lock (a plain fiber spins on its carrier's thread) would then never
     * let it mount again. The soak's item flows livelocked both carriers so, within 30 s. A
     * virtual thread spins instead: every holder is mounted and running, so the lock frees soon.
     */
    void lock() {
        if (!LOCK.compareAndSet(this, 0, 1)) {
            lockSlow();
        }
    }

    private void lockSlow() {
        for (int spins = 0; ; spins++) {
            if (lock == 0 && LOCK.compareAndSet(this, 0, 1)) {
                return;
            }
            SpinLock.pause(spins); // a virtual thread never yields here: see above
        }
    }

    void unlock() {
        LOCK.setRelease(this, 0);
    }

    /** A timeout in nanoseconds: 0 for zero or negative, saturated at Long.MAX_VALUE. */
    static long nanosOf(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            return 0L;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
