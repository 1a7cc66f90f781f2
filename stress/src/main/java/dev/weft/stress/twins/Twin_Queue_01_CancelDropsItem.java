package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.QueueTakeRace;
import dev.weft.stress.locks.Queue_01_PutVsTimedTake;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Queue_01_PutVsTimedTake's actor bodies
 * (QueueTakeRace: a platform thread's timed take on an empty queue vs a put; the arbiter reads
 * the items left) on BrokenQueue, whose timed take returns null at its deadline even when it
 * lost the cancel CAS to the put's hand-over: the item is neither returned nor queued, outcome
 * "0, 0", the lost item Queue_01 forbids.
 *
 * Run: ./weft stress quick Twin_Queue_01
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The take got the item (before or at its deadline).")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The take timed out; the item stayed queued.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The item was lost or duplicated.")
@Description("Negative control of Queue_01: a timed take that drops an item handed over at its deadline.")
@NegativeControl(of = Queue_01_PutVsTimedTake.class, defect = "a timed take that loses the race to cancel returns null and drops the handed-over item")
@State
public class Twin_Queue_01_CancelDropsItem {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final QueueTakeRace race = new QueueTakeRace(new BrokenQueue(), SAMPLES.incrementAndGet());

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
