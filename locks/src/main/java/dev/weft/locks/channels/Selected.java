package dev.weft.locks.channels;

/**
 * The clause that won a {@link Select}: its index among the clauses passed, and what it did
 * (the item a receive clause took; the channel's closing, if it found it closed and drained).
 */
public final class Selected {
    private final int index;
    private final SelectClause<?> clause;
    private final Object item;
    private final boolean closed;

    Selected(int index, SelectClause<?> clause, Object item, boolean closed) {
        this.index = index;
        this.clause = clause;
        this.item = item;
        this.closed = closed;
    }

    /** The winning clause's index among the clauses passed to the select (from 0). */
    public int index() {
        return index;
    }

    /** The winning clause. */
    public SelectClause<?> clause() {
        return clause;
    }

    /** Whether {@code c} is the winning clause. */
    public boolean is(SelectClause<?> c) {
        return clause == c;
    }

    /**
     * Whether the winning clause is a receive that found its channel closed and drained (a
     * select does not wait for a channel that can never deliver again).
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * The item the winning clause received (or sent, for a send clause).
     *
     * @param c the winning clause: passing it states the item's type
     * @throws IllegalArgumentException if {@code c} is not the winning clause (test {@link #is} first)
     * @throws ChannelClosedException if the clause found its channel closed and drained (its
     *                                cause is the channel's error, if it was closed with one)
     */
    @SuppressWarnings("unchecked")
    public <E> E value(SelectClause<E> c) {
        if (c != clause) {
            throw new IllegalArgumentException("value(" + c + "): the clause that won is #" + index + ", " + clause
                    + "; test is(clause) or index() first");
        }
        if (closed) {
            throw clause.channel.closedForReceive();
        }
        return (E) item;
    }

    @Override
    public String toString() {
        return "Selected[#" + index + ", " + clause + (closed ? ", closed" : clause.send ? "" : ", item " + item) + "]";
    }
}
