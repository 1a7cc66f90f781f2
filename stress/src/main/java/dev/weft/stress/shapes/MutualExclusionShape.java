package dev.weft.stress.shapes;

import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Lock_01_SemaphoreMutualExclusion}: two actors each run a critical section
 * under a one-permit semaphore that reads a counter, spins 0 to 63 times (varying per sample,
 * so the other strand queues meanwhile) and writes it back plus one, and report the value they
 * wrote. One instance per sample.
 */
public final class MutualExclusionShape {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int hold = SAMPLES.incrementAndGet() & 63;
    private final Permits mutex;
    private int counter;

    /** @param mutex a semaphore with one permit */
    public MutualExclusionShape(Permits mutex) {
        this.mutex = mutex;
    }

    private int critical() {
        mutex.acquire();
        try {
            int seen = counter;
            for (int i = 0; i < hold; i++) {
                Thread.onSpinWait(); // keeps the holder inside while the other strand queues
            }
            counter = seen + 1;
            return seen + 1;
        } finally {
            mutex.release();
        }
    }

    public void first(II_Result r) {
        r.r1 = critical();
    }

    public void second(II_Result r) {
        r.r2 = critical();
    }
}
