package dev.weft.locks;

import java.util.Comparator;
import java.util.Objects;

/**
 * A {@link Queue} whose takes get the least stored item first, by natural order or a
 * {@link Comparator} (gevent's {@code PriorityQueue}, heap order, P10c; equal items come out in
 * no particular order, as in {@link java.util.PriorityQueue}). Everything else is the queue's:
 * blocked takers and putters are still served in the order they began to wait.
 *
 * <p>Not {@link java.util.PriorityQueue}: this one blocks. Items without a natural order need a
 * comparator; the first put of one without it fails with {@link ClassCastException}.
 *
 * <p>The order ({@code compareTo} or the comparator) runs while the queue's short spin lock is
 * held, as it must to keep the heap consistent: keep it quick, and never let it block or touch
 * this queue (strands waiting for the lock spin meanwhile).
 *
 * @param <E> the item type
 */
public final class PriorityQueue<E> extends Queue<E> {
    /** An unbounded queue in natural order. */
    public PriorityQueue() {
        super(Integer.MAX_VALUE, new java.util.PriorityQueue<>());
    }

    /** An unbounded queue in {@code order}. */
    public PriorityQueue(Comparator<? super E> order) {
        super(Integer.MAX_VALUE, new java.util.PriorityQueue<>(Objects.requireNonNull(order, "order")));
    }

    /**
     * A queue of at most {@code maxSize} items in natural order.
     *
     * @throws IllegalArgumentException if {@code maxSize} is not positive
     */
    public PriorityQueue(int maxSize) {
        super(checked(maxSize), new java.util.PriorityQueue<>());
    }

    /**
     * A queue of at most {@code maxSize} items in {@code order}.
     *
     * @throws IllegalArgumentException if {@code maxSize} is not positive
     */
    public PriorityQueue(int maxSize, Comparator<? super E> order) {
        super(checked(maxSize), new java.util.PriorityQueue<>(Objects.requireNonNull(order, "order")));
    }
}
