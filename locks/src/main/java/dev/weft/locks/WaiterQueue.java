package dev.weft.locks;

import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.function.IntSupplier;

/**
 * The FIFO queue of a {@link Semaphore}'s waiters: a JCTools multi-producer single-consumer
 * queue, plus the drain token that makes "single consumer" true by construction, plus the
 * compaction that keeps cancelled nodes from piling up behind a long-waiting head.
 *
 * <h2>Queue variant</h2>
 * {@link MpscUnboundedVarHandleArrayQueue} from {@code jctools-core-jdk11}: it uses VarHandles,
 * so JDK 25 prints no {@code sun.misc.Unsafe} warning (the {@code org.jctools.queues} 4.0.x
 * queues do); an offer is one CAS on the producer index plus a store, and allocates only a new
 * chunk every {@value #CHUNK} offers, whereas the linked variant allocates a node per offer
 * (a blocked acquire would cost two objects instead of one). The queue is padded against false
 * sharing and so takes several hundred bytes: it is created on first contention, so an
 * uncontended semaphore never pays for it.
 *
 * <h2>Compaction</h2>
 * The MPSC queue can only be consumed at its head, so a node that is cancelled behind a head
 * that waits for long (timed acquires that time out, killed fibers) stays linked. Cancelling
 * strands count themselves in {@code cancelled}; when a drain pass finds more cancelled nodes
 * than live waiters (and at least {@value #COMPACT_AT}), the drainer <em>compacts</em>: it
 * moves every node it can see, in order, from the MPSC queue into {@code front}, a private
 * deque, dropping the cancelled ones (those already in {@code front} too). {@code front} is
 * served before the MPSC queue. Memory then stays within about twice the live waiters plus
 * {@value #COMPACT_AT} nodes, and the work is amortized: a compaction that looks at {@code k}
 * nodes drops about half of them or more.
 * <pre>
 *   front (drainer only)            MPSC queue (any strand offers at the tail)
 *   [w1 w2 w5] ---- served first ---&gt; [w9 x w11 ...]
 *   older than every node still in the MPSC queue: compaction moves a prefix, in order
 * </pre>
 * FIFO holds because {@code front} only ever receives a prefix of the MPSC queue, appended
 * behind what it holds, and nodes are never put back at the MPSC tail (where they would land
 * behind strands that came later).
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li><b>Single consumer.</b> Only the strand that moved {@code drainRequests} from 0 to
 *       non-zero (the <em>drainer</em>) peeks or polls the queue, or touches {@code front}, and
 *       only until it moves it back to 0. Any strand may offer. (The token's hand-over is a
 *       volatile read-modify-write, so the next drainer sees {@code front} as the last one
 *       left it.)</li>
 *   <li><b>No lost request.</b> A strand that changed something a drainer must look at (it
 *       offered a node, added permits, cancelled a node) calls {@link #drain()} afterwards. If a
 *       drainer is active, the request is recorded in {@code drainRequests} and the drainer
 *       makes one more pass before it gives the token back, and that pass sees the change
 *       (the change happens-before the increment, which the drainer's decrement reads).</li>
 *   <li>The consumer uses the relaxed peek and poll: a node whose producer has claimed its slot
 *       but not yet written it reads as absent, and that producer's own {@link #drain()} call
 *       finds it. The drainer never spins on another strand's progress. (A compaction stops
 *       there too: the nodes behind such a gap stay in the MPSC queue, behind {@code front}.)</li>
 *   <li>Only nodes in state {@code CANCELLED} are dropped, and that state is final: a
 *       compaction never unlinks a strand that is still waiting or about to wait
 *       ({@code NEW}).</li>
 *   <li>A granted node's strand is woken by the drainer that granted it, after the grant and
 *       before that drainer's {@link #drain()} returns.</li>
 * </ol>
 *
 * <h2>Waking after the token</h2>
 * The drainer wakes the strand it granted last only once it has given the drain token back
 * (one granted earlier in the same drain, when a pass grants several, at the next grant). An
 * unpark can make the kernel run the woken thread at once, in place of the drainer; had the
 * drainer still held the token then, every release and every queueing strand meanwhile would
 * leave its pass to a drainer that is not running, and the woken holder's own release would
 * hand nothing on: with platform threads taking turns on a permit, every hand-off then waited
 * for the preempted drainer to be scheduled again (docs/performance.md has the figures).
 */
final class WaiterQueue {
    /** Decides about the head of the queue; called by the drainer only. */
    @FunctionalInterface
    interface HeadServer {
        /**
         * Serves or keeps the head node: grants it (its state only: the queue wakes its strand,
         * see {@link WaiterQueue}) or leaves it. The queue itself unlinks heads it finds
         * cancelled; the head passed here may still be cancelled at any moment.
         *
         * @return true if the head is done with (granted, or found cancelled) and is to be
         *         unlinked; false to end this pass and leave it at the head
         */
        boolean serve(Waiter head);
    }

    /** Chunk size of the JCTools queue (a power of two). */
    static final int CHUNK = 16;
    /** Fewer cancelled nodes than this are left to be unlinked at the head. */
    static final int COMPACT_AT = 16;

    private static final VarHandle QUEUE;
    private static final VarHandle DRAIN_REQUESTS;
    private static final VarHandle CANCELLED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            QUEUE = l.findVarHandle(WaiterQueue.class, "queue", MessagePassingQueue.class);
            DRAIN_REQUESTS = l.findVarHandle(WaiterQueue.class, "drainRequests", int.class);
            CANCELLED = l.findVarHandle(WaiterQueue.class, "cancelled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final HeadServer server;
    /** The live waiters (not cancelled, not granted), as the semaphore counts them. */
    private final IntSupplier liveWaiters;
    /** Created by the first strand that waits; never replaced once set. */
    private volatile MessagePassingQueue<Waiter> queue;
    /** 0: no drainer. Otherwise the drainer's passes still owed (see invariant 1). */
    private volatile int drainRequests;
    /**
     * Cancelled nodes still linked: raised by each cancelling strand after its CAS, lowered by
     * the drainer for each cancelled node it unlinks. An estimate (briefly negative when the
     * drainer unlinks a node before its strand counted it) that only decides when to compact.
     */
    private volatile int cancelled;
    /**
     * Null, or the non-empty oldest part of the queue, moved out of the MPSC queue by a
     * compaction. Only accessed by the drainer.
     */
    private ArrayDeque<Waiter> front;

    WaiterQueue(HeadServer server, IntSupplier liveWaiters) {
        this.server = server;
        this.liveWaiters = liveWaiters;
    }

    /** Links {@code w} at the tail. Any strand; lock-free (one CAS, retried under contention). */
    void offer(Waiter w) {
        lvOrCreateQueue().offer(w);
    }

    /**
     * Serves the head of the queue for as long as the {@link HeadServer} says so, or records
     * that a pass is owed if another strand is draining. Never blocks. Returns once no pass is
     * owed; a drainer that other strands keep asking for passes keeps draining (each pass ends
     * at the first head it cannot serve).
     */
    void drain() {
        if ((int) DRAIN_REQUESTS.getAndAdd(this, 1) != 0) {
            return; // the drainer owes one more pass and will make it
        }
        int owed = 1;
        Waiter granted = null;
        for (;;) {
            MessagePassingQueue<Waiter> q = queue;
            if (q != null) {
                int c = cancelled;
                if (c >= COMPACT_AT && c > liveWaiters.getAsInt()) {
                    compact(q);
                }
                granted = serveHeads(q, granted);
            }
            owed = (int) DRAIN_REQUESTS.getAndAdd(this, -owed) - owed;
            if (owed == 0) {
                // NOTE: token given back; later requests start a drainer of their own. The last
                // strand granted is woken only now (see "Waking after the token" above).
                if (granted != null) {
                    granted.strand.unpark();
                }
                return;
            }
        }
    }

    /**
     * Records that the caller moved its node WAITING -> CANCELLED, and drains (the node may be
     * the head holding others back, or the one that makes a compaction due).
     */
    void cancelled() {
        CANCELLED.getAndAdd(this, 1);
        drain();
    }

    /**
     * One pass over the head: {@code front} first, then the MPSC queue. Drainer only.
     *
     * @param granted null, or the node granted last in this drain, not woken yet
     * @return null, or the node granted last and not woken yet, for {@link #drain()} to wake
     *         once it gave the token back (a node granted before it is woken here)
     */
    private Waiter serveHeads(MessagePassingQueue<Waiter> q, Waiter granted) {
        int unlinkedCancelled = 0;
        for (;;) {
            ArrayDeque<Waiter> f = front;
            Waiter head = f != null ? f.peekFirst() : q.relaxedPeek();
            if (head == null || !head.isCancelled() && !server.serve(head)) {
                break;
            }
            if (head.isGranted()) {
                if (granted != null) {
                    granted.strand.unpark();
                }
                granted = head;
            } else {
                unlinkedCancelled++; // served means granted or cancelled, and both states are final
            }
            if (f == null) {
                q.relaxedPoll();
            } else {
                f.pollFirst();
                if (f.isEmpty()) {
                    front = null;
                }
            }
        }
        if (unlinkedCancelled != 0) {
            CANCELLED.getAndAdd(this, -unlinkedCancelled);
        }
        return granted;
    }

    /**
     * Drops the cancelled nodes of {@code front} and moves every node visible in the MPSC queue
     * behind the survivors, in order, dropping the cancelled ones. Drainer only.
     */
    private void compact(MessagePassingQueue<Waiter> q) {
        ArrayDeque<Waiter> f = front;
        ArrayDeque<Waiter> kept = new ArrayDeque<>(Math.max(CHUNK, liveWaiters.getAsInt()));
        int dropped = 0;
        if (f != null) {
            for (Waiter w : f) {
                if (w.isCancelled()) {
                    dropped++;
                } else {
                    kept.addLast(w);
                }
            }
        }
        for (Waiter w; (w = q.relaxedPoll()) != null; ) {
            if (w.isCancelled()) {
                dropped++;
            } else {
                kept.addLast(w);
            }
        }
        front = kept.isEmpty() ? null : kept;
        CANCELLED.getAndAdd(this, -dropped);
    }

    /**
     * The nodes linked now, cancelled ones included. For tests, while no strand is queueing,
     * cancelling or draining (it reads {@code front} without the drain token).
     */
    int linkedNodes() {
        MessagePassingQueue<Waiter> q = queue;
        ArrayDeque<Waiter> f = front;
        return (q == null ? 0 : q.size()) + (f == null ? 0 : f.size());
    }

    private MessagePassingQueue<Waiter> lvOrCreateQueue() {
        MessagePassingQueue<Waiter> q = queue;
        if (q != null) {
            return q;
        }
        q = new MpscUnboundedVarHandleArrayQueue<>(CHUNK);
        @SuppressWarnings("unchecked")
        MessagePassingQueue<Waiter> witness = (MessagePassingQueue<Waiter>) QUEUE.compareAndExchange(this, null, q);
        return witness != null ? witness : q;
    }

    @Override
    public String toString() {
        MessagePassingQueue<Waiter> q = queue;
        return "WaiterQueue[" + (q == null ? 0 : q.size()) + " linked in the MPSC queue, " + cancelled
                + " cancelled]";
    }
}
