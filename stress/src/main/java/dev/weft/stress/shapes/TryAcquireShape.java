package dev.weft.stress.shapes;

import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The shape of {@code Lock_02_TryAcquireConservesPermits}: two actors race {@code tryAcquire()}
 * on a one-permit semaphore; the arbiter reads the permits left. One instance per sample.
 */
public final class TryAcquireShape {
    private final Permits semaphore;

    /** @param semaphore a semaphore with one permit */
    public TryAcquireShape(Permits semaphore) {
        this.semaphore = semaphore;
    }

    public void first(III_Result r) {
        r.r1 = semaphore.tryAcquire() ? 1 : 0;
    }

    public void second(III_Result r) {
        r.r2 = semaphore.tryAcquire() ? 1 : 0;
    }

    public void left(III_Result r) {
        r.r3 = semaphore.availablePermits();
    }
}
