package dev.weft.stress.shapes;

import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Lock_07_ReleaseHappensBeforeAcquire}: one actor writes two plain fields
 * after 0 to 63 spins (varying per sample) and releases a permit of an empty semaphore, the
 * other acquires it and reads the fields. One instance per sample.
 */
public final class ReleaseHappensBeforeShape {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int lateness = SAMPLES.incrementAndGet() & 63;
    private final Permits semaphore;
    private int x;
    private int y;

    /** @param semaphore an empty semaphore */
    public ReleaseHappensBeforeShape(Permits semaphore) {
        this.semaphore = semaphore;
    }

    public void releaser() {
        for (int i = 0; i < lateness; i++) {
            Thread.onSpinWait(); // sweeps the release across the acquirer's fast path, queueing and park
        }
        x = 1;
        y = 2;
        semaphore.release();
    }

    public void acquirer(II_Result r) {
        semaphore.acquire();
        r.r1 = x;
        r.r2 = y;
    }
}
