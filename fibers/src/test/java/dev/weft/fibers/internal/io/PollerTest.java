package dev.weft.fibers.internal.io;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.io.FiberServerSocket;
import dev.weft.fibers.io.FiberSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The carrier pollers: each hub selects for its own fibers, between batches and when idle.
 * These tests pin down what moving the selector onto the carrier could break: readiness must
 * reach a hub that never idles, timers must end a {@code select}, and a close from another
 * carrier must wake the waiter and release the descriptor before it returns.
 */
class PollerTest {
    private final Hub hub = new Hub();
    private final Hub other = new Hub();

    @AfterEach
    void closeHubs() {
        hub.close();
        other.close();
    }

    /**
     * The inode of the TCP socket whose local port is {@code localPort} and remote port
     * {@code remotePort}, from {@code /proc/self/net/tcp} and {@code tcp6} (Linux).
     */
    private static String socketInode(int localPort, int remotePort) throws IOException {
        for (String table : new String[] {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[1].endsWith(String.format(":%04X", localPort))
                        && f[2].endsWith(String.format(":%04X", remotePort))) {
                    return f[9];
                }
            }
        }
        throw new AssertionError("no TCP socket " + localPort + " -> " + remotePort + " in /proc/self/net");
    }

    /**
     * Whether a descriptor of this process refers to the socket {@code inode}: an exact check of
     * one socket, where counting the process's descriptors would also count whatever else the JVM
     * opened or closed meanwhile (a JDK poller starting, a collected socket's cleaner).
     */
    private static boolean descriptorOpen(String inode) throws IOException {
        String target = "socket:[" + inode + "]";
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(target);
                } catch (IOException gone) {
                    return false; // closed while we listed
                }
            });
        }
    }

    @Test
    void aHubThatNeverIdlesStillWakesItsSocketReaders() throws Exception {
        try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
            Fiber<Integer> reader = hub.spawn(() -> {
                try (FiberSocket s = FiberSocket.connect(listener.localAddress())) {
                    return s.read(ByteBuffer.allocate(8));
                }
            });
            // Keeps the run queue non-empty, so the carrier never sleeps in select: the reader
            // can only be woken by the poll the carrier makes between batches.
            Fiber<Long> spinner = hub.spawn(() -> {
                long turns = 0;
                while (!reader.isDone() && turns < 50_000_000L) {
                    Fiber.yieldNow();
                    turns++;
                }
                return turns;
            });
            try (FiberSocket peer = listener.accept()) { // this thread waits on the thread poller
                peer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                assertEquals(3, reader.get());
            }
            assertTrue(spinner.get() < 50_000_000L, "the spinner gave up before the reader was woken");
        }
    }

    @Test
    void aTimerEndsTheCarriersSelect() throws Exception {
        hub.invoke(() -> {
            try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
                FiberSocket client = FiberSocket.connect(listener.localAddress());
                try (client; FiberSocket server = listener.accept()) {
                    Fiber<Integer> reader = Fiber.spawn(() -> server.read(ByteBuffer.allocate(8)));
                    // The reader's key makes the carrier sleep in select(); only the sleeper's
                    // timer can end that sleep, as nobody else will write.
                    Fiber<Void> sleeper = Fiber.spawn(() -> {
                        Fiber.sleep(Duration.ofMillis(20));
                        client.write(ByteBuffer.wrap(new byte[] {7}));
                        return null;
                    });
                    sleeper.join();
                    assertEquals(1, reader.get());
                }
            }
            return null;
        });
    }

    @Test
    void aCloseFromAnotherCarrierWakesTheReaderAndReleasesTheDescriptor() throws Exception {
        try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
            FiberSocket client = FiberSocket.connect(listener.localAddress());
            try (FiberSocket server = listener.accept()) {
                hub.invoke(() -> {
                    Fiber<Integer> reader = Fiber.spawn(() -> client.read(ByteBuffer.allocate(8)));
                    Fiber.yieldNow(); // the reader runs until it parks in its read: its key is on hub's selector
                    String inode = socketInode(client.localAddress().getPort(), listener.localAddress().getPort());
                    assertTrue(descriptorOpen(inode), "the client's descriptor is found before its close");
                    other.spawn(() -> {
                        client.close(); // hub's carrier must deregister the key before this returns
                        return null;
                    }).get();
                    assertFalse(descriptorOpen(inode), "the closed socket's descriptor is released");
                    Throwable t = assertThrows(ExecutionException.class, reader::get).getCause();
                    assertInstanceOf(SocketException.class, t);
                    assertEquals("Socket closed", t.getMessage());
                    return null;
                });
            }
        }
    }
}
