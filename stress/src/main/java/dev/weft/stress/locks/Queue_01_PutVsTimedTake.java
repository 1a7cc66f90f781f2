package dev.weft.stress.locks;

import dev.weft.locks.Queue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Queue guarantee 4, a timed take cut at its deadline never loses an item. The put hands
 * the item to the queued taker by a CAS of its node (WAITING -> GRANTED, item written first);
 * the taker, at its deadline, CASes its node WAITING -> CANCELLED. Exactly one CAS wins: the
 * taker returns the item (it lost) or leaves without it and the put stores the item (it won).
 *
 * Interleaving: QueueTakeRace. One platform thread raises a flag, spins 0 to 31 times and polls
 * an empty queue with a timeout of 1 to 256 ns (it queues its node, then finds its deadline
 * passed and tries to cancel); the other waits for the flag and puts one item, so the hand-over
 * regularly meets the cancel. The arbiter reads the items left.
 *
 * Run: ./weft stress quick Queue_01
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The take got the item (before or at its deadline).")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The take timed out; the item stayed queued.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The item was lost or duplicated.")
@Description("A put racing a timed take at its deadline neither loses nor duplicates the item.")
@State
public class Queue_01_PutVsTimedTake {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final Queue<Integer> queue = new Queue<>();
    private final QueueTakeRace race = new QueueTakeRace(new QueueTakeRace.RaceQueue() {
        @Override
        public Integer poll(long nanos) {
            try {
                return queue.poll(Duration.ofNanos(nanos));
            } catch (InterruptedException e) {
                throw new AssertionError("jcstress interrupted the taker", e);
            }
        }

        @Override
        public void put(Integer item) {
            queue.offer(item);
        }

        @Override
        public int size() {
            return queue.size();
        }
    }, SAMPLES.incrementAndGet());

    @Actor
    public void taker(II_Result r) {
        race.taker(r);
    }

    @Actor
    public void putter() {
        race.putter();
    }

    @Arbiter
    public void left(II_Result r) {
        race.arbiter(r);
    }
}
