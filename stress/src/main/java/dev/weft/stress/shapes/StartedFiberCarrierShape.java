package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Carrier_01_StartedFiberKeepsCarrier}: a strand of the shared two-carrier
 * group notes its carrier, raises a flag, spins 0 to 63 times (varying per sample), queues a
 * probe behind itself and parks, then notes its carrier again; one actor starts it, the other
 * unparks it once the flag is up. The arbiter reads whether both carriers are the same thread
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

    private final int lateness = SAMPLES.incrementAndGet() & 63;
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
