package dev.weft.bench.echo;

import dev.weft.fibers.Hub;
import dev.weft.fibers.MultiCarrierScheduler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each variant of {@link EchoBench}, at a small size, gets every reply right and leaves no
 * socket open: the process's socket descriptors are counted around a run. Only sockets are
 * counted: a carrier opens its selector (an epoll and an eventfd descriptor) the first time one
 * of its fibers waits on I/O, and which carriers of a multi-carrier scheduler that is depends on
 * the run; those selectors are bounded separately (one per carrier and the thread poller).
 */
class EchoBenchTest {
    private static final int CONNECTIONS = 4;
    private static final int ROUND_TRIPS = 25;
    private static final long ALL_CORRECT = CONNECTIONS * ROUND_TRIPS;
    /**
     * Selectors that may be open during a test: the scheduler's carriers (at most two), the
     * thread poller, and the JDK's own (virtual threads' pollers) and another test's hub that
     * a garbage collection has not reclaimed yet are allowed for with a margin.
     */
    private static final long MOST_SELECTORS = 8;

    @FunctionalInterface
    private interface Exchange {
        long run() throws Exception;
    }

    @Test
    void weftFiberIoOnOneHubEchoesEveryMessageAndClosesEverySocket() throws Exception {
        try (Hub hub = new Hub("echo-test")) {
            assertCleanExchanges(() -> FiberIoEcho.run(hub, CONNECTIONS, ROUND_TRIPS));
        }
    }

    @Test
    void weftFiberIoOnTwoCarriersEchoesEveryMessageAndClosesEverySocket() throws Exception {
        try (MultiCarrierScheduler two = new MultiCarrierScheduler(2)) {
            assertCleanExchanges(() -> FiberIoEcho.run(two, CONNECTIONS, ROUND_TRIPS));
        }
    }

    @Test
    void monkeyModeEchoesEveryMessageAndClosesEverySocket() throws Exception {
        try (Hub hub = new Hub("echo-test")) {
            assertCleanExchanges(() -> ThreadPerConnectionEcho.run(EchoBench.patchedFibers(hub), CONNECTIONS, ROUND_TRIPS));
        }
    }

    @Test
    void virtualThreadsEchoEveryMessageAndCloseEverySocket() throws Exception {
        assertCleanExchanges(() -> ThreadPerConnectionEcho.run(EchoBench.virtualThreadStarter(), CONNECTIONS, ROUND_TRIPS));
    }

    @Test
    void theSelectorLoopFloorEchoesEveryMessageAndClosesEverySocket() throws Exception {
        assertCleanExchanges(() -> SelectorLoopEcho.run(CONNECTIONS, ROUND_TRIPS));
    }

    private static void assertCleanExchanges(Exchange exchange) throws Exception {
        assertEquals(ALL_CORRECT, exchange.run(), "correct replies of the first run");
        long before = openDescriptors("socket:");
        assertEquals(ALL_CORRECT, exchange.run(), "correct replies of the second run");
        assertEquals(before, openDescriptors("socket:"), "open socket descriptors after a run");
        long selectors = openDescriptors("anon_inode:[eventpoll]");
        assertTrue(selectors <= MOST_SELECTORS, selectors + " epoll descriptors: more than the carriers' and the thread poller's");
    }

    /** How many of the process's descriptors link to a target starting with {@code kind}. */
    private static long openDescriptors(String kind) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(kind);
                } catch (IOException closedMeanwhile) {
                    return false; // the listing's own descriptor, or one closed since the listing
                }
            }).count();
        }
    }
}
