package dev.weft.fibers.io;

import dev.weft.fibers.internal.access.SharedSecrets;
import dev.weft.fibers.internal.io.PolledChannel;
import dev.weft.fibers.internal.io.Poller;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * A TCP connection whose blocking calls block only the calling fiber: while it waits, its
 * carrier runs other fibers, and the wait costs a selection key in Weft's poller, no thread.
 * Called from a thread, the same calls block that thread. A non-blocking {@link SocketChannel}
 * underneath.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>Timeouts per call.</b> Every blocking call takes a limit ({@code null}: none; the
 *       stream views use {@link #setReadTimeout}/{@link #setWriteTimeout}). A read that times
 *       out throws {@link SocketTimeoutException} and leaves the socket usable, as
 *       {@code java.net.Socket} does with {@code SO_TIMEOUT}.</li>
 *   <li><b>Kill and {@code Timeout}.</b> A fiber killed, or whose {@code Timeout} fires, while
 *       it waits in a call gets its {@code FiberExit} or {@code TimeoutExpired} from that call;
 *       its wait is withdrawn and the socket stays usable. A {@link #connect} interrupted that
 *       way closes its half-open socket.</li>
 *   <li><b>Close from any strand</b> wakes every strand blocked in this socket: each gets
 *       {@code SocketException("Socket closed")}. When {@link #close()} returns, the file
 *       descriptor is released. Idempotent.</li>
 *   <li><b>Errors are the usual ones</b>: {@link java.net.ConnectException} for a refused
 *       connection, {@link SocketTimeoutException} for a limit that passed,
 *       {@code SocketException("Connection reset")} for a reset by the peer,
 *       {@code SocketException("Socket closed")} after close.</li>
 *   <li>One reader and one writer may use the socket at the same time; as with any socket,
 *       two concurrent readers (or writers) interleave their bytes unpredictably.</li>
 * </ol>
 *
 * <h2>Differences from {@code java.net.Socket}</h2>
 * A write that times out, or is killed, part-way has sent a prefix of its bytes: the byte
 * stream is then no longer in a known state, so close the socket. Thread interrupts end a
 * thread's wait with {@link java.io.InterruptedIOException} and, unlike a blocking
 * {@code SocketChannel}, do not close the socket.
 */
public final class FiberSocket implements AutoCloseable {
    static {
        SharedSecrets.setIoAccess(FiberSocket::new);
    }

    private final SocketChannel channel;
    private final PolledChannel polled;
    /**
     * Set by a write, cleared by a read: the next read of a fiber waits for readiness before it
     * tries the socket. After a request is written its reply needs the peer to run first, so
     * an immediate read nearly always finds nothing (a wasted system call), while waiting on the
     * carrier's poller costs none when the key's interest is already set. A hint only: racy
     * reads and writes of it change the cost of one read, never its result.
     */
    private boolean readWaitsFirst;
    private volatile Duration readTimeout;
    private volatile Duration writeTimeout;
    private InputStream in;
    private OutputStream out;

    FiberSocket(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.polled = new PolledChannel(channel);
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    /** Connects to {@code remote}, without a time limit. See {@link #connect(InetSocketAddress, Duration)}. */
    public static FiberSocket connect(InetSocketAddress remote) throws IOException {
        return connect(remote, null);
    }

    /**
     * Connects to {@code remote}, waiting at most {@code timeout} ({@code null}: no limit).
     *
     * @throws java.net.ConnectException if the peer refused the connection
     * @throws SocketTimeoutException if {@code timeout} passed first (the attempt is abandoned)
     */
    public static FiberSocket connect(InetSocketAddress remote, Duration timeout) throws IOException {
        Objects.requireNonNull(remote, "remote");
        long deadline = deadline(timeout);
        SocketChannel ch = SocketChannel.open();
        boolean connected = false;
        FiberSocket s = null;
        try {
            s = new FiberSocket(ch);
            if (!ch.connect(remote)) {
                while (!ch.finishConnect()) {
                    if (!Poller.await(s.polled, SelectionKey.OP_CONNECT, deadline)) {
                        throw new SocketTimeoutException("Connect to " + remote + " timed out after " + timeout);
                    }
                }
            }
            connected = true;
            return s;
        } catch (ClosedChannelException e) {
            throw closed(e);
        } finally {
            if (!connected) {
                if (s != null) {
                    Poller.close(s.polled);
                } else {
                    ch.close(); // never registered anywhere
                }
            }
        }
    }

    /**
     * Reads at least one byte into {@code dst}, waiting for the default read timeout.
     *
     * @return the number of bytes read, {@code -1} at end of stream, 0 if {@code dst} is full
     */
    public int read(ByteBuffer dst) throws IOException {
        return read(dst, readTimeout);
    }

    /**
     * Reads at least one byte into {@code dst}, waiting at most {@code timeout}
     * ({@code null}: no limit).
     *
     * @return the number of bytes read, {@code -1} at end of stream, 0 if {@code dst} is full
     * @throws SocketTimeoutException if nothing arrived in time (the socket stays usable)
     */
    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        long deadline = Long.MIN_VALUE;
        boolean waitFirst = readWaitsFirst && Poller.pollsOnCarrier();
        readWaitsFirst = false;
        try {
            for (;;) {
                if (waitFirst) {
                    waitFirst = false;
                } else {
                    int n = channel.read(dst);
                    if (n != 0) {
                        return n;
                    }
                }
                if (deadline == Long.MIN_VALUE) {
                    deadline = deadline(timeout);
                }
                if (!Poller.await(polled, SelectionKey.OP_READ, deadline)) {
                    int n = channel.read(dst); // the last chance: a read that waited first has not tried yet
                    if (n != 0) {
                        return n;
                    }
                    throw new SocketTimeoutException("Read timed out after " + timeout);
                }
            }
        } catch (ClosedChannelException e) {
            throw closed(e);
        }
    }

    /** Writes all of {@code src}, waiting for the default write timeout. */
    public void write(ByteBuffer src) throws IOException {
        write(src, writeTimeout);
    }

    /**
     * Writes all of {@code src}, waiting at most {@code timeout} in total ({@code null}: no
     * limit) for the peer to take it.
     *
     * @throws SocketTimeoutException if the bytes could not all be sent in time (a prefix may
     *         have been: close the socket)
     */
    public void write(ByteBuffer src, Duration timeout) throws IOException {
        long deadline = Long.MIN_VALUE;
        readWaitsFirst = true;
        try {
            while (src.hasRemaining()) {
                if (channel.write(src) == 0) {
                    if (deadline == Long.MIN_VALUE) {
                        deadline = deadline(timeout);
                    }
                    if (!Poller.await(polled, SelectionKey.OP_WRITE, deadline)) {
                        throw new SocketTimeoutException("Write timed out after " + timeout);
                    }
                }
            }
        } catch (ClosedChannelException e) {
            throw closed(e);
        }
    }

    /** Sets the limit of {@link #read(ByteBuffer)} and the input stream's reads ({@code null}: none, the default). */
    public void setReadTimeout(Duration timeout) {
        this.readTimeout = checked(timeout);
    }

    /** Sets the limit of {@link #write(ByteBuffer)} and the output stream's writes ({@code null}: none, the default). */
    public void setWriteTimeout(Duration timeout) {
        this.writeTimeout = checked(timeout);
    }

    /** Sends end of stream to the peer; reading is unaffected. */
    public void shutdownOutput() throws IOException {
        try {
            channel.shutdownOutput();
        } catch (ClosedChannelException e) {
            throw closed(e);
        }
    }

    /** This socket as an {@link InputStream} whose reads wait for the read timeout; closing it closes the socket. */
    public synchronized InputStream inputStream() {
        if (in == null) {
            in = new In();
        }
        return in;
    }

    /** This socket as an {@link OutputStream} whose writes wait for the write timeout; closing it closes the socket. */
    public synchronized OutputStream outputStream() {
        if (out == null) {
            out = new Out();
        }
        return out;
    }

    /** The peer's address. */
    public InetSocketAddress remoteAddress() throws IOException {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (ClosedChannelException e) {
            throw closed(e);
        }
    }

    /** This end's address. */
    public InetSocketAddress localAddress() throws IOException {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (ClosedChannelException e) {
            throw closed(e);
        }
    }

    /** Whether {@link #close()} has not been called. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Closes the socket, waking every strand blocked in it with
     * {@code SocketException("Socket closed")}; returns once the descriptor is released.
     * Idempotent; safe from any strand.
     */
    @Override
    public void close() throws IOException {
        Poller.close(polled);
    }

    @Override
    public String toString() {
        return "FiberSocket[" + channel + "]";
    }

    static SocketException closed(ClosedChannelException e) {
        return (SocketException) new SocketException("Socket closed").initCause(e);
    }

    static long deadline(Duration timeout) {
        if (checked(timeout) == null) {
            return Long.MAX_VALUE;
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
        long now = System.nanoTime();
        return nanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }

    private static Duration checked(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        return timeout;
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            return FiberSocket.this.read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() throws IOException {
            FiberSocket.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            FiberSocket.this.write(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() throws IOException {
            FiberSocket.this.close();
        }
    }
}
