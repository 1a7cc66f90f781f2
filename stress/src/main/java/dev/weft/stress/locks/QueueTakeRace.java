package dev.weft.stress.locks;

import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The actor bodies of {@link Queue_01_PutVsTimedTake} and its twin: a platform thread's timed
 * take on an empty queue against a put. The taker raises a flag, spins 0 to 31 times and takes;
 * the putter waits for the flag and puts; the timeout sweeps 1 to 256 ns, sample by sample. The
 * putter sees the flag a fixed cross-core delay after it rose, so the taker's varying delay
 * sweeps the take's queueing and cancel across the put, which regularly lands right as the take
 * gives up (left to the actors' start alignment, the put nearly always lands long before the
 * take or long after it, and the race is rarely run).
 */
public final class QueueTakeRace {
    /** What the race needs of a queue. */
    public interface RaceQueue {
        /** A take that waits at most {@code nanos}; null if none came. */
        Integer poll(long nanos);

        void put(Integer item);

        int size();
    }

    private final RaceQueue queue;
    private final long timeoutNanos;
    private final int delay;
    private volatile boolean taking;

    public QueueTakeRace(RaceQueue queue, int sample) {
        this.queue = queue;
        this.delay = sample & 31;
        this.timeoutNanos = 1 + ((sample >>> 5) & 255);
    }

    /** Actor 1: r1 is 1 if the timed take got the item. */
    public void taker(II_Result r) {
        taking = true;
        for (int i = 0; i < delay; i++) {
            Thread.onSpinWait();
        }
        r.r1 = queue.poll(timeoutNanos) != null ? 1 : 0;
    }

    /** Actor 2: puts one item as soon as it sees the taker begin. */
    public void putter() {
        ActorCarrier.awaitFlag(() -> taking);
        queue.put(1);
    }

    /** r2: the items left in the queue. */
    public void arbiter(II_Result r) {
        r.r2 = queue.size();
    }
}
