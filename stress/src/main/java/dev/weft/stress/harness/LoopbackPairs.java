package dev.weft.stress.harness;

import dev.weft.fibers.internal.access.SharedSecrets;
import dev.weft.fibers.io.FiberSocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Test scaffolding (not library code) for the jcstress tests of fiber I/O: connected loopback
 * TCP pairs (127.0.0.1), one end a {@link FiberSocket} (the end under test), the other a plain
 * blocking {@link SocketChannel} (the peer, which writes).
 *
 * <p>Why a pool: jcstress makes a state object per sample, hundreds of thousands per run, and a
 * connect plus accept per sample would dominate the run. A sample {@link #lease leases} a pair
 * and {@link #giveBack gives it back} when it left it clean (no byte in flight, no waiter, both
 * ends open); any other pair is {@link #discard discarded}. The pool grows to the number of
 * pairs leased at once and no further, so a test must lease in an actor and give back as soon
 * as the sample is done with the pair, not in the state's constructor and the arbiter: jcstress
 * makes thousands of states before it runs the arbiters of any, and as many pairs would exhaust
 * the descriptors.
 *
 * <p>Nothing is left open: discarded pairs are closed at once, and a shutdown hook closes
 * every pair still open and the listener when the forked VM exits (the VM's exit would release
 * the descriptors anyway). Wraps the connected channel through the runtime's access door
 * ({@code IoAccess}), so that a pair needs no connect through the poller.
 */
public final class LoopbackPairs {
    /** One connected pair. */
    public static final class Pair {
        /** The end under test. */
        public final FiberSocket socket;
        /** The channel under {@link #socket}, non-blocking: to ask whether it is still registered. */
        public final SocketChannel channel;
        /** The other end, blocking, used only by plain threads. */
        public final SocketChannel peer;

        private Pair(SocketChannel channel, SocketChannel peer) throws IOException {
            this.socket = SharedSecrets.io().wrap(channel);
            this.channel = channel;
            this.peer = peer;
        }

        /**
         * Writes one byte from the peer (blocking: a byte always fits the send buffer of an idle
         * pair). @return false if the pair was closed meanwhile (a sample that failed discards it)
         */
        public boolean peerWrite(byte b) {
            try {
                peer.write(ByteBuffer.wrap(new byte[] {b}));
                return true;
            } catch (ClosedChannelException e) {
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Whether the channel under test is still registered with some selector (its descriptor not yet released). */
        public boolean registered() {
            return channel.isRegistered();
        }

        private void closeQuietly() {
            try {
                socket.close();
            } catch (IOException | RuntimeException ignored) {
                // best effort: the forked VM is going away or the pair is broken anyway
            }
            try {
                peer.close();
            } catch (IOException ignored) {
                // as above
            }
        }
    }

    private static final ConcurrentLinkedQueue<Pair> FREE = new ConcurrentLinkedQueue<>();
    private static final Set<Pair> OPEN = ConcurrentHashMap.newKeySet();
    private static ServerSocketChannel listener;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LoopbackPairs::closeAll, "weft-loopback-pairs-close"));
    }

    private LoopbackPairs() {}

    /** A clean pair: one given back earlier, or a new one. */
    public static Pair lease() {
        Pair p = FREE.poll();
        return p != null ? p : open();
    }

    /** A new pair, never used: for tests that close it. */
    public static Pair fresh() {
        return open();
    }

    /** Returns a pair the sample left clean (no byte in flight, nobody waiting on it, both ends open). */
    public static void giveBack(Pair p) {
        FREE.add(p);
    }

    /** Closes a pair the sample did not leave clean. */
    public static void discard(Pair p) {
        OPEN.remove(p);
        p.closeQuietly();
    }

    private static synchronized Pair open() {
        // NOTE: synchronized so that the connection this call accepts is the one it made
        try {
            if (listener == null) {
                listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            }
            SocketChannel peer = SocketChannel.open(listener.getLocalAddress());
            peer.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SocketChannel accepted = listener.accept();
            Pair p = new Pair(accepted, peer);
            OPEN.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a loopback pair on 127.0.0.1", e);
        }
    }

    private static synchronized void closeAll() {
        for (Pair p : OPEN) {
            p.closeQuietly();
        }
        OPEN.clear();
        FREE.clear();
        if (listener != null) {
            try {
                listener.close();
            } catch (IOException ignored) {
                // the VM exits
            }
        }
    }
}
