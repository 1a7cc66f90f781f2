package dev.weft.fibers;

import jdk.internal.vm.Continuation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fiber that cannot suspend (pinned) blocks its carrier instead, is reported once with its
 * stack, and leaves the scheduler working.
 */
class PinningTest {
    private final Hub hub = new Hub();
    private final List<PinnedYield> reports = new ArrayList<>();

    @BeforeEach
    void captureReports() {
        Fiber.setPinnedHandler(report -> {
            synchronized (reports) {
                reports.add(report);
            }
        });
    }

    @AfterEach
    void restore() {
        hub.close();
        Fiber.setPinnedHandler(System.err::println);
    }

    @Test
    void aPinnedParkBlocksTheCarrierUntilUnparkedAndIsReportedOnce() throws Exception {
        java.util.concurrent.atomic.AtomicInteger parks = new java.util.concurrent.atomic.AtomicInteger();
        Fiber<Thread> pinned = hub.spawn(() -> {
            Continuation.pin();
            try {
                parks.incrementAndGet();
                Strand.park(); // cannot yield: blocks the carrier thread
                parks.incrementAndGet();
                Strand.park(); // a second pinned park: not reported again
            } finally {
                Continuation.unpin();
            }
            return Thread.currentThread();
        });
        // an unpark while the first park's permit is still unconsumed would merge with it, so
        // wait for each park in turn before waking it
        for (int park = 1; park <= 2; park++) {
            while (parks.get() != park || ((ContinuationFiber<?>) pinned).runState() != ContinuationFiber.PINNED) {
                Thread.onSpinWait();
            }
            pinned.unpark();
        }
        assertSame(hub.carrier(), pinned.get());
        assertEquals(1, reports.size());
        PinnedYield report = reports.get(0);
        assertSame(pinned, report.fiber());
        assertEquals("CRITICAL_SECTION", report.reason());
        assertTrue(report.stack().length > 0);
        assertTrue(report.toString().contains("could not suspend"));
        assertEquals(4, hub.invoke(() -> 2 + 2), "the hub still runs fibers afterwards");
    }

    @Test
    void aKillReachesAPinnedFiber() throws Exception {
        Fiber<Void> pinned = hub.spawn(() -> {
            Continuation.pin();
            try {
                Strand.park();
            } finally {
                Continuation.unpin();
            }
        });
        while (((ContinuationFiber<?>) pinned).runState() != ContinuationFiber.PINNED) {
            Thread.onSpinWait();
        }
        pinned.kill();
        pinned.join();
        assertTrue(pinned.isCancelled());
    }

    @Test
    void aYieldInAClassInitializerDoesNotSuspendAndIsReported() throws Exception {
        assertEquals("initialized", hub.invoke(() -> YieldsInItsInitializer.VALUE));
        assertEquals(1, reports.size());
        assertTrue(reports.get(0).reason().equals("NATIVE") || reports.get(0).reason().equals("CRITICAL_SECTION"),
                reports.get(0).reason());
    }

    static final class YieldsInItsInitializer {
        static final String VALUE;

        static {
            Fiber.yieldNow();
            VALUE = "initialized";
        }
    }
}
