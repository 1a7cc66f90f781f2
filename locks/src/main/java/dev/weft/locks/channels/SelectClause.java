package dev.weft.locks.channels;

/**
 * One operation a {@link Select} may perform: receive from a channel
 * ({@link Channel#onReceive()}) or send an item to one ({@link Channel#onSend(Object)}).
 * Immutable; a receive clause is one instance per channel and may be reused in any number of
 * selects, and so may a send clause (it sends the same item each time it wins).
 *
 * @param <E> the channel's item type
 */
public final class SelectClause<E> {
    final Channel<E> channel;
    final boolean send;
    final E item;

    SelectClause(Channel<E> channel, boolean send, E item) {
        this.channel = channel;
        this.send = send;
        this.item = item;
    }

    /** The channel this clause sends to or receives from. */
    public Channel<E> channel() {
        return channel;
    }

    /** Whether this clause sends (else it receives). */
    public boolean isSend() {
        return send;
    }

    @Override
    public String toString() {
        return (send ? "send " + item + " to " : "receive from ") + channel;
    }
}
