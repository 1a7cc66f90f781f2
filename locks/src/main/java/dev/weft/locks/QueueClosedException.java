package dev.weft.locks;

/**
 * Thrown by a put on a closed {@link Queue}, and by a take on a closed queue that has no item
 * left: the queue's "closed" signal (gevent's {@code ShutDown}, Python's {@code queue.ShutDown}).
 * A producer stops producing when it sees it; a consumer has taken every item.
 */
public final class QueueClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** With a message that says which operation met the closed queue. */
    public QueueClosedException(String message) {
        super(message);
    }
}
