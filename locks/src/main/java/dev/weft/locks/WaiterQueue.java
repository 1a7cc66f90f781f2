package dev.weft.locks;

import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The FIFO queue of a {@link Semaphore}'s waiters: a JCTools multi-producer single-consumer
 * queue, plus the drain token that makes "single consumer" true by construction.
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
 * <h2>Invariants</h2>
 * <ol>
 *   <li><b>Single consumer.</b> Only the strand that moved {@code drainRequests} from 0 to
 *       non-zero (the <em>drainer</em>) peeks or polls the queue, and only until it moves it
 *       back to 0. Any strand may offer.</li>
 *   <li><b>No lost request.</b> A strand that changed something a drainer must look at (it
 *       offered a node, added permits, cancelled a node) calls {@link #drain()} afterwards. If a
 *       drainer is active, the request is recorded in {@code drainRequests} and the drainer
 *       makes one more pass before it gives the token back, and that pass sees the change
 *       (the change happens-before the increment, which the drainer's decrement reads).</li>
 *   <li>The consumer uses the relaxed peek and poll: a node whose producer has claimed its slot
 *       but not yet written it reads as absent, and that producer's own {@link #drain()} call
 *       finds it. The drainer never spins on another strand's progress.</li>
 * </ol>
 */
final class WaiterQueue {
    /** Decides about the head of the queue; called by the drainer only. */
    @FunctionalInterface
    interface HeadServer {
        /**
         * Serves, skips or keeps the head node.
         *
         * @return true if the head is done with (granted or cancelled) and is to be unlinked;
         *         false to end this pass and leave it at the head
         */
        boolean serve(Waiter head);
    }

    /** Chunk size of the JCTools queue (a power of two). */
    static final int CHUNK = 16;

    private static final VarHandle QUEUE;
    private static final VarHandle DRAIN_REQUESTS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            QUEUE = l.findVarHandle(WaiterQueue.class, "queue", MessagePassingQueue.class);
            DRAIN_REQUESTS = l.findVarHandle(WaiterQueue.class, "drainRequests", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final HeadServer server;
    /** Created by the first strand that waits; never replaced once set. */
    private volatile MessagePassingQueue<Waiter> queue;
    /** 0: no drainer. Otherwise the drainer's passes still owed (see invariant 1). */
    private volatile int drainRequests;

    WaiterQueue(HeadServer server) {
        this.server = server;
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
        for (;;) {
            MessagePassingQueue<Waiter> q = queue;
            if (q != null) {
                for (Waiter head; (head = q.relaxedPeek()) != null && server.serve(head); ) {
                    q.relaxedPoll();
                }
            }
            owed = (int) DRAIN_REQUESTS.getAndAdd(this, -owed) - owed;
            if (owed == 0) {
                return; // NOTE: token given back; later requests start a drainer of their own
            }
        }
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
        return "WaiterQueue[" + (q == null ? 0 : q.size()) + " linked]";
    }
}
