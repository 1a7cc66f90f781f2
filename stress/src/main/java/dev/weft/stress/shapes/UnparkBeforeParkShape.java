package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The shape of {@code Park_02_UnparkBeforePark}: one actor unparks a strand of
 * {@code ActorCarrier} hub 0 before it started, the other then starts it; the strand queues a
 * probe behind itself and parks, so the park returned at once if and only if the strand runs on
 * before the probe; then it parks again. The arbiter waits for the hub to settle and reads
 * whether the first park returned at once. One instance per sample.
 */
public final class UnparkBeforeParkShape {
    private volatile boolean unparked;
    private volatile boolean suspended;
    private boolean returnedAtOnce;
    private final ParkSubject strand;

    public UnparkBeforeParkShape(ParkSubject.Factory factory) {
        this.strand = factory.create(this::body);
    }

    private void body() {
        strand.probeBehind(() -> suspended = true);
        strand.park();
        returnedAtOnce = !suspended;
        strand.park();
    }

    public void waker() {
        strand.unpark();
        unparked = true;
    }

    public void carrier() {
        ActorCarrier.awaitFlag(() -> unparked);
        strand.start();
    }

    public void result(I_Result r) {
        strand.settleAndEnd();
        r.r1 = returnedAtOnce ? 1 : 0;
    }
}
