package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shape of {@code Handoff_01_WokenFromThreadRunsOnce}: a strand of {@code ActorCarrier}
 * hub 0 raises a flag, spins 0 to 63 times (varying per sample), queues a probe behind itself
 * and parks, counts its resumption and parks again; one actor starts it, the other unparks it
 * once the flag is up. The arbiter waits for the hub to settle and reads how often the strand
 * resumed and whether its first park really suspended. One instance per sample.
 */
public final class WokenFromThreadShape {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int lateness = SAMPLES.incrementAndGet() & 63;
    private volatile boolean started;
    private volatile boolean suspended;
    private int resumptions;
    private boolean firstSuspended;
    private final ParkSubject strand;

    public WokenFromThreadShape(ParkSubject.Factory factory) {
        this.strand = factory.create(this::body);
    }

    private void body() {
        started = true;
        for (int i = 0; i < lateness; i++) {
            Thread.onSpinWait(); // sweeps the park across the unpark, sample by sample
        }
        strand.probeBehind(() -> suspended = true);
        strand.park();
        firstSuspended = suspended;
        resumptions++;
        strand.park();
        resumptions++;
    }

    public void carrier() {
        strand.start();
    }

    public void waker() {
        ActorCarrier.awaitFlag(() -> started);
        strand.unpark();
    }

    public void count(II_Result r) {
        strand.settleAndEnd();
        r.r1 = resumptions;
        r.r2 = firstSuspended ? 1 : 0;
    }
}
