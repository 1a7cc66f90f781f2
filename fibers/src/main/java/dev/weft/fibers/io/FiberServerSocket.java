package dev.weft.fibers.io;

import dev.weft.fibers.internal.io.PolledChannel;
import dev.weft.fibers.internal.io.Poller;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * A listening TCP socket whose {@link #accept} blocks only the calling fiber (a thread that
 * calls it blocks as a thread). Accepted connections are {@link FiberSocket}s.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>Bound and listening when a factory method returns; the backlog is 128 unless given.</li>
 *   <li>An accept that times out ({@link SocketTimeoutException}), or whose fiber is killed or
 *       timed out, takes no connection and leaves the listener usable: pending connections
 *       stay in the backlog for the next accept.</li>
 *   <li>{@link #close()} from any strand wakes every blocked {@code accept} with
 *       {@code SocketException("Socket closed")}; the descriptor is released when it returns.</li>
 * </ol>
 */
public final class FiberServerSocket implements AutoCloseable {
    /** The listen backlog used when none is given: gevent's and Go's default. */
    public static final int DEFAULT_BACKLOG = 128;

    private final ServerSocketChannel channel;
    private final PolledChannel polled;

    private FiberServerSocket(ServerSocketChannel channel) {
        this.channel = channel;
        this.polled = new PolledChannel(channel);
    }

    /** Listens on 127.0.0.1 at {@code port} (0: an ephemeral port; see {@link #localAddress()}). */
    public static FiberServerSocket bindLoopback(int port) throws IOException {
        return bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), DEFAULT_BACKLOG);
    }

    /** Listens on {@code address} with a backlog of {@value #DEFAULT_BACKLOG}. */
    public static FiberServerSocket bind(InetSocketAddress address) throws IOException {
        return bind(address, DEFAULT_BACKLOG);
    }

    /**
     * Listens on {@code address} (the wildcard address binds every interface) with the given
     * backlog.
     *
     * @throws java.net.BindException if the address is in use or not local
     * @throws IllegalArgumentException if {@code backlog < 1}
     */
    public static FiberServerSocket bind(InetSocketAddress address, int backlog) throws IOException {
        Objects.requireNonNull(address, "address");
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, was " + backlog);
        }
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.bind(address, backlog);
            ch.configureBlocking(false);
            return new FiberServerSocket(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Waits, without a limit, for a connection and accepts it. */
    public FiberSocket accept() throws IOException {
        return accept(null);
    }

    /**
     * Waits at most {@code timeout} ({@code null}: no limit) for a connection and accepts it.
     *
     * @throws SocketTimeoutException if none arrived in time
     * @throws java.net.SocketException {@code "Socket closed"} if this listener is or gets closed
     */
    public FiberSocket accept(Duration timeout) throws IOException {
        long deadline = Long.MIN_VALUE;
        try {
            for (;;) {
                SocketChannel ch = channel.accept();
                if (ch != null) {
                    return wrap(ch);
                }
                if (deadline == Long.MIN_VALUE) {
                    deadline = FiberSocket.deadline(timeout);
                }
                if (!Poller.await(polled, SelectionKey.OP_ACCEPT, deadline)) {
                    throw new SocketTimeoutException("Accept timed out after " + timeout);
                }
            }
        } catch (ClosedChannelException e) {
            throw FiberSocket.closed(e);
        }
    }

    private static FiberSocket wrap(SocketChannel ch) throws IOException {
        try {
            return new FiberSocket(ch);
        } catch (IOException | RuntimeException e) {
            ch.close(); // never registered: its descriptor closes at once
            throw e;
        }
    }

    /** The bound address, with the actual port. */
    public InetSocketAddress localAddress() throws IOException {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (ClosedChannelException e) {
            throw FiberSocket.closed(e);
        }
    }

    /** Whether {@link #close()} has not been called. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Stops listening and wakes blocked accepts; returns once the descriptor is released. Idempotent. */
    @Override
    public void close() throws IOException {
        Poller.close(polled);
    }

    @Override
    public String toString() {
        return "FiberServerSocket[" + channel + "]";
    }
}
