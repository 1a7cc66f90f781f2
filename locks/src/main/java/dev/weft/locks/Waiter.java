package dev.weft.locks;

import dev.weft.fibers.Strand;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One strand waiting for permits of a {@link Semaphore} (in its {@link WaiterQueue}), or for a
 * signal of a {@link ReentrantLock} condition. Allocated by the waiting strand, once per wait;
 * never reused, because a cancelled node may stay linked after its strand has left.
 *
 * <h2>States</h2>
 * The waiting strand moves its node out of {@code NEW}; the drainer (the one strand that holds
 * the queue's drain token) or a condition's signaller and the waiting strand race, by CAS, to
 * move it out of {@code WAITING}: exactly one of them wins, so a node is granted or cancelled,
 * never both.
 * <pre>
 *   from      to         by                        when
 *   NEW       WAITING    waiting strand (store)    it is linked in the queue and counted in
 *                                                  the semaphore's waiter count (which drops
 *                                                  it again when it leaves WAITING)
 *   WAITING   GRANTED    drainer or signaller (CAS) permits deducted for it / a signal
 *   WAITING   CANCELLED  waiting strand (CAS)      timed out, killed, interrupted
 *   GRANTED   -          final: the strand owns the permits (or the signal)
 *   CANCELLED -          final: the drainer unlinks the node when it reaches the head, or
 *                                                  drops it when it compacts the queue
 * </pre>
 * Condition waiters start in {@code WAITING} (they are never counted): see
 * {@link ReentrantLock}.
 *
 * <p>A strand that loses the race to cancel owns the grant: it either keeps it (a timed acquire
 * that was granted at its deadline returns {@code true}) or passes it on (a killed fiber
 * releases the permits; an awaiter that is leaving with an error signals the next one).
 */
final class Waiter {
    static final int NEW = 0;
    static final int WAITING = 1;
    static final int GRANTED = 2;
    static final int CANCELLED = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The strand to unpark once this node is granted. */
    final Strand strand;
    /** How many permits the strand asks for (0 for a condition waiter). */
    final int permits;
    private volatile int state;

    Waiter(Strand strand, int permits, int initialState) {
        this.strand = strand;
        this.permits = permits;
        this.state = initialState;
    }

    int lvState() {
        return state;
    }

    /** NEW -> WAITING. Only the waiting strand calls this, after it counted the node. */
    void soWaiting() {
        STATE.setRelease(this, WAITING);
    }

    /**
     * WAITING -> GRANTED. The caller then unparks {@link #strand}.
     *
     * @return false if the strand cancelled first
     */
    boolean casGranted() {
        return STATE.compareAndSet(this, WAITING, GRANTED);
    }

    /**
     * WAITING -> CANCELLED. Only the waiting strand calls this.
     *
     * @return false if the node was granted first: the caller owns the grant
     */
    boolean casCancelled() {
        return STATE.compareAndSet(this, WAITING, CANCELLED);
    }

    boolean isGranted() {
        return state == GRANTED;
    }

    boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public String toString() {
        return "Waiter[" + strand.name() + ", " + permits + " permit(s), "
                + switch (state) {
                    case NEW -> "new";
                    case WAITING -> "waiting";
                    case GRANTED -> "granted";
                    default -> "cancelled";
                } + "]";
    }
}
