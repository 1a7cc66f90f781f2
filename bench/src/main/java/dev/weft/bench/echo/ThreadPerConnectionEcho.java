package dev.weft.bench.echo;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The echo exchange as ordinary blocking code: a {@code java.net.ServerSocket} accept loop
 * that starts one strand per connection, and clients on {@code java.net.Socket} streams. The
 * code knows nothing of what runs it; {@link Starter} decides: patched Weft fibers (monkey
 * mode) or JDK virtual threads.
 */
final class ThreadPerConnectionEcho {
    private ThreadPerConnectionEcho() {}

    /** Starts a task on a new strand: what the thread-per-connection code calls "a thread". */
    @FunctionalInterface
    interface Starter {
        EchoStrand start(Callable<Integer> task);
    }

    /**
     * Starts the server and {@code connections} clients of {@code roundTrips} round trips
     * each, then, once every client is done, closes the listener and joins the accept strand
     * and every handler (each has seen its client close).
     *
     * @return the number of correct replies (every reply is compared with its message)
     */
    static long run(Starter starter, int connections, int roundTrips) throws Exception {
        // Only the accept strand adds to handlers; the driver reads it after joining that strand.
        List<EchoStrand> handlers = new ArrayList<>(connections);
        try (ServerSocket listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress())) {
            EchoStrand acceptor = starter.start(() -> accept(listener, starter, handlers));
            List<EchoStrand> clients = new ArrayList<>(connections);
            try {
                for (int c = 0; c < connections; c++) {
                    int id = c;
                    clients.add(starter.start(() -> client(listener.getLocalPort(), id, roundTrips)));
                }
                return EchoStrand.joinAll(clients);
            } finally {
                listener.close();
                EchoStrand.joinAll(List.of(acceptor));
                EchoStrand.joinAll(handlers);
            }
        }
    }

    /** The accept loop: one handler strand per connection, until the listener is closed. */
    private static int accept(ServerSocket listener, Starter starter, List<EchoStrand> handlers) {
        while (true) {
            Socket connection;
            try {
                connection = listener.accept();
            } catch (IOException closed) {
                return 0;
            }
            handlers.add(starter.start(() -> echo(connection)));
        }
    }

    /** A handler: echoes each read until the client closes. */
    private static int echo(Socket connection) throws IOException {
        try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
            byte[] buffer = new byte[EchoMessage.SIZE];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        }
        return 0;
    }

    /** One client: {@code roundTrips} messages, each reply read in full and compared. */
    private static int client(int port, int id, int roundTrips) throws IOException {
        byte[] message = EchoMessage.newArray();
        byte[] reply = new byte[EchoMessage.SIZE];
        int correct = 0;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            for (int round = 0; round < roundTrips; round++) {
                EchoMessage.stamp(message, id, round);
                out.write(message);
                if (in.readNBytes(reply, 0, EchoMessage.SIZE) < EchoMessage.SIZE) {
                    throw new EOFException("the server closed connection " + id + " in round " + round);
                }
                if (Arrays.equals(message, reply)) {
                    correct++;
                }
            }
        }
        return correct;
    }
}
