package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.infra.results.I_Result;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Carrier_02_IdleCarrierWakes}: a strand runs a first step on a carrier of a
 * group and raises a flag, after which its carrier has nothing to do; a waker waits for the flag,
 * then 0 to 46.5 µs (varying per sample, in steps of 1.5 µs), and wakes the strand from a platform
 * thread. The delays sweep the wake-up across the carrier's idle phases: still busy, spinning
 * for work (it must see the wake-up in its spin or in its last look before it parks), parking,
 * parked (the waker must unpark it). The arbiter reads whether the second step ran, and whether
 * the subject saw its carrier sleep through the wake-up. One instance per sample.
 */
public final class IdleCarrierWakeShape {
    /** A strand on a carrier that idles between its two steps: a plain fiber, or a twin's copy of the idle loop. */
    public interface Subject {
        /** Runs the first step on the carrier. */
        void start();

        /** Makes the second step run (from another thread). */
        void wake();

        /** Whether the carrier slept through the wake-up (only a twin can tell: a real carrier that did would leave the second step unrun). */
        boolean sleptThrough();

        /** Ends a strand that hung (called after the bounded wait for it ran out). */
        void abandon();
    }

    /** Makes the subject whose first step runs {@code first} and whose second step runs {@code second}. */
    @FunctionalInterface
    public interface Factory {
        Subject create(Runnable first, Runnable second);
    }

    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final long wakeDelayNanos = (SAMPLES.incrementAndGet() & 31) * 1_500L;
    private volatile boolean started;
    private volatile boolean woken;
    private final Subject strand;

    public IdleCarrierWakeShape(Factory factory) {
        this.strand = factory.create(() -> started = true, () -> woken = true);
    }

    public void sleeper() {
        strand.start();
    }

    public void waker() {
        ActorCarrier.awaitFlag(() -> started);
        long until = System.nanoTime() + wakeDelayNanos;
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
        strand.wake();
    }

    public void woken(I_Result r) {
        if (!ActorCarrier.awaitFlag(() -> woken)) {
            r.r1 = -1;
            strand.abandon();
            return;
        }
        r.r1 = strand.sleptThrough() ? 0 : 1;
    }
}
