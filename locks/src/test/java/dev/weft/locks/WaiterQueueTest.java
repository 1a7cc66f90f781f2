package dev.weft.locks;

import dev.weft.fibers.Strand;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue's compaction, driven directly from one thread: nodes are put in each state by
 * hand, and the head server records what it is asked to serve.
 */
class WaiterQueueTest {
    private final Strand me = Strand.current();
    private final List<Waiter> served = new ArrayList<>();
    private boolean permitsFree;
    private int live;
    private final WaiterQueue queue = new WaiterQueue(this::serve, () -> live);

    private boolean serve(Waiter head) {
        if (!permitsFree || head.lvState() == Waiter.NEW) {
            return false;
        }
        assertTrue(head.casGranted(), "only live heads are served: " + head);
        served.add(head);
        return true;
    }

    private Waiter waiting() {
        Waiter w = new Waiter(me, 1, Waiter.WAITING);
        queue.offer(w);
        return w;
    }

    private void cancelledOnes(int n) {
        for (int i = 0; i < n; i++) {
            Waiter c = waiting();
            assertTrue(c.casCancelled());
            queue.cancelled();
        }
    }

    @Test
    void compactionDropsCancelledNodesAndKeepsLiveAndNewOnesInOrder() {
        live = 3;
        Waiter a = waiting();
        cancelledOnes(40);
        Waiter arriving = new Waiter(me, 1, Waiter.NEW); // linked, its strand not yet counted it
        queue.offer(arriving);
        cancelledOnes(40);
        Waiter b = waiting();
        cancelledOnes(40);
        assertTrue(queue.linkedNodes() <= live + WaiterQueue.COMPACT_AT,
                "the queue kept " + queue.linkedNodes() + " nodes for " + live + " live waiters");

        permitsFree = true;
        queue.drain();
        assertEquals(List.of(a), served, "the NEW node holds back the ones behind it");
        arriving.soWaiting();
        queue.drain();
        assertEquals(List.of(a, arriving, b), served);
        assertEquals(0, queue.linkedNodes());
    }

    @Test
    void nodesLinkedAfterACompactionAreServedAfterTheCompactedOnes() {
        live = 1;
        Waiter a = waiting();
        cancelledOnes(WaiterQueue.COMPACT_AT);   // compacted: a moved out of the MPSC queue
        Waiter b = waiting();
        live = 2;
        cancelledOnes(WaiterQueue.COMPACT_AT);   // compacted again: b moved behind a
        Waiter c = waiting();
        live = 3;
        assertEquals(3, queue.linkedNodes());
        permitsFree = true;
        queue.drain();
        assertEquals(List.of(a, b, c), served);
        assertEquals(0, queue.linkedNodes());
    }
}
