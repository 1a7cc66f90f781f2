package dev.weft.locks;

import java.util.ArrayDeque;
import java.util.Collections;

/**
 * A {@link Queue} whose takes get the most recently stored item first (stack order; gevent's
 * {@code LifoQueue}, P10c). Everything else is the queue's: blocked takers and putters are still
 * served in the order they began to wait, and an item a leaving taker hands back goes on top.
 *
 * @param <E> the item type
 */
public final class LifoQueue<E> extends Queue<E> {
    /** An unbounded stack. */
    public LifoQueue() {
        super(Integer.MAX_VALUE, Collections.asLifoQueue(new ArrayDeque<>()));
    }

    /**
     * A stack of at most {@code maxSize} items.
     *
     * @throws IllegalArgumentException if {@code maxSize} is not positive
     */
    public LifoQueue(int maxSize) {
        super(checked(maxSize), Collections.asLifoQueue(new ArrayDeque<>()));
    }
}
