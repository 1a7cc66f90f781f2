package dev.weft.stress.twins;

import dev.weft.fibers.Strand;
import dev.weft.stress.locks.QueueTakeRace;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broken copy of {@code dev.weft.locks.Queue}'s take and put (unbounded, one item type), for
 * {@link Twin_Queue_01_CancelDropsItem}: a timed take that finds its deadline passed returns
 * null <em>even when it lost the race to cancel</em>, i.e. when a put had just handed it the
 * item. The item is then neither returned nor queued. Everything else (the monitor, the FIFO of
 * waiting takers, the grant CAS with the item written first) is as in {@code Queue}.
 */
public final class BrokenQueue implements QueueTakeRace.RaceQueue {
    private static final int WAITING = 0;
    private static final int GRANTED = 1;
    private static final int CANCELLED = 2;

    private static final class Node {
        final Strand strand = Strand.current();
        final AtomicInteger state = new AtomicInteger(WAITING);
        Integer item;
    }

    private final Object monitor = new Object();
    private final ArrayDeque<Integer> items = new ArrayDeque<>();
    private final ArrayDeque<Node> takers = new ArrayDeque<>();

    @Override
    public Integer poll(long nanos) {
        Node n;
        synchronized (monitor) {
            Integer item = items.poll();
            if (item != null) {
                return item;
            }
            n = new Node();
            takers.addLast(n);
        }
        long deadline = System.nanoTime() + nanos;
        for (;;) {
            if (n.state.get() == GRANTED) {
                return n.item;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                n.state.compareAndSet(WAITING, CANCELLED); // DEFECT: Queue returns the item when this CAS fails
                synchronized (monitor) {
                    takers.removeFirstOccurrence(n);
                }
                return null;
            }
            Strand.parkNanos(left);
        }
    }

    @Override
    public void put(Integer item) {
        synchronized (monitor) {
            for (Node t; (t = takers.pollFirst()) != null; ) {
                t.item = item;
                if (t.state.compareAndSet(WAITING, GRANTED)) {
                    t.strand.unpark();
                    return;
                }
            }
            items.add(item);
        }
    }

    @Override
    public int size() {
        synchronized (monitor) {
            return items.size();
        }
    }
}
