package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Monkey mode: unchanged blocking JDK code in patched fibers gives the carrier to the other
 * fibers of the hub. Each test proves it by order, not time: another fiber runs while the
 * patched one is blocked.
 */
class MonkeyTest {
    private final Hub hub = new Hub();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void threadSleepInAPatchedFiberLetsOtherFibersRun() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> sleeper = Monkey.spawn(hub, () -> {
                log.add("sleeper sleeps");
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                log.add("sleeper woke");
            });
            var other = Fiber.spawn(() -> log.add("other ran meanwhile"));
            Fiber.joinAll(sleeper, other);
            return null;
        });
        assertEquals(List.of("sleeper sleeps", "other ran meanwhile", "sleeper woke"), log);
    }

    @Test
    void aPatchedFiberRunsOnTheHubCarrierAndKeepsTheFiberApi() throws Exception {
        Fiber<Thread> f = Monkey.spawn(hub, () -> VirtualCarrierAccess.currentCarrier());
        assertEquals(hub.carrier(), f.get());
        assertTrue(Monkey.isPatched(f));
        Fiber<Fiber<?>> current = Monkey.spawn(hub, () -> Fiber.current());
        assertEquals(current, current.get(), "Fiber.current() is the patched fiber itself");
    }

    @Test
    void patchedAndPlainFibersShareTheHubOrder() throws Exception {
        hub.invoke(() -> {
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (String name : List.of("plain", "patched")) {
                CheckedRunnable body = () -> {
                    for (int i = 0; i < 3; i++) {
                        log.add(name + i);
                        Fiber.yieldNow();
                    }
                };
                fibers.add(name.equals("plain") ? Fiber.spawn(body) : Monkey.spawn(hub, body));
            }
            return Fiber.joinAll(fibers);
        });
        assertEquals(List.of("plain0", "patched0", "plain1", "patched1", "plain2", "patched2"), log);
    }

    @Test
    void aSocketReadBlocksOnlyThePatchedFiber() throws Exception {
        assertASocketReadBlocksOnlyThePatchedFiber();
    }

    /** A patched reader blocks in a socket read while a patched writer on the same hub writes. */
    private void assertASocketReadBlocksOnlyThePatchedFiber() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String got = hub.invoke(() -> {
                Fiber<String> reader = Monkey.spawn(hub, () -> {
                    log.add("reader waits");
                    try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                        byte[] buf = new byte[5];
                        int n = in.readNBytes(buf, 0, 5);
                        return new String(buf, 0, n, StandardCharsets.US_ASCII);
                    }
                });
                Fiber<Void> writer = Monkey.spawn(hub, () -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                            OutputStream out = s.getOutputStream()) {
                        log.add("writer writes");
                        out.write("hello".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        reader.join(); // keep the connection open until the reader has read
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                writer.join();
                return reader.get();
            });
            assertEquals("hello", got);
            assertEquals(List.of("reader waits", "writer writes"), log.subList(0, 2));
        }
    }

    @Test
    void killReachesAPatchedFiberBlockedInASocketRead() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            Fiber<Integer> reader = Monkey.spawn(hub, () -> {
                try (Socket s = server.accept()) {
                    log.add("reading");
                    return s.getInputStream().read(); // the client never writes
                } finally {
                    log.add("finally");
                }
            });
            while (log.isEmpty()) {
                Thread.onSpinWait();
            }
            reader.kill();
            assertThrows(CancellationException.class, () -> reader.get(30, TimeUnit.SECONDS));
            assertTrue(reader.isCancelled());
            assertEquals(List.of("reading", "finally"), log);
        }
    }

    @Test
    void socketsStillWorkAfterTheHubThatFirstUsedThemIsClosed() throws Exception {
        // regression: the JDK's pollers, started lazily by the first patched socket call, ran on
        // that fiber's hub; closing the hub froze every socket of the JVM
        try (Hub first = new Hub(); ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Monkey.spawn(first, () -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    return s.isConnected();
                }
            }).get();
            server.accept().close();
        }
        assertASocketReadBlocksOnlyThePatchedFiber();
    }

    @Test
    void juclockAndSynchronizedWaitAreCooperative() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Object monitor = new Object();
        boolean[] ready = new boolean[1];
        hub.invoke(() -> {
            Fiber<Void> holder = Monkey.spawn(hub, () -> {
                lock.lock();
                try {
                    log.add("holder has the lock");
                    synchronized (monitor) {
                        while (!ready[0]) {
                            monitor.wait(); // releases the monitor and the carrier
                        }
                    }
                    log.add("holder notified");
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                } finally {
                    lock.unlock();
                }
            });
            Fiber<Void> contender = Monkey.spawn(hub, () -> {
                lock.lock(); // blocks this fiber only, until the holder unlocks
                try {
                    log.add("contender has the lock");
                } finally {
                    lock.unlock();
                }
            });
            Fiber<Void> notifier = Monkey.spawn(hub, () -> {
                synchronized (monitor) {
                    log.add("notifier runs while both wait");
                    ready[0] = true;
                    monitor.notifyAll();
                }
            });
            Fiber.joinAll(holder, contender, notifier);
            return null;
        });
        assertEquals(List.of("holder has the lock", "notifier runs while both wait", "holder notified",
                "contender has the lock"), log);
    }

    @Test
    void threadLocalsArePrivateToEachPatchedFiber() throws Exception {
        ThreadLocal<String> local = new ThreadLocal<>();
        hub.invoke(() -> {
            Fiber<Void> a = Monkey.spawn(hub, () -> {
                local.set("a");
                Fiber.yieldNow();
                log.add(local.get());
            });
            Fiber<Void> b = Monkey.spawn(hub, () -> {
                log.add(String.valueOf(local.get()));
                local.set("b");
                Fiber.yieldNow();
                log.add(local.get());
            });
            return Fiber.joinAll(a, b);
        });
        assertEquals(List.of("null", "a", "b"), log);
    }

    @Test
    void aTimeoutInterruptsABlockingJdkCall() throws Exception {
        String result = hub.invoke(() -> Monkey.spawn(hub, () -> Timeout.withTimeout(Duration.ofMillis(5), () -> {
            Thread.sleep(Duration.ofDays(1));
            return "slept";
        }, "timed out")).get());
        assertEquals("timed out", result);
    }

    /**
     * A patched fiber of a group gets its timeouts from the group's timer thread, which also
     * interrupts it. Closing a timeout that fired but was never thrown (no suspension point in
     * its scope) must take that interrupt away too, or the next blocking JDK call, after the
     * scope, throws InterruptedException for a closed timeout. Found by Monkey_02 in stress.
     */
    @Test
    void aClosedTimeoutThatFiredLeavesNoInterruptBehind() throws Exception {
        try (MultiCarrierScheduler group = new MultiCarrierScheduler(2)) {
            String result = Monkey.spawn(group, () -> {
                try (Timeout t = Timeout.after(Duration.ofNanos(1))) {
                    while (!t.hasExpired()) {
                        Thread.onSpinWait(); // no suspension point: the expiry is recorded, not thrown
                    }
                }
                ReentrantLock lock = new ReentrantLock();
                try {
                    lock.lockInterruptibly(); // free: returns at once unless interrupted
                    lock.unlock();
                    return "not interrupted";
                } catch (InterruptedException e) {
                    return "interrupted by a closed timeout";
                }
            }).get();
            assertEquals("not interrupted", result);
        }
    }

    @Test
    void closingAHubKillsItsPatchedFibers() throws Exception {
        Hub other = new Hub();
        Fiber<Void> sleeper = Monkey.spawn(other, () -> {
            try {
                Thread.sleep(Duration.ofDays(1));
            } catch (InterruptedException e) {
                log.add("interrupted");
            }
        });
        other.invoke(() -> 0); // queued behind the sleeper on the same carrier: it runs once the sleeper sleeps
        other.close();
        assertTrue(sleeper.isDone());
        assertEquals(List.of("interrupted"), log, "the kill interrupted its Thread.sleep");
    }

    /** Run in a JVM started without --add-opens. */
    public static final class PatchWithoutFlag {
        public static void main(String[] args) {
            try {
                Monkey.patchAll();
                System.out.println("patched");
            } catch (UnsupportedOperationException e) {
                System.out.println(e.getMessage());
            }
        }
    }

    @Test
    void withoutTheOpensFlagPatchAllSaysWhichFlagToAdd() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), PatchWithoutFlag.class.getName())
                .redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(out.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), out);
        } finally {
            p.destroyForcibly();
        }
    }
}
