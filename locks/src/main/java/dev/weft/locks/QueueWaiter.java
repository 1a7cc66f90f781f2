package dev.weft.locks;

import dev.weft.fibers.Strand;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One strand blocked in a {@link Queue}: a getter waiting for an item, or a putter waiting
 * with its item for room. Allocated by the waiting strand, once per wait.
 *
 * <h2>States</h2>
 * The strand that serves the node (under the queue's lock) and the waiting strand (outside
 * it) race by CAS to move it out of {@code WAITING}: exactly one wins, so an item is either
 * handed over or not, never both.
 * <pre>
 *   from      to         by                   when
 *   WAITING   GRANTED    a putter or taker    getter: {@link #item} handed to it (written
 *                        (CAS, under lock)   before the CAS); putter: its item accepted
 *   WAITING   CLOSED     the closer (CAS)     the queue was closed: a getter found nothing
 *                                             left, a putter's item is refused
 *   WAITING   CANCELLED  waiting strand (CAS) timed out, killed, interrupted; it then unlinks
 *                                             the node under the lock
 *   others    -          final. A strand that loses the race to cancel owns the outcome: a
 *                        getter keeps the item or hands it on; a putter's item is in the queue
 * </pre>
 *
 * @param <E> the item type
 */
final class QueueWaiter<E> {
    static final int WAITING = 0;
    static final int GRANTED = 1;
    static final int CLOSED = 2;
    static final int CANCELLED = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(QueueWaiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Strand strand;
    /**
     * A putter's item (set at construction), or the item handed to a getter (written before
     * the GRANTED CAS, read by the getter after it saw GRANTED).
     */
    E item;
    private volatile int state;

    QueueWaiter(Strand strand, E item) {
        this.strand = strand;
        this.item = item;
    }

    int lvState() {
        return state;
    }

    /** WAITING -> GRANTED, handing {@code handed} to a getter. @return false if it left first */
    boolean casGranted(E handed) {
        item = handed;
        return STATE.compareAndSet(this, WAITING, GRANTED);
    }

    /** WAITING -> GRANTED for a putter whose item was accepted. @return false if it left first */
    boolean casAccepted() {
        return STATE.compareAndSet(this, WAITING, GRANTED);
    }

    /** WAITING -> CLOSED. @return false if it left or was served first */
    boolean casClosed() {
        return STATE.compareAndSet(this, WAITING, CLOSED);
    }

    /** WAITING -> CANCELLED; only the waiting strand. @return false if it was served or closed first */
    boolean casCancelled() {
        return STATE.compareAndSet(this, WAITING, CANCELLED);
    }

    @Override
    public String toString() {
        return "QueueWaiter[" + strand.name() + ", " + switch (state) {
            case WAITING -> "waiting";
            case GRANTED -> "granted";
            case CLOSED -> "closed";
            default -> "cancelled";
        } + "]";
    }
}
