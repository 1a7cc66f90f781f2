package dev.weft.bench;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The floor: the least a one-carrier scheduler of raw {@code jdk.internal.vm.Continuation}s
 * can do. The calling thread is the carrier; an {@link ArrayDeque} is the run queue; park and
 * unpark are plain fields (one thread touches them). No kill, timeout, permit publication or
 * bookkeeping: whatever Weft costs above this is the price of its guarantees.
 *
 * <p>Not thread-safe: one carrier thread creates, runs, parks and unparks its strands.
 */
final class RawCarrier {
    static final ContinuationScope SCOPE = new ContinuationScope("bench-floor");

    private final ArrayDeque<Strand> runQueue = new ArrayDeque<>(256);

    /** A strand of this carrier; queued at once, it runs when {@link #runAll} gets to it. */
    Strand spawn(Consumer<Strand> body) {
        Strand s = new Strand(body);
        runQueue.addLast(s);
        return s;
    }

    /** Runs strands until none is runnable. */
    void runAll() {
        for (Strand s; (s = runQueue.pollFirst()) != null; ) {
            s.continuation.run();
            if (s.parking) {
                s.parking = false;
                s.parked = true;
            } else if (!s.continuation.isDone()) {
                runQueue.addLast(s); // yielded: to the tail
            }
        }
    }

    /** Sends the current strand to the tail of the run queue. */
    static void yieldNow() {
        Continuation.yield(SCOPE);
    }

    final class Strand {
        final Continuation continuation;
        boolean parking;
        boolean parked;
        boolean permit;

        Strand(Consumer<Strand> body) {
            continuation = new Continuation(SCOPE, () -> body.accept(this));
        }

        /** Parks this strand, which must be the current one, unless its permit is available. */
        void park() {
            if (permit) {
                permit = false;
                return;
            }
            parking = true;
            Continuation.yield(SCOPE);
            permit = false;
        }

        void unpark() {
            if (parked) {
                parked = false;
                runQueue.addLast(this);
            }
            permit = true;
        }
    }
}
