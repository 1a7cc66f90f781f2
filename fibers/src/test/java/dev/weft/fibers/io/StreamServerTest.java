package dev.weft.fibers.io;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Hub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** StreamServer on one hub, over loopback. */
class StreamServerTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private final Hub hub = new Hub();

    @AfterEach
    void closeHub() {
        Fiber.setFailureHandler((fiber, failure) -> failure.printStackTrace());
        hub.close();
    }

    private static void echo(FiberSocket s) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(256);
        while (s.read(buf) != -1) {
            buf.flip();
            s.write(buf);
            buf.clear();
        }
    }

    /** Sends one byte and returns the one that comes back, or -1 at end of stream. */
    private static int roundTrip(FiberSocket s, int b, Duration timeout) throws IOException {
        s.write(ByteBuffer.wrap(new byte[] {(byte) b}));
        ByteBuffer buf = ByteBuffer.allocate(1);
        return s.read(buf, timeout) == -1 ? -1 : buf.get(0);
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void everyClientGetsItsBytesBack() throws Exception {
        hub.invoke(() -> {
            try (StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, StreamServerTest::echo)) {
                server.start();
                List<Fiber<Void>> clients = new ArrayList<>();
                for (int c = 0; c < 20; c++) {
                    int id = c;
                    clients.add(Fiber.spawn(() -> {
                        try (FiberSocket s = FiberSocket.connect(server.address(), LIMIT)) {
                            for (int i = 0; i < 50; i++) {
                                assertEquals((byte) (id + i), roundTrip(s, id + i, LIMIT));
                            }
                        }
                        return null;
                    }));
                }
                for (Fiber<Void> f : clients) {
                    f.get();
                }
                assertEquals(20, server.servedConnections());
            }
            return null;
        });
    }

    /** Connects {@code n} clients whose handlers greet them and then block in a read; stops the server. */
    private void stopWithBlockedHandlers(int n, List<String> events) throws Exception {
        hub.invoke(() -> {
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, s -> {
                try {
                    s.write(ByteBuffer.wrap(new byte[] {1}));
                    s.read(ByteBuffer.allocate(1));
                    events.add("handler returned");
                } catch (FiberExit e) {
                    events.add("handler killed");
                    throw e;
                }
            });
            server.start();
            List<FiberSocket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    FiberSocket c = FiberSocket.connect(server.address(), LIMIT);
                    clients.add(c);
                    assertEquals(1, c.read(ByteBuffer.allocate(1), LIMIT)); // its handler runs
                }
                assertEquals(n, server.activeConnections());
                server.stop(Duration.ZERO);
                assertEquals(0, server.activeConnections());
                for (FiberSocket c : clients) {
                    assertEquals(-1, c.read(ByteBuffer.allocate(1), LIMIT), "the server closed the handler's socket");
                }
            } finally {
                for (FiberSocket c : clients) {
                    c.close();
                }
            }
            return null;
        });
    }

    @Test
    void stopKillsBlockedHandlersClosesTheirSocketsAndLeaksNoDescriptors() throws Exception {
        stopWithBlockedHandlers(5, new CopyOnWriteArrayList<>()); // warm-up: classes, the poller's selector
        long before = openDescriptors();
        List<String> events = new CopyOnWriteArrayList<>();
        stopWithBlockedHandlers(5, events);
        long after = openDescriptors();
        assertEquals(List.of("handler killed", "handler killed", "handler killed", "handler killed", "handler killed"), events);
        assertEquals(before, after, "descriptors open before and after a server's life");
    }

    @Test
    void aFullPoolPausesAcceptingUntilAHandlerEnds() throws Exception {
        hub.invoke(() -> {
            try (StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, 128, 2, StreamServerTest::echo)) {
                server.start();
                FiberSocket a = FiberSocket.connect(server.address(), LIMIT);
                FiberSocket b = FiberSocket.connect(server.address(), LIMIT);
                try (FiberSocket c = FiberSocket.connect(server.address(), LIMIT)) { // waits in the backlog
                    assertEquals(1, roundTrip(a, 1, LIMIT));
                    assertEquals(2, roundTrip(b, 2, LIMIT));
                    assertThrows(SocketTimeoutException.class, () -> roundTrip(c, 3, Duration.ofMillis(50)));
                    assertEquals(2, server.servedConnections());
                    a.close(); // its handler ends: there is room again
                    ByteBuffer buf = ByteBuffer.allocate(1);
                    assertEquals(1, c.read(buf, LIMIT));
                    assertEquals(3, buf.get(0));
                    assertEquals(3, server.servedConnections());
                } finally {
                    a.close();
                    b.close();
                }
            }
            return null;
        });
    }

    @Test
    void aHandlerThatThrowsIsReportedOnceAndTheServerKeepsServing() throws Exception {
        ConcurrentLinkedQueue<Throwable> reports = new ConcurrentLinkedQueue<>();
        CompletableFuture<Void> reported = new CompletableFuture<>();
        Fiber.setFailureHandler((fiber, failure) -> {
            reports.add(failure);
            reported.complete(null);
        });
        hub.invoke(() -> {
            try (StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, s -> {
                ByteBuffer first = ByteBuffer.allocate(1);
                s.read(first);
                if (first.get(0) == 'x') {
                    throw new IllegalStateException("the handler broke on purpose");
                }
                first.flip();
                s.write(first);
                echo(s);
            })) {
                server.start();
                try (FiberSocket bad = FiberSocket.connect(server.address(), LIMIT)) {
                    assertEquals(-1, roundTrip(bad, 'x', LIMIT), "the failed handler's connection is closed");
                }
                Blocking.await(reported);
                try (FiberSocket good = FiberSocket.connect(server.address(), LIMIT)) {
                    assertEquals('a', roundTrip(good, 'a', LIMIT));
                    assertEquals('b', roundTrip(good, 'b', LIMIT));
                }
            }
            return null;
        });
        assertEquals(1, reports.size());
        assertInstanceOf(IllegalStateException.class, reports.peek());
    }

    @Test
    void stopAcceptingLeavesConnectionsInTheBacklogUntilStartAccepting() throws Exception {
        hub.invoke(() -> {
            try (StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, StreamServerTest::echo)) {
                server.start();
                Fiber.yieldNow(); // the accept fiber waits
                server.stopAccepting();
                try (FiberSocket c = FiberSocket.connect(server.address(), LIMIT)) {
                    assertThrows(SocketTimeoutException.class, () -> roundTrip(c, 5, Duration.ofMillis(50)));
                    assertEquals(0, server.servedConnections());
                    server.startAccepting();
                    ByteBuffer buf = ByteBuffer.allocate(1);
                    assertEquals(1, c.read(buf, LIMIT));
                    assertEquals(5, buf.get(0));
                }
            }
            return null;
        });
    }

    @Test
    void serveForeverReturnsOnceTheServerIsStopped() throws Exception {
        StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, StreamServerTest::echo);
        server.start(hub);
        Fiber<Void> serving = hub.spawn(() -> {
            server.serveForever();
            return null;
        });
        try (FiberSocket c = FiberSocket.connect(server.address(), LIMIT)) {
            assertEquals(7, roundTrip(c, 7, LIMIT));
        }
        server.stop(Duration.ofSeconds(1));
        serving.get(10, TimeUnit.SECONDS);
        assertFalse(serving.isCancelled());
        assertTrue(serving.isDone());
    }

    @Test
    void startOnAClosedSchedulerFailsWithoutBindingThePort() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        Hub closed = new Hub();
        closed.close();
        StreamServer server = new StreamServer(address, StreamServerTest::echo);
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> server.start(closed));
        try (ServerSocket rebound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, rebound.getLocalPort(), "the port is free: the failed start left nothing bound");
        } finally {
            server.close();
        }
        assertTrue(e.getMessage().contains("the scheduler is closed"), e.getMessage());
    }
}
