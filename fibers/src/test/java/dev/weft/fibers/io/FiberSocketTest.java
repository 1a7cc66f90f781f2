package dev.weft.fibers.io;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FiberSocket and FiberServerSocket on one hub, over loopback. */
class FiberSocketTest {
    private final Hub hub = new Hub();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    /** A connected pair: [0] the client end, [1] the accepted end. */
    private static FiberSocket[] pair(FiberServerSocket listener) throws IOException {
        FiberSocket client = FiberSocket.connect(listener.localAddress());
        return new FiberSocket[] {client, listener.accept()};
    }

    private static void echo(FiberSocket s) throws IOException {
        try (s) {
            ByteBuffer buf = ByteBuffer.allocate(256);
            while (s.read(buf) != -1) {
                buf.flip();
                s.write(buf);
                buf.clear();
            }
        }
    }

    @Test
    void echoRoundTripsBetweenFibersReturnEveryByte() throws Exception {
        hub.invoke(() -> {
            try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
                List<Fiber<Void>> servers = new ArrayList<>();
                Fiber<Void> acceptor = Fiber.spawn(() -> {
                    for (int i = 0; i < 10; i++) {
                        FiberSocket s = listener.accept();
                        servers.add(Fiber.spawn(() -> {
                            echo(s);
                            return null;
                        }));
                    }
                    return null;
                });
                List<Fiber<Void>> clients = new ArrayList<>();
                for (int c = 0; c < 10; c++) {
                    int id = c;
                    clients.add(Fiber.spawn(() -> {
                        try (FiberSocket s = FiberSocket.connect(listener.localAddress(), Duration.ofSeconds(10))) {
                            DataOutputStream out = new DataOutputStream(s.outputStream());
                            DataInputStream in = new DataInputStream(s.inputStream());
                            for (int i = 0; i < 100; i++) {
                                out.writeInt(id * 1000 + i);
                                assertEquals(id * 1000 + i, in.readInt());
                            }
                        }
                        return null;
                    }));
                }
                for (Fiber<Void> f : clients) {
                    f.get();
                }
                acceptor.get();
                for (Fiber<Void> f : servers) {
                    f.get();
                }
            }
            return null;
        });
    }

    @Test
    void aThreadBlocksAsAThreadAndTalksToAFiber() throws Exception {
        try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
            Fiber<Void> server = hub.spawn(() -> {
                echo(listener.accept());
                return null;
            });
            try (FiberSocket s = FiberSocket.connect(listener.localAddress())) {
                byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
                s.outputStream().write(hello);
                assertArrayEquals(hello, s.inputStream().readNBytes(hello.length));
            }
            server.get();
        }
    }

    @Test
    void connectToAPortNobodyListensOnIsRefused() throws Exception {
        hub.invoke(() -> {
            InetSocketAddress nobody;
            try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
                nobody = listener.localAddress();
            }
            assertThrows(ConnectException.class, () -> FiberSocket.connect(nobody, Duration.ofSeconds(10)));
            return null;
        });
    }

    /**
     * After a write, a fiber's next read waits for readiness before it tries the socket (a
     * request's reply is rarely there yet). Bytes that are already there must still be read,
     * even with no time to wait at all.
     */
    @Test
    void aReadAfterAWriteWithNoTimeToWaitStillGetsBytesAlreadyThere() throws Exception {
        hub.invoke(() -> {
            try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
                FiberSocket[] p = pair(listener);
                try (FiberSocket a = p[0]; FiberSocket b = p[1]) {
                    b.write(ByteBuffer.wrap(new byte[] {1, 2})); // one segment: both bytes arrive together
                    ByteBuffer one = ByteBuffer.allocate(1);
                    assertEquals(1, a.read(one, Duration.ofSeconds(10))); // so the second byte is there now
                    a.write(ByteBuffer.wrap(new byte[] {9}));
                    one.clear();
                    assertEquals(1, a.read(one, Duration.ZERO));
                    assertEquals(2, one.get(0));
                }
            }
            return null;
        });
    }

    @Test
    void aReadThatTimesOutLeavesTheSocketUsable() throws Exception {
        hub.invoke(() -> {
            try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
                FiberSocket[] p = pair(listener);
                try (FiberSocket a = p[0]; FiberSocket b = p[1]) {
                    ByteBuffer buf = ByteBuffer.allocate(8);
                    assertThrows(SocketTimeoutException.class, () -> a.read(buf, Duration.ofMillis(20)));
                    b.write(ByteBuffer.wrap(new byte[] {42}));
                    assertEquals(1, a.read(buf, Duration.ofSeconds(10)));
                    assertEquals(42, buf.get(0));
                }
            }
            return null;
        });
    }

    @Test
    void aTimeoutScopeEndsAReadAndLeavesTheSocketUsable() throws Exception {
        hub.invoke(() -> {
            try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
                FiberSocket[] p = pair(listener);
                try (FiberSocket a = p[0]; FiberSocket b = p[1]) {
                    ByteBuffer buf = ByteBuffer.allocate(8);
                    assertThrows(TimeoutExpired.class, () -> {
                        try (Timeout t = Timeout.after(Duration.ZERO)) {
                            a.read(buf);
                        }
                    });
                    b.write(ByteBuffer.wrap(new byte[] {7}));
                    assertEquals(1, a.read(buf));
                }
            }
            return null;
        });
    }

    @Test
    void aResetByThePeerWakesABlockedReaderWithConnectionReset() throws Exception {
        hub.invoke(() -> {
            try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
                Socket peer = new Socket(); // a plain socket: loopback connects from the backlog at once
                peer.connect(listener.localAddress());
                try (FiberSocket s = listener.accept()) {
                    Fiber<Integer> reader = Fiber.spawn(() -> s.read(ByteBuffer.allocate(8)));
                    Fiber.yieldNow(); // the reader blocks in read
                    peer.setSoLinger(true, 0);
                    peer.close(); // sends RST
                    Throwable t = assertThrows(java.util.concurrent.ExecutionException.class, reader::get).getCause();
                    assertInstanceOf(SocketException.class, t);
                    assertTrue(t.getMessage().contains("reset"), t.getMessage());
                }
            }
            return null;
        });
    }

    @Test
    void closeFromAnotherFiberWakesABlockedReaderWithSocketClosed() throws Exception {
        hub.invoke(() -> {
            try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
                FiberSocket[] p = pair(listener);
                try (FiberSocket b = p[1]) {
                    Fiber<Integer> reader = Fiber.spawn(() -> p[0].read(ByteBuffer.allocate(8)));
                    Fiber.yieldNow();
                    p[0].close();
                    Throwable t = assertThrows(java.util.concurrent.ExecutionException.class, reader::get).getCause();
                    assertInstanceOf(SocketException.class, t);
                    assertEquals("Socket closed", t.getMessage());
                    assertFalse(p[0].isOpen());
                    assertEquals(-1, b.read(ByteBuffer.allocate(8), Duration.ofSeconds(10)));
                }
            }
            return null;
        });
    }

    @Test
    void closeWakesABlockedAccept() throws Exception {
        hub.invoke(() -> {
            FiberServerSocket listener = FiberServerSocket.bindLoopback(0);
            Fiber<FiberSocket> acceptor = Fiber.spawn(() -> listener.accept());
            Fiber.yieldNow();
            listener.close();
            Throwable t = assertThrows(java.util.concurrent.ExecutionException.class, acceptor::get).getCause();
            assertEquals("Socket closed", t.getMessage());
            return null;
        });
    }

    @Test
    void killingAFiberBlockedInReadLeavesTheSocketUsable() throws Exception {
        hub.invoke(() -> {
            try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
                FiberSocket[] p = pair(listener);
                try (FiberSocket a = p[0]; FiberSocket b = p[1]) {
                    Fiber<Integer> reader = Fiber.spawn(() -> a.read(ByteBuffer.allocate(8)));
                    Fiber.yieldNow();
                    reader.kill();
                    reader.join();
                    assertTrue(reader.isCancelled());
                    b.write(ByteBuffer.wrap(new byte[] {9}));
                    ByteBuffer buf = ByteBuffer.allocate(8);
                    assertEquals(1, a.read(buf, Duration.ofSeconds(10)));
                    assertEquals(9, buf.get(0));
                }
            }
            return null;
        });
    }

    @Test
    void killingAFiberBlockedInAcceptLeavesTheListenerUsable() throws Exception {
        hub.invoke(() -> {
            try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
                Fiber<FiberSocket> acceptor = Fiber.spawn(() -> listener.accept());
                Fiber.yieldNow();
                acceptor.kill();
                acceptor.join();
                assertTrue(acceptor.isCancelled());
                try (FiberSocket client = FiberSocket.connect(listener.localAddress(), Duration.ofSeconds(10));
                     FiberSocket accepted = listener.accept(Duration.ofSeconds(10))) {
                    assertEquals(client.localAddress(), accepted.remoteAddress());
                }
            }
            return null;
        });
    }

    @Test
    void aLargeWriteWaitsForTheReaderAndArrivesWhole() throws Exception {
        hub.invoke(() -> {
            try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
                FiberSocket[] p = pair(listener);
                try (FiberSocket a = p[0]; FiberSocket b = p[1]) {
                    byte[] big = new byte[8 << 20]; // more than the socket buffers hold: the writer must wait
                    for (int i = 0; i < big.length; i++) {
                        big[i] = (byte) (i * 31);
                    }
                    Fiber<Void> writer = Fiber.spawn(() -> {
                        a.write(ByteBuffer.wrap(big), Duration.ofSeconds(30));
                        a.shutdownOutput();
                        return null;
                    });
                    byte[] got = b.inputStream().readAllBytes();
                    writer.get();
                    assertArrayEquals(big, got);
                }
            }
            return null;
        });
    }
}
