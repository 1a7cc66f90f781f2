package dev.weft.locks.channels;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One registration of a blocked strand in one {@link Channel}'s queue of senders or of
 * receivers: a plain {@code send}/{@code receive} links one node, a {@link Select} links one per
 * clause. All nodes of one blocked call share an <em>owner</em> (the node itself for a plain
 * call, the select's first node otherwise), and only the owner's {@code state} is used: it is
 * the single CAS that decides which clause won, so that exactly one does.
 *
 * <h2>States (of the owner)</h2>
 * <pre>
 *   from      to         by                                      when
 *   WAITING   k &gt;= 0     a resolver, under the lock of the       it handed an item to clause k's
 *                        channel of clause k (CAS)               node, took its item, or closed
 *                                                                its channel
 *   WAITING   CANCELLED  the waiting strand (CAS)                deadline, kill, Timeout, interrupt
 *   k, CANCELLED   -     final
 * </pre>
 * A resolver writes {@link #item} (a receive clause's item) or {@link #closed} into the node
 * <em>before</em> its CAS, so the strand that reads the state reads them too; if its CAS
 * fails, the node was already dead and the resolver keeps its item. The strand that loses the
 * race to cancel owns the outcome: a received item goes back to the channel
 * ({@link Channel#giveBack}), a delivered item stays delivered.
 *
 * <p>Invariant: a resolver reads everything it needs from a node (a send's item, the strand to
 * wake) <em>before</em> its winning CAS, and writes nothing into it after. Once the CAS is won
 * the node belongs to its strand again, which may see the outcome at once, return without the
 * lock and recycle the node (clearing its item) while the resolver still holds the lock.
 *
 * <h2>Links</h2>
 * {@link #prev}, {@link #next} and {@link #linked} belong to the channel's lock. A node is
 * unlinked by whoever meets it there: the resolver that claims it, a resolver that finds its
 * owner already decided (lazy removal), the channel's close, or its own strand once its call
 * is decided (so a select leaves nothing behind in its losing channels).
 */
final class WaitNode {
    static final int WAITING = -1;
    static final int CANCELLED = -2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(WaitNode.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The node whose state decides this call: this node for a plain call. */
    final WaitNode owner;
    /**
     * The blocked strand, unparked by the resolver that wins the owner's CAS. Not final (nor
     * {@link #send}): a plain call's node is recycled by its channel ({@link #reuse}).
     */
    Strand strand;
    final Channel<?> channel;
    /** The clause's index in its select (0 for a plain call). */
    final int clause;
    boolean send;
    /** A send's item (set before linking); a receive's item (set by the resolver before its CAS). */
    Object item;
    /** Set by a closing resolver before its CAS: the call saw its channel closed. */
    boolean closed;
    WaitNode prev;
    WaitNode next;
    boolean linked;
    /** Only used on the owner: see the class comment. */
    private volatile int state = WAITING;

    WaitNode(WaitNode owner, Strand strand, Channel<?> channel, int clause, boolean send, Object item) {
        this.owner = owner == null ? this : owner;
        this.strand = strand;
        this.channel = channel;
        this.clause = clause;
        this.send = send;
        this.item = item;
    }

    /**
     * Makes a plain call's recycled node ready for another plain call. Under the channel's lock,
     * by the strand that took it from the channel's spare slot: its last call is over (it was
     * unlinked, and its strand read its outcome before giving it back), so nobody else can
     * reach it.
     */
    WaitNode reuse(Strand strand, boolean send, Object item) {
        this.strand = strand;
        this.send = send;
        this.item = item;
        this.closed = false;
        STATE.setRelease(this, WAITING);
        return this;
    }

    /** The owner's state: WAITING, CANCELLED, or the index of the winning clause. */
    int lvState() {
        return state;
    }

    /** WAITING -> this node's clause, on its owner. Called by a resolver under the channel's lock. */
    boolean casResolved() {
        return STATE.compareAndSet(owner, WAITING, clause);
    }

    /** WAITING -> CANCELLED. Called on the owner by the waiting strand only. */
    boolean casCancelled() {
        return STATE.compareAndSet(this, WAITING, CANCELLED);
    }

    /**
     * Parks until the call of {@code owner} is decided. {@code nodes} are a select's nodes
     * (null for a plain call, whose only node is the owner).
     *
     * @param blocker what the strand waits on, for dumps: the Channel or the Select
     * @param nanos negative: no limit; positive: the time to wait
     * @return true if a clause won (maybe at the deadline); false if the deadline passed first,
     *         and then every node is unlinked
     * @throws InterruptedException if a waiting thread was interrupted before any clause won;
     *                              a thread interrupted after that returns with its interrupt
     *                              status set
     */
    static boolean await(Object blocker, WaitNode owner, WaitNode[] nodes, long nanos, boolean interruptible)
            throws InterruptedException {
        boolean thread = !owner.strand.isFiber();
        long deadline = nanos > 0 ? Strand.nanoTime() + nanos : 0L;
        boolean interrupted = false;
        // NOTE: a fiber first yields once instead of parking: a partner on the same carrier (the
        // usual rendezvous) then runs at once and decides this call, and a decided yield costs
        // less than a park and its unpark. The unpark then only leaves a permit, which makes some
        // later park return early (parks may return spuriously). Threads park at once.
        boolean yielded = thread;
        while (owner.state == WAITING) {
            long left = 0L;
            if (nanos > 0 && (left = deadline - Strand.nanoTime()) <= 0) {
                if (owner.casCancelled()) {
                    unlinkAll(owner, nodes);
                    reassertInterrupt(interrupted);
                    return false;
                }
                break; // decided at the deadline: the outcome stands
            }
            try {
                if (!yielded) {
                    yielded = true;
                    Fiber.yieldNow();
                } else if (nanos < 0) {
                    Strand.park(blocker);
                } else {
                    Strand.parkNanos(blocker, left);
                }
            } catch (Throwable t) { // FiberExit or TimeoutExpired, from the fiber's park or yield
                if (owner.casCancelled()) {
                    unlinkAll(owner, nodes);
                } else {
                    giveBack(owner, nodes);
                }
                throw t;
            }
            if (thread && Thread.interrupted()) {
                if (interruptible && owner.casCancelled()) {
                    unlinkAll(owner, nodes);
                    throw new InterruptedException();
                }
                interrupted = true; // uninterruptible, or decided meanwhile: keep it set
            }
        }
        reassertInterrupt(interrupted);
        return true;
    }

    /** The node of the winning clause. Only after the owner's state is decided as a win. */
    static WaitNode winner(WaitNode owner, WaitNode[] nodes) {
        return nodes == null ? owner : nodes[owner.state];
    }

    /**
     * A decided call that is being left with a kill or Timeout: a received item goes back to
     * its channel (it is never lost), a sent one stays delivered; the losing nodes are unlinked.
     */
    private static void giveBack(WaitNode owner, WaitNode[] nodes) {
        WaitNode won = winner(owner, nodes);
        if (!won.send && !won.closed) {
            Object x = won.item;
            won.item = null;
            won.channel.giveBack(x);
        }
        unlinkLosers(owner, nodes);
    }

    private static void unlinkAll(WaitNode owner, WaitNode[] nodes) {
        if (nodes == null) {
            owner.channel.unlinkIfLinked(owner);
        } else {
            for (WaitNode n : nodes) {
                n.channel.unlinkIfLinked(n);
            }
        }
    }

    /** Unlinks the nodes of a select that did not win. */
    static void unlinkLosers(WaitNode owner, WaitNode[] nodes) {
        if (nodes != null) {
            int won = owner.state;
            for (WaitNode n : nodes) {
                if (n.clause != won) {
                    n.channel.unlinkIfLinked(n);
                }
            }
        }
    }

    private static void reassertInterrupt(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        int s = owner.state;
        return "WaitNode[" + strand.name() + (send ? ", send" : ", receive") + ", clause " + clause + ", "
                + (s == WAITING ? "waiting" : s == CANCELLED ? "cancelled" : "clause " + s + " won") + "]";
    }
}
