package dev.weft.stress.locks;

import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The actor bodies of {@link Queue_01_PutVsTimedTake} and its twin: a platform thread's timed
 * take on an empty queue against a put. The timeout sweeps 1 to 256 ns and the put's lateness 0
 * to 1008 spins, sample by sample, so that the put regularly lands right as the take gives up
 * (with a fixed long timeout the put nearly always lands first and the race is rarely run).
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
    private final int lateness;

    public QueueTakeRace(RaceQueue queue, int sample) {
        this.queue = queue;
        this.timeoutNanos = 1 + (sample & 255);
        this.lateness = ((sample >>> 8) & 63) * 16;
    }

    /** Actor 1: r1 is 1 if the timed take got the item. */
    public void taker(II_Result r) {
        r.r1 = queue.poll(timeoutNanos) != null ? 1 : 0;
    }

    /** Actor 2: puts one item, 0 to 1008 spins late. */
    public void putter() {
        for (int i = 0; i < lateness; i++) {
            Thread.onSpinWait(); // sweeps the put across the taker's deadline
        }
        queue.put(1);
    }

    /** r2: the items left in the queue. */
    public void arbiter(II_Result r) {
        r.r2 = queue.size();
    }
}
