package dev.weft.locks.channels;

/**
 * Thrown by a send on a closed {@link Channel}, and by a receive once a closed channel is
 * drained. Its cause is the error the channel was closed with ({@link Channel#close(Throwable)}),
 * or null if it was closed as done ({@link Channel#close()}). Unchecked, like Go's
 * closed-channel panic and Kotlin's {@code ClosedSendChannelException}: a closed channel is the
 * end of a stream, which a loop over the channel ({@link Channel#iterator()}) handles without it.
 */
public final class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ChannelClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
