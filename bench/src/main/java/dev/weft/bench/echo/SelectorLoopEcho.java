package dev.weft.bench.echo;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The floor of the echo exchange (issue 16): the same exchange as the other peers, hand-written
 * as one NIO {@link Selector} loop on the calling thread. The listener, the 50 server-side
 * connections and the 50 clients are all registered on that one selector, and each
 * {@code select} dispatches every ready key to a small state machine (accept, echo, or the
 * client's write-read-check round). No strand, no scheduler, no park or unpark, no per-wait
 * object: what is left is the system calls of the exchange itself (per round trip a write and a
 * read on each side, plus one {@code epoll_wait} shared by every key ready at once) and the
 * check of each reply.
 *
 * <p>What makes it the same exchange as {@link FiberIoEcho} on one carrier: one thread; the
 * listener bound and the clients connected inside the timed operation; direct 64-byte buffers;
 * {@code TCP_NODELAY} on both ends (as {@code FiberSocket} sets it); the server echoes what
 * each read returns; each client writes one {@link EchoMessage}, reads its reply in full and
 * compares it before the next round. Keys keep their read interest for the channel's life (the
 * selector is level-triggered, so nothing needs re-arming; a write that the socket does not take
 * whole adds write interest until it is sent), which costs no {@code epoll_ctl} per round:
 * what the best hand-written loop does. Every channel is closed when the operation returns, also
 * after a failure.
 */
final class SelectorLoopEcho {
    private SelectorLoopEcho() {}

    /** A registered channel's reaction to its key's readiness. */
    private interface Endpoint {
        void ready(SelectionKey key) throws IOException;
    }

    /**
     * Runs {@code connections} clients of {@code roundTrips} round trips each against the server,
     * all on one selector on the calling thread, until every client has finished and every
     * server connection has seen its client close.
     *
     * @return the number of correct replies (every reply is compared with its message)
     * @throws IllegalStateException if no channel became ready within {@link EchoStrand#STUCK}
     */
    static long run(int connections, int roundTrips) throws IOException {
        Loop loop = new Loop(connections, roundTrips);
        try {
            return loop.run();
        } finally {
            loop.closeAll();
        }
    }

    /** The selector and every channel of one exchange; touched by the calling thread only. */
    private static final class Loop {
        private final int connections;
        private final int roundTrips;
        private final Selector selector;
        /** Every channel opened, closed at the end whatever happened. */
        private final List<Channel> opened = new ArrayList<>();
        /** Client and server-side connections not yet closed; the loop runs until none is left. */
        private int open;
        private long correct;
        private final Consumer<SelectionKey> dispatch = this::dispatch;

        Loop(int connections, int roundTrips) throws IOException {
            this.connections = connections;
            this.roundTrips = roundTrips;
            this.selector = Selector.open();
        }

        long run() throws IOException {
            ServerSocketChannel listener = ServerSocketChannel.open();
            opened.add(listener);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT, (Endpoint) key -> accept(listener));
            InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
            for (int c = 0; c < connections; c++) {
                SocketChannel ch = SocketChannel.open();
                opened.add(ch);
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Client client = new Client(ch, c);
                open++;
                if (ch.connect(address)) {
                    client.send(ch.register(selector, SelectionKey.OP_READ, client));
                } else {
                    ch.register(selector, SelectionKey.OP_CONNECT, client);
                }
            }
            while (open > 0) {
                long start = System.nanoTime(); // one clock read per select: about 2,000 per exchange
                int ready;
                try {
                    ready = selector.select(dispatch, EchoStrand.STUCK.toMillis());
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                if (ready == 0 && open > 0 && System.nanoTime() - start >= EchoStrand.STUCK.toNanos()) {
                    throw new IllegalStateException("no echo channel became ready within " + EchoStrand.STUCK);
                }
            }
            return correct;
        }

        private void dispatch(SelectionKey key) {
            try {
                ((Endpoint) key.attachment()).ready(key);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // unwrapped by run: select's Consumer cannot throw it
            }
        }

        private void accept(ServerSocketChannel listener) throws IOException {
            for (SocketChannel ch; (ch = listener.accept()) != null; ) {
                opened.add(ch);
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                open++;
                ch.register(selector, SelectionKey.OP_READ, new Handler(ch));
            }
        }

        private void closed(SocketChannel ch) throws IOException {
            ch.close(); // cancels its key; the next select deregisters it
            open--;
        }

        /** Closes the selector and every channel; the first failure is thrown after all were tried. */
        void closeAll() throws IOException {
            IOException first = null;
            for (Channel ch : opened) {
                try {
                    ch.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            selector.close();
            if (first != null) {
                throw first;
            }
        }

        /** A server-side connection: echoes what each read returns until the client closes. */
        private final class Handler implements Endpoint {
            private final SocketChannel ch;
            private final ByteBuffer buffer = ByteBuffer.allocateDirect(EchoMessage.SIZE);

            Handler(SocketChannel ch) {
                this.ch = ch;
            }

            @Override
            public void ready(SelectionKey key) throws IOException {
                if (key.isWritable()) {
                    ch.write(buffer);
                    if (buffer.hasRemaining()) {
                        return;
                    }
                    buffer.clear();
                    key.interestOps(SelectionKey.OP_READ);
                    return;
                }
                int n = ch.read(buffer);
                if (n < 0) {
                    closed(ch);
                    return;
                }
                ch.write(buffer.flip());
                if (buffer.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_WRITE); // no read until this echo is out, as a blocking handler
                } else {
                    buffer.clear();
                }
            }
        }

        /** A client: connects, then per round writes its message, reads the reply in full and checks it. */
        private final class Client implements Endpoint {
            private final SocketChannel ch;
            private final int id;
            private final ByteBuffer message = EchoMessage.newDirect();
            private final ByteBuffer reply = ByteBuffer.allocateDirect(EchoMessage.SIZE);
            private int round;

            Client(SocketChannel ch, int id) {
                this.ch = ch;
                this.id = id;
            }

            @Override
            public void ready(SelectionKey key) throws IOException {
                if (key.isConnectable()) {
                    if (ch.finishConnect()) {
                        key.interestOps(SelectionKey.OP_READ);
                        send(key);
                    }
                    return;
                }
                if (key.isWritable()) {
                    ch.write(message);
                    if (!message.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
                if (key.isReadable()) {
                    if (ch.read(reply) < 0) {
                        throw new EOFException("the server closed connection " + id + " in round " + round);
                    }
                    if (reply.hasRemaining()) {
                        return;
                    }
                    // a whole reply means the whole message was written: the server echoes only what it read
                    if (reply.flip().equals(message.rewind())) {
                        correct++;
                    }
                    reply.clear();
                    if (++round == roundTrips) {
                        closed(ch);
                        return;
                    }
                    send(key);
                }
            }

            /** Writes this round's message; what the socket does not take now goes out when it is writable. */
            void send(SelectionKey key) throws IOException {
                EchoMessage.stamp(message, id, round);
                ch.write(message.rewind());
                if (message.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
            }
        }
    }
}
