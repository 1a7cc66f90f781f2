package dev.weft.stress.shapes;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;

/** A plain fiber of {@code ActorCarrier} hub 0 as the park shapes' subject. */
public final class RealParkSubject implements ParkSubject {
    private final Fiber<Void> fiber;

    public RealParkSubject(Runnable body) {
        fiber = ActorCarrier.unstarted(body);
    }

    @Override
    public void start() {
        ActorCarrier.start(fiber);
    }

    @Override
    public void park() {
        Strand.park();
    }

    @Override
    public void unpark() {
        fiber.unpark();
    }

    @Override
    public void probeBehind(Runnable probe) {
        ActorCarrier.probeFromFiber(probe);
    }

    @Override
    public void settleAndEnd() {
        ActorCarrier.settle();
        ActorCarrier.killAndAwait(fiber);
    }
}
