package dev.weft.stress.locks;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.locks.Semaphore;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Semaphore guarantees 1 and 4 across a compaction of the wait queue. When cancelled
 * nodes outnumber the live waiters behind a head that waits for long, the drainer moves the
 * live ones out of the MPSC queue into its private front deque, which it serves first. A
 * strand that queues and a release that come during or after that compaction must still see
 * the waiters served in arrival order, and the permit is neither lost nor duplicated.
 *
 * Interleaving: the state's constructor queues fiber A (hub 0), then a helper fiber times out
 * 15 acquires behind it: one short of a compaction (WaiterQueue.COMPACT_AT is 16 cancelled
 * nodes, when they outnumber the live waiters). The first actor, after 0 to 1020 spins
 * (varied sample by sample), times out one more acquire from a platform thread: its cancel
 * compacts the queue, moving A to the front deque. The second actor starts fiber B (hub 1),
 * waits until B is queued and parked, and releases one permit: B's enqueue and the release
 * land before, during or after the compaction. The arbiter waits for the hubs to go quiet and
 * reports who holds the permit.
 *
 * Run: ./weft stress quick Lock_09
 */
@JCStressTest
@Outcome(id = "0, 1, 0, 0", expect = ACCEPTABLE, desc = "A, queued first, got the permit; B still waits; the timed acquire timed out.")
@Outcome(id = "0, 0, 1, 0", expect = FORBIDDEN, desc = "B got the permit ahead of A: the compaction broke the arrival order.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The permit was lost or duplicated, or the timed acquire barged.")
@Description("A compaction of the wait queue racing an enqueue and a release keeps FIFO order and the permit count.")
@State
public class Lock_09_CompactionKeepsFifo {
    private static final AtomicInteger SAMPLES = new AtomicInteger();
    /** One short of the cancelled nodes that make a compaction due (WaiterQueue.COMPACT_AT). */
    private static final int CANCELLED_BEFORE = 15;

    private final int lateness = (SAMPLES.incrementAndGet() & 255) * 4;
    private final Semaphore semaphore = new Semaphore(0);
    private volatile int aGot;
    private volatile int bGot;
    private final Fiber<Void> a = ActorCarrier.unstarted(0, () -> {
        semaphore.acquireUninterruptibly();
        aGot = 1;
    });
    private final Fiber<Void> b = ActorCarrier.unstarted(1, () -> {
        semaphore.acquireUninterruptibly();
        bGot = 1;
    });

    public Lock_09_CompactionKeepsFifo() {
        ActorCarrier.startAndAwaitSuspension(a);
        Fiber<Void> timedOut = ActorCarrier.unstarted(0, () -> {
            for (int i = 0; i < CANCELLED_BEFORE; i++) {
                if (timedAcquire()) {
                    throw new AssertionError("a timed acquire behind a queued fiber got a permit nobody released");
                }
            }
        });
        ActorCarrier.start(timedOut);
        ActorCarrier.awaitEnd(timedOut);
    }

    private boolean timedAcquire() {
        try {
            return semaphore.tryAcquire(Duration.ofNanos(1));
        } catch (InterruptedException e) {
            throw new AssertionError("jcstress interrupted a timed acquire", e);
        }
    }

    @Actor
    public void compactor(IIII_Result r) {
        for (int i = 0; i < lateness; i++) {
            Thread.onSpinWait(); // sweeps the compaction across B's enqueue and the release
        }
        r.r1 = timedAcquire() ? 1 : 0;
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
