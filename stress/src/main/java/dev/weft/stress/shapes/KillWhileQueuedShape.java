package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The shape of {@code Lock_05_KillWhileQueuedVsRelease}: a fiber of {@code ActorCarrier} hub 0
 * acquires a permit of an empty semaphore; one actor starts it and kills it once it is queued,
 * the other releases one permit; the arbiter reads whether the fiber got the permit and the
 * permits left. One instance per sample.
 */
public final class KillWhileQueuedShape {
    private final Permits semaphore;
    private volatile int acquired;
    private final Fiber<Void> waiter;

    /** @param semaphore an empty semaphore */
    public KillWhileQueuedShape(Permits semaphore) {
        this.semaphore = semaphore;
        this.waiter = ActorCarrier.unstarted(() -> {
            semaphore.acquire();
            acquired = 1;
        });
    }

    public void carrierAndKiller() {
        ActorCarrier.start(waiter);
        ActorCarrier.awaitFlag(() -> semaphore.queueLength() > 0 || waiter.isDone());
        waiter.kill();
    }

    public void releaser() {
        semaphore.release();
    }

    public void left(II_Result r) {
        r.r1 = ActorCarrier.awaitEnd(waiter) ? acquired : -1;
        r.r2 = semaphore.availablePermits();
    }
}
