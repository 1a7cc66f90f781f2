package dev.weft.fibers.internal.io;

import java.nio.channels.SelectableChannel;

/**
 * A non-blocking channel as Weft's pollers see it: the channel, and whether a close of it has
 * begun. A socket class owns one and hands it to every {@link Poller} call.
 *
 * <p>Why the flag: a close must wake every strand waiting on the channel, and finds them
 * through the channel's selection keys. It raises {@code closing} before it looks for keys,
 * and a poller checks {@code closing} after it registered a waiter; the key lookup and the
 * registration both take the channel's key lock, so either the close finds the new key or the
 * poller sees the flag and wakes the waiter itself. Without the flag a key registered while
 * the close looks the other way, and deregistered before it looks again, would strand its
 * waiter.
 */
public final class PolledChannel {
    final SelectableChannel channel;
    /** Set once by the closer before it looks for the channel's keys; never cleared. */
    volatile boolean closing;

    public PolledChannel(SelectableChannel channel) {
        this.channel = channel;
    }

    @Override
    public String toString() {
        return channel.toString();
    }
}
