package dev.weft.stress.shapes;

import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Kill_01_KillVsCompletion}: a strand of {@code ActorCarrier} hub 0 raises a
 * flag, yields once and returns 42; one actor starts it, the other kills it (in odd samples once
 * the flag is up, in even ones at once); the arbiter waits for it to end and its hub to settle,
 * and reads whether it was killed, whether it has a value, and how often its completion callback
 * ran. One instance per sample.
 */
public final class KillVsCompletionShape {
    /** A killable strand: a plain fiber, or a twin's copy. */
    public interface Subject {
        void start();

        /** A suspension point of the strand (called by it): throws a pending kill. */
        void yieldNow();

        void kill();

        /** Waits, bounded, until the strand is done, then until its hub has run what was queued. */
        void awaitEndAndSettle();

        boolean isCancelled();

        Integer value();
    }

    /** Makes the subject: runs {@code body}, and {@code onComplete} once it is complete. */
    @FunctionalInterface
    public interface Factory {
        Subject create(Callable<Integer> body, Runnable onComplete);
    }

    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final boolean waitForStart = (SAMPLES.incrementAndGet() & 1) != 0;
    private final AtomicInteger callbacks = new AtomicInteger();
    private volatile boolean started;
    private final Subject strand;

    public KillVsCompletionShape(Factory factory) {
        this.strand = factory.create(this::body, callbacks::incrementAndGet);
    }

    private Integer body() {
        started = true;
        strand.yieldNow();
        return 42;
    }

    public void carrier() {
        strand.start();
    }

    public void killer() {
        if (waitForStart) {
            dev.weft.stress.harness.ActorCarrier.awaitFlag(() -> started);
        }
        strand.kill();
    }

    public void outcome(III_Result r) {
        strand.awaitEndAndSettle();
        r.r1 = strand.isCancelled() ? 1 : 0;
        r.r2 = strand.value() != null ? 1 : 0;
        r.r3 = callbacks.get();
    }
}
