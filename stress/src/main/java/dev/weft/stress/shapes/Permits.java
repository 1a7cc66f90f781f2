package dev.weft.stress.shapes;

/**
 * What the semaphore shapes ({@link MutualExclusionShape}, {@link TryAcquireShape},
 * {@link TimedAcquireShape}, {@link KillWhileQueuedShape}, {@link FifoPreQueuedShape},
 * {@link ReleaseHappensBeforeShape}) need from a semaphore: Weft's
 * {@code dev.weft.locks.Semaphore} ({@link #of}), or a twin's copy with one step broken.
 */
public interface Permits {
    /** Waits for a permit; a killed fiber leaves the queue and gets its {@code FiberExit}. */
    void acquire();

    boolean tryAcquire();

    /** Waits at most {@code nanos} for a permit. */
    boolean tryAcquire(long nanos);

    void release();

    int availablePermits();

    int queueLength();

    /** Weft's semaphore as the shapes' subject. */
    static Permits of(dev.weft.locks.Semaphore s) {
        return new Permits() {
            @Override
            public void acquire() {
                s.acquireUninterruptibly();
            }

            @Override
            public boolean tryAcquire() {
                return s.tryAcquire();
            }

            @Override
            public boolean tryAcquire(long nanos) {
                try {
                    return s.tryAcquire(java.time.Duration.ofNanos(nanos));
                } catch (InterruptedException e) {
                    throw new AssertionError("jcstress interrupted the acquirer", e);
                }
            }

            @Override
            public void release() {
                s.release();
            }

            @Override
            public int availablePermits() {
                return s.availablePermits();
            }

            @Override
            public int queueLength() {
                return s.queueLength();
            }
        };
    }
}
