package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Carrier_01_StartedFiberKeepsCarrier}: a strand of the shared two-carrier
 * group notes its carrier, raises a flag, spins 0 to 63 times (varying per sample), queues a
 * probe behind itself and parks, then notes its carrier again; one actor starts it, the other
 * unparks it 0 to 45 µs (varying per sample) after the flag is up, so that the unpark also
 * meets the home carrier idle: spinning, parking or parked. The arbiter reads whether both carriers are the same thread
 * and whether the park really suspended. One instance per sample.
 */
public final class StartedFiberCarrierShape {
    /** A strand of the group: a plain fiber, or a twin's copy of the group's scheduling. */
    public interface Subject {
        void start();

        /** Parks the strand (called by its body). */
        void park();

        void unpark();

        /** Called by the strand's body: queues {@code probe} on its carrier, behind the strand. */
        void probeBehind(Runnable probe);

        /** Ends a strand that hung (called after the bounded wait for it ran out). */
        void abandon();
    }

    /** Makes the subject that runs {@code body}. */
    @FunctionalInterface
    public interface Factory {
        Subject create(Runnable body);
    }

    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int sample = SAMPLES.incrementAndGet();
    private final int lateness = sample & 63;
    /**
     * How long the waker waits after the flag, 0 to 45 µs in steps of 3 µs (varying per sample,
     * independently of the lateness): so that the unpark also reaches the home carrier while it
     * spins idle (Hub.IDLE_SPIN_NANOS, 20 µs: the unparker only enqueues) and after it parked
     * (the unparker must unpark it), and across the change from one to the other.
     */
    private final long wakeDelayNanos = ((sample >>> 6) & 15) * 3_000L;
    private volatile boolean started;
    private volatile boolean suspended;
    private volatile boolean ended;
    private Thread before;
    private Thread after;
    private boolean firstSuspended;
    private final Subject strand;

    public StartedFiberCarrierShape(Factory factory) {
        this.strand = factory.create(this::body);
    }

    private void body() {
        before = ActorFibers.carrierNow();
        started = true;
        for (int i = 0; i < lateness; i++) {
            Thread.onSpinWait(); // sweeps the park across the unpark, sample by sample
        }
        strand.probeBehind(() -> suspended = true);
        strand.park();
        firstSuspended = suspended;
        after = ActorFibers.carrierNow();
        ended = true;
    }

    public void starter() {
        strand.start();
    }

    public void waker() {
        ActorCarrier.awaitFlag(() -> started);
        if (wakeDelayNanos > 0) {
            long until = System.nanoTime() + wakeDelayNanos;
            while (System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
        }
        strand.unpark();
    }

    public void carriers(II_Result r) {
        if (!ActorCarrier.awaitFlag(() -> ended)) {
            r.r1 = -1;
            strand.abandon();
            return;
        }
        r.r1 = before == after ? 1 : 0;
        r.r2 = firstSuspended ? 1 : 0;
    }
}
