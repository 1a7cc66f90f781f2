package dev.weft.stress.shapes;

/**
 * What the park shapes ({@link UnparkBeforeParkShape}, {@link TwoUnparksShape},
 * {@link WokenFromThreadShape}) need from a strand of {@code ActorCarrier} hub 0 that parks: a
 * plain fiber ({@link RealParkSubject}), or a twin's copy of the park handshake with one step
 * broken. One instance per strand, made with its body.
 */
public interface ParkSubject {
    /** Queues the strand's first segment on hub 0 (call once). */
    void start();

    /** Parks the strand (called by its body). */
    void park();

    /** Unparks the strand (from any thread). */
    void unpark();

    /** Called by the strand's body: queues {@code probe} on hub 0, behind the strand. */
    void probeBehind(Runnable probe);

    /** Waits until hub 0 has run what was queued, then ends the strand if it is still parked. */
    void settleAndEnd();

    /** Makes the subject that runs {@code body}. */
    @FunctionalInterface
    interface Factory {
        ParkSubject create(Runnable body);
    }
}
