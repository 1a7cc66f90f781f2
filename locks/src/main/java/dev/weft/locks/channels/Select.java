package dev.weft.locks.channels;

import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Strand;
import dev.weft.fibers.TimeoutExpired;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Waits for the first of several channel operations that can complete, and completes exactly
 * that one: Go's {@code select}, Kotlin's {@code select} with {@code onReceive}/{@code onSend}.
 * <pre>{@code
 * Selected s = Select.select(orders.onReceive(), cancels.onReceive());
 * if (s.is(orders.onReceive())) handle(s.value(orders.onReceive()));
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>Exactly one clause wins.</b> A select that returns a {@link Selected} performed
 *       its clause (took one item, or sent its item) and no other: the other channels keep
 *       their items, and a send clause that lost sent nothing.</li>
 *   <li><b>Order.</b> If several clauses can complete at once, the first in argument order
 *       wins (biased, like Kotlin's {@code select}; Go picks at random). A select that waits
 *       is queued in every clause's channel like a plain send or receive, in FIFO order with
 *       them: the first clause to be offered a counterpart wins.</li>
 *   <li><b>Closed channels.</b> A receive clause on a closed and drained channel wins at once,
 *       with {@link Selected#isClosed()}; a send clause on a closed channel makes the select
 *       throw {@link ChannelClosedException}.</li>
 *   <li><b>Leaving is clean.</b> When a select returns (a clause won, its timeout ran out, or
 *       {@link #selectNow} found nothing), it is registered nowhere: its nodes are unlinked
 *       from every channel. A select that is killed or whose {@link dev.weft.fibers.Timeout}
 *       expires is cancelled the same way; if a receive clause won at that moment, its item
 *       goes back to its channel (nothing is lost), as {@link Channel}'s own receives do.</li>
 *   <li><b>Memory effects</b> are those of the plain send or receive the winning clause
 *       performs.</li>
 * </ol>
 *
 * <h2>Design</h2>
 * One waiter per select, registered in every clause's queue, decided by a single CAS (see
 * {@link WaitNode}): a counterpart that meets a node whose select was decided elsewhere
 * unlinks it and moves on (lazy removal), and the select unlinks its losing nodes itself
 * before it returns, so memory follows the live waiters. While it checks its clauses and
 * registers, a select holds the locks of all its channels (taken in a global order, so two
 * selects never deadlock); a counterpart can therefore never find it half-registered, and the
 * select never has to undo a claim.
 */
public final class Select {
    private Select() {}

    /**
     * Completes the first clause that can complete, waiting as long as none can.
     *
     * @return the winning clause and its outcome
     * @throws IllegalArgumentException if no clauses are given
     * @throws ChannelClosedException if a send clause's channel is or gets closed before another clause won
     * @throws InterruptedException if the calling thread is interrupted before a clause won
     * @throws FiberExit if the calling fiber is killed while it waits
     * @throws TimeoutExpired if a {@link dev.weft.fibers.Timeout} of the calling fiber expires while it waits
     */
    public static Selected select(SelectClause<?>... clauses) throws InterruptedException {
        return select(-1L, clauses);
    }

    /**
     * As {@link #select(SelectClause[])}, waiting at most {@code timeout}.
     *
     * @return the winning clause, or null if none could complete in time (then none did)
     * @throws InterruptedException as {@link #select(SelectClause[])}
     */
    public static Selected select(Duration timeout, SelectClause<?>... clauses) throws InterruptedException {
        return select(Channel.nanosOf(timeout), clauses);
    }

    /**
     * Completes the first clause that can complete now, without waiting; the {@code default}
     * branch of Go's select is the null return.
     *
     * @return the winning clause, or null if none can complete now (then none did)
     */
    public static Selected selectNow(SelectClause<?>... clauses) {
        try {
            return select(0L, clauses);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /** @param nanos negative: no limit; 0: do not wait */
    private static Selected select(long nanos, SelectClause<?>[] clauses) throws InterruptedException {
        Channel<?>[] locks = lockOrder(clauses);
        lockAll(locks);
        for (int i = 0; i < clauses.length; i++) {
            SelectClause<?> c = clauses[i];
            Channel<?> ch = c.channel;
            if (c.send) {
                if (ch.closedState() != null) {
                    unlockAll(locks);
                    throw ch.closedForSend();
                }
                int r = ch.offerLocked(c.item);
                if (r != Channel.FULL) {
                    Strand w = ch.takeToWake();
                    unlockAll(locks);
                    ch.afterOffer(r, w);
                    return new Selected(i, c, c.item, false);
                }
            } else {
                Object x = ch.pollLocked();
                if (x != Channel.EMPTY) {
                    Strand w = ch.takeToWake();
                    unlockAll(locks);
                    if (w != null) {
                        w.unpark();
                    }
                    return new Selected(i, c, x, false);
                }
                if (ch.closedState() != null) {
                    unlockAll(locks);
                    return new Selected(i, c, null, true);
                }
            }
        }
        if (nanos == 0) {
            unlockAll(locks);
            return null;
        }
        Strand me = Strand.current();
        WaitNode[] nodes = new WaitNode[clauses.length];
        WaitNode owner = null;
        for (int i = 0; i < clauses.length; i++) {
            SelectClause<?> c = clauses[i];
            WaitNode n = new WaitNode(owner, me, c.channel, i, c.send, c.item);
            if (owner == null) {
                owner = n;
            }
            nodes[i] = n;
            if (c.send) {
                c.channel.appendSender(n);
            } else {
                c.channel.appendReceiver(n);
            }
        }
        unlockAll(locks);
        if (!WaitNode.await(java.util.Arrays.asList(locks), owner, nodes, nanos, true)) {
            return null;
        }
        WaitNode.unlinkLosers(owner, nodes);
        WaitNode won = WaitNode.winner(owner, nodes);
        SelectClause<?> c = clauses[won.clause];
        if (won.send) {
            if (won.closed) {
                throw c.channel.closedForSend();
            }
            return new Selected(won.clause, c, c.item, false);
        }
        Object item = won.item;
        won.item = null;
        return new Selected(won.clause, c, item, won.closed);
    }

    /** The distinct channels of {@code clauses}, in the global lock order (by id). */
    private static Channel<?>[] lockOrder(SelectClause<?>[] clauses) {
        Objects.requireNonNull(clauses, "clauses");
        if (clauses.length == 0) {
            throw new IllegalArgumentException("select needs at least one clause: pass channel.onReceive() or "
                    + "channel.onSend(item) clauses");
        }
        Channel<?>[] chs = new Channel<?>[clauses.length];
        int n = 0;
        for (SelectClause<?> c : clauses) {
            Channel<?> ch = Objects.requireNonNull(c, "a select clause is null").channel;
            int i = n - 1;
            while (i >= 0 && chs[i].id > ch.id) {
                i--;
            }
            if (i >= 0 && chs[i] == ch) {
                continue; // the same channel in two clauses: lock it once
            }
            System.arraycopy(chs, i + 1, chs, i + 2, n - i - 1);
            chs[i + 1] = ch;
            n++;
        }
        return n == chs.length ? chs : Arrays.copyOf(chs, n);
    }

    private static void lockAll(Channel<?>[] chs) {
        for (Channel<?> ch : chs) {
            ch.lock();
        }
    }

    private static void unlockAll(Channel<?>[] chs) {
        for (int i = chs.length - 1; i >= 0; i--) {
            chs[i].unlock();
        }
    }
}
