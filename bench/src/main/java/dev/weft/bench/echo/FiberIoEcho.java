package dev.weft.bench.echo;

import dev.weft.fibers.Scheduler;
import dev.weft.fibers.io.FiberSocket;
import dev.weft.fibers.io.StreamServer;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The echo exchange on Weft's fiber I/O, plain fibers only: a {@link StreamServer} whose
 * handler fibers echo what they read, and client fibers on {@link FiberSocket}s, all on one
 * scheduler. The shape of gevent's {@code StreamServer} example, and of {@code echo.py}.
 */
final class FiberIoEcho {
    private FiberIoEcho() {}

    /**
     * Starts the server on {@code scheduler}, runs {@code connections} clients of
     * {@code roundTrips} round trips each, and stops the server once they are done: the
     * handlers have then seen their clients close, so the stop waits for no one.
     *
     * @return the number of correct replies (every reply is compared with its message)
     */
    static long run(Scheduler scheduler, int connections, int roundTrips) throws Exception {
        try (StreamServer server = new StreamServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                FiberIoEcho::echo)) {
            server.start(scheduler);
            InetSocketAddress address = server.address();
            List<EchoStrand> clients = new ArrayList<>(connections);
            for (int c = 0; c < connections; c++) {
                int id = c;
                clients.add(EchoStrand.of(scheduler.spawn(() -> client(address, id, roundTrips))));
            }
            return EchoStrand.joinAll(clients);
        }
    }

    /** The server's handler: echoes each read until the client closes. */
    static void echo(FiberSocket connection) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(EchoMessage.SIZE);
        while (connection.read(buffer) > 0) {
            connection.write(buffer.flip());
            buffer.clear();
        }
    }

    /** One client: {@code roundTrips} messages, each reply read in full and compared. */
    static int client(InetSocketAddress server, int id, int roundTrips) throws IOException {
        ByteBuffer message = EchoMessage.newDirect();
        ByteBuffer reply = ByteBuffer.allocateDirect(EchoMessage.SIZE);
        int correct = 0;
        try (FiberSocket socket = FiberSocket.connect(server)) {
            for (int round = 0; round < roundTrips; round++) {
                EchoMessage.stamp(message, id, round);
                socket.write(message.rewind());
                reply.clear();
                while (reply.hasRemaining()) {
                    if (socket.read(reply) < 0) {
                        throw new EOFException("the server closed connection " + id + " in round " + round);
                    }
                }
                if (reply.flip().equals(message.rewind())) {
                    correct++;
                }
            }
        }
        return correct;
    }
}
