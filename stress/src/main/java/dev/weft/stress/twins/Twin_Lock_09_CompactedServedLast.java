package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.Lock_09_CompactionKeepsFifo;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Lock_09_CompactionKeepsFifo's shape (fiber A
 * queued on hub 0 and 15 timed-out acquires behind it; one actor times out one more acquire
 * after 0 to 1020 spins, and its cancel compacts the queue; the other starts fiber B on hub 1,
 * waits until it is parked, and releases one permit; the arbiter reports who holds the
 * permit) on BrokenSemaphore with COMPACTED_SERVED_LAST: the drainer serves the queue before
 * the compacted front, so when the compaction moved A out before B queued, the release goes
 * to B: outcome "0, 0, 1, 0", which Lock_09 forbids.
 *
 * Run: ./weft stress quick Twin_Lock_09
 */
@JCStressTest
@Outcome(id = "0, 1, 0, 0", expect = ACCEPTABLE, desc = "A, queued first, got the permit; B still waits; the timed acquire timed out.")
@Outcome(id = "0, 0, 1, 0", expect = FORBIDDEN, desc = "B got the permit ahead of A: the compaction broke the arrival order.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The permit was lost or duplicated, or the timed acquire barged.")
@Description("Negative control of Lock_09: a compaction whose moved waiters are served after later arrivals.")
@NegativeControl(of = Lock_09_CompactionKeepsFifo.class, defect = "the drainer serves the queue before the compacted front: later arrivals overtake the moved waiters")
@State
public class Twin_Lock_09_CompactedServedLast {
    private static final AtomicInteger SAMPLES = new AtomicInteger();
    private static final int CANCELLED_BEFORE = BrokenSemaphore.COMPACT_AT - 1;

    private final int lateness = (SAMPLES.incrementAndGet() & 255) * 4;
    private final BrokenSemaphore semaphore = new BrokenSemaphore(BrokenSemaphore.Defect.COMPACTED_SERVED_LAST, 0);
    private volatile int aGot;
    private volatile int bGot;
    private final Fiber<Void> a = ActorCarrier.unstarted(0, () -> {
        semaphore.acquire();
        aGot = 1;
    });
    private final Fiber<Void> b = ActorCarrier.unstarted(1, () -> {
        semaphore.acquire();
        bGot = 1;
    });

    public Twin_Lock_09_CompactedServedLast() {
        ActorCarrier.startAndAwaitSuspension(a);
        Fiber<Void> timedOut = ActorCarrier.unstarted(0, () -> {
            for (int i = 0; i < CANCELLED_BEFORE; i++) {
                if (semaphore.tryAcquire(1L)) {
                    throw new AssertionError("a timed acquire behind a queued fiber got a permit nobody released");
                }
            }
        });
        ActorCarrier.start(timedOut);
        ActorCarrier.awaitEnd(timedOut);
    }

    @Actor
    public void compactor(IIII_Result r) {
        for (int i = 0; i < lateness; i++) {
            Thread.onSpinWait(); // sweeps the compaction across B's enqueue and the release
        }
        r.r1 = semaphore.tryAcquire(1L) ? 1 : 0;
    }

    @Actor
    public void queuerAndReleaser() {
        ActorCarrier.startAndAwaitSuspension(b);
        semaphore.release();
    }

    @Arbiter
    public void holders(IIII_Result r) {
        ActorCarrier.settle();
        r.r2 = aGot;
        r.r3 = bGot;
        r.r4 = semaphore.availablePermits();
        ActorCarrier.killAndAwait(a);
        ActorCarrier.killAndAwait(b);
    }
}
