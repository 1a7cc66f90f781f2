package dev.weft.docs;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Monkey;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The source's §7, second part: an echo server written in the plain thread-per-connection
 * style ({@code java.net.ServerSocket}, blocking streams, one task per connection handed to an
 * {@link Executor}), and plain blocking clients, all unchanged code, all run as patched fibers
 * of one hub: one carrier thread serves every connection. Every reply is checked.
 */
public final class MonkeyEcho {
    static final int MESSAGE = 64;

    private MonkeyEcho() {}

    /** What a run did. */
    public record Result(int clients, int roundTrips, int correctReplies) {}

    /** An ordinary echo server: accept, and hand each connection to {@code perConnection}. */
    static final class EchoServer implements AutoCloseable {
        private final ServerSocket listener;

        EchoServer() throws IOException {
            listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        }

        int port() {
            return listener.getLocalPort();
        }

        void serve(Executor perConnection) {
            while (true) {
                Socket connection;
                try {
                    connection = listener.accept();
                } catch (IOException closed) {
                    return;
                }
                perConnection.execute(() -> echo(connection));
            }
        }

        static void echo(Socket connection) {
            try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
                byte[] buffer = new byte[MESSAGE];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException peerGone) {
                // the client closed: nothing left to echo
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }

    /** An ordinary blocking client: {@code roundTrips} messages of 64 bytes; returns the correct replies. */
    static int client(int port, int id, int roundTrips) throws IOException {
        int correct = 0;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            for (int i = 0; i < roundTrips; i++) {
                byte[] message = Arrays.copyOf(("client " + id + " message " + i).getBytes(StandardCharsets.US_ASCII), MESSAGE);
                out.write(message);
                out.flush();
                if (Arrays.equals(message, in.readNBytes(MESSAGE))) {
                    correct++;
                }
            }
        }
        return correct;
    }

    /** Runs the server and {@code clients} clients on {@code hub}. */
    public static Result run(Hub hub, int clients, int roundTrips) throws Exception {
        try (EchoServer server = new EchoServer()) {
            Executor perConnection = task -> Monkey.spawn(hub, task::run);
            Fiber<Void> acceptor = Monkey.spawn(hub, () -> server.serve(perConnection));
            List<Fiber<Integer>> fibers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                fibers.add(Monkey.spawn(hub, () -> client(server.port(), id, roundTrips)));
            }
            int correct = 0;
            for (Fiber<Integer> f : fibers) {
                correct += f.get();
            }
            server.close();
            acceptor.join();
            return new Result(clients, clients * roundTrips, correct);
        }
    }
}
