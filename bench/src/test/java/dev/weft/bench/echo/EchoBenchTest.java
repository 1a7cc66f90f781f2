package dev.weft.bench.echo;

import dev.weft.fibers.Hub;
import dev.weft.fibers.MultiCarrierScheduler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each variant of {@link EchoBench}, at a small size, gets every reply right and leaves no
 * socket open: the descriptors of the process are counted around a run (after a first run,
 * which opens the pollers' selectors for good).
 */
class EchoBenchTest {
    private static final int CONNECTIONS = 4;
    private static final int ROUND_TRIPS = 25;
    private static final long ALL_CORRECT = CONNECTIONS * ROUND_TRIPS;

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

    private static void assertCleanExchanges(Exchange exchange) throws Exception {
        assertEquals(ALL_CORRECT, exchange.run(), "correct replies of the first run");
        long before = openDescriptors();
        assertEquals(ALL_CORRECT, exchange.run(), "correct replies of the second run");
        assertEquals(before, openDescriptors(), "open file descriptors after a run");
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
