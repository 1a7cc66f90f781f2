package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The shape of {@code Lock_06_FifoPreQueued}: two fibers of {@code ActorCarrier} hub 0 queue,
 * in order, for a permit of an empty semaphore before the actors start; one actor releases one
 * permit, the other tries to barge in with {@code tryAcquire()}; the arbiter waits for the hub
 * to settle and reads who got the permit, then kills both fibers. One instance per sample.
 */
public final class FifoPreQueuedShape {
    private final Permits semaphore;
    private volatile int firstGot;
    private volatile int secondGot;
    private final Fiber<Void> first;
    private final Fiber<Void> second;

    /** @param semaphore an empty semaphore */
    public FifoPreQueuedShape(Permits semaphore) {
        this.semaphore = semaphore;
        first = ActorCarrier.unstarted(() -> {
            semaphore.acquire();
            firstGot = 1;
        });
        second = ActorCarrier.unstarted(() -> {
            semaphore.acquire();
            secondGot = 1;
        });
        ActorCarrier.startAndAwaitSuspension(first);
        ActorCarrier.startAndAwaitSuspension(second);
    }

    public void releaser() {
        semaphore.release();
    }

    public void barger(III_Result r) {
        r.r1 = semaphore.tryAcquire() ? 1 : 0;
    }

    public void holders(III_Result r) {
        ActorCarrier.settle();
        r.r2 = firstGot;
        r.r3 = secondGot;
        ActorCarrier.killAndAwait(first);
        ActorCarrier.killAndAwait(second);
    }
}
