package dev.weft.stress.shapes;

import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Lock_04_TimedAcquireVsRelease}: one actor calls {@code tryAcquire} with a
 * timeout of 1 to 256 ns on an empty semaphore, the other releases after 0 to 1008 spins (both
 * varying per sample, so the release sweeps across the acquirer's deadline); the arbiter reads
 * the permits left. One instance per sample.
 */
public final class TimedAcquireShape {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int sample = SAMPLES.incrementAndGet();
    private final long timeoutNanos = 1 + (sample & 255);
    private final int lateness;
    private final Permits semaphore;

    /**
     * @param semaphore an empty semaphore
     * @param latenessStep spins per lateness step (63 steps)
     */
    public TimedAcquireShape(Permits semaphore, int latenessStep) {
        this.semaphore = semaphore;
        this.lateness = ((sample >>> 8) & 63) * latenessStep;
    }

    public void acquirer(II_Result r) {
        r.r1 = semaphore.tryAcquire(timeoutNanos) ? 1 : 0;
    }

    public void releaser() {
        for (int i = 0; i < lateness; i++) {
            Thread.onSpinWait(); // sweeps the release across the acquirer's deadline
        }
        semaphore.release();
    }

    public void left(II_Result r) {
        r.r2 = semaphore.availablePermits();
    }
}
