package dev.weft.explore.corpus;

import dev.weft.fibers.Strand;

import java.util.ArrayDeque;

/**
 * A hand-off mailbox for one taker at a time (a corpus helper, not library code): {@code put}
 * gives the item straight to a waiting taker, or queues it. Its one variable step is what a take
 * that is aborted at its park (a {@link dev.weft.fibers.Timeout} or a kill) does with an item
 * handed to it in the same instant: the fixed mailbox puts it back at the head, the broken one drops
 * it (the stress module's twins Lock_04 CancelDropsGrant and Channel_03 KillDropsItem, on one hub).
 * Used on one scheduler only, so plain fields suffice.
 */
final class Mailbox<T> {

    private final boolean keepsHandedItemOnAbort;
    private final ArrayDeque<T> items = new ArrayDeque<>();
    /** The taker parked in {@link #take}, or null. */
    private Strand taker;
    /** The item {@link #put} handed to {@link #taker}, or null. */
    private T handed;

    Mailbox(boolean keepsHandedItemOnAbort) {
        this.keepsHandedItemOnAbort = keepsHandedItemOnAbort;
    }

    /** Takes the next item, waiting for one. Suspends at {@link Strand#park()}. */
    T take() {
        T ready = items.pollFirst();
        if (ready != null) {
            return ready;
        }
        taker = Strand.current();
        try {
            while (handed == null) {
                Strand.park();
            }
            return handed;
        } catch (Throwable aborted) {
            if (keepsHandedItemOnAbort && handed != null) {
                items.addFirst(handed);
            }
            throw aborted;
        } finally {
            handed = null;
            taker = null;
        }
    }

    /** Hands {@code item} to the waiting taker, or queues it. Never suspends. */
    void put(T item) {
        if (taker != null && handed == null) {
            handed = item;
            taker.unpark();
        } else {
            items.addLast(item);
        }
    }

    int size() {
        return items.size();
    }
}
