package dev.weft.stress.twins;

import dev.weft.fibers.Strand;
import dev.weft.stress.locks.EventAwaitRace;

import java.util.ArrayDeque;

/**
 * A broken copy of {@code dev.weft.locks.Event}'s wait machinery ({@code Signal}), for
 * {@link Twin_Event_01_AwaitWithoutRecheck}: the waiter checks the flag, then queues its node
 * under the monitor <em>without re-checking the flag there</em>. A set that runs in between
 * raises the flag and takes the list without the node: the waiter parks on a set event.
 * Everything else (the monitor, the list swapped out by set, grant then unpark) is as in
 * {@code Signal}, reduced to the untimed wait.
 */
public final class BrokenEvent implements EventAwaitRace.RaceEvent {
    private static final class Node {
        final Strand strand = Strand.current();
        volatile boolean granted;
    }

    private final Object monitor = new Object();
    private volatile boolean raised;
    private ArrayDeque<Node> links = new ArrayDeque<>();

    @Override
    public boolean await() {
        if (raised) {
            return true;
        }
        Node n = new Node();
        synchronized (monitor) {
            // DEFECT: Signal.await re-checks `raised` here before queueing
            links.addLast(n);
        }
        while (!n.granted) {
            Strand.park();
        }
        return true;
    }

    @Override
    public void set() {
        ArrayDeque<Node> woken;
        synchronized (monitor) {
            if (raised) {
                return;
            }
            raised = true;
            woken = links;
            links = new ArrayDeque<>();
        }
        for (Node n : woken) {
            n.granted = true;
            n.strand.unpark();
        }
    }
}
