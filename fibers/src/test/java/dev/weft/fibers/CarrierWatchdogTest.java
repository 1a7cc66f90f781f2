package dev.weft.fibers;

import dev.weft.fibers.CarrierWatchdog.BlockedCarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocked-carrier monitor reports a fiber that blocks its carrier once per episode, with its
 * name and the carrier's stack; rate-limits a fiber's repeated episodes; can be switched off; and
 * neither keeps the JVM alive nor a closed scheduler reachable.
 *
 * <p>No test sleeps or times anything: a fiber blocks its carrier on a latch the test releases,
 * and the test waits for the watchdog's own progress counters ({@code looks}, {@code episodes})
 * before it concludes that something was not reported.
 */
class CarrierWatchdogTest {
    /** Small, so that a test waits little; a look every 5 ms. */
    private static final Duration THRESHOLD = Duration.ofMillis(20);
    /** Looks the watchdog makes before a test concludes it did not report: 4 thresholds' worth. */
    private static final int LOOKS = 16;

    private final Hub hub = new Hub("watched");
    private final BlockingQueue<BlockedCarrier> reports = new LinkedBlockingQueue<>();
    /** The schedulers whose reports a test receives: others' hubs may be reported too (a loaded machine). */
    private final Set<Scheduler> watched = ConcurrentHashMap.newKeySet();
    private final long window = CarrierWatchdog.repeatWindowNanos;
    private Consumer<? super BlockedCarrier> defaultReporter;

    @BeforeEach
    void captureReports() {
        hub.blockedCarrierThreshold(THRESHOLD);
        watched.add(hub);
        defaultReporter = CarrierWatchdog.installReporter(r -> {
            if (watched.contains(r.scheduler())) {
                reports.add(r);
            }
        });
    }

    /** Every latch a test made: released before the hub closes, so a failed test cannot hang the close. */
    private final java.util.List<CountDownLatch> latches = new java.util.concurrent.CopyOnWriteArrayList<>();

    private CountDownLatch latch() {
        CountDownLatch l = new CountDownLatch(1);
        latches.add(l);
        return l;
    }

    @AfterEach
    void restore() {
        latches.forEach(CountDownLatch::countDown); // a test that failed before its release leaves a fiber blocking the carrier
        hub.close();
        CarrierWatchdog.installReporter(defaultReporter);
        CarrierWatchdog.repeatWindowNanos = window;
    }

    /** Spawns a fiber that blocks its carrier thread (a plain latch await) until {@code release}. */
    private Fiber<Void> blockCarrier(String name, CountDownLatch release) {
        return hub.spawn(name, () -> release.await());
    }

    private static void awaitLooks(int n) throws InterruptedException {
        long target = CarrierWatchdog.looks + n;
        while (CarrierWatchdog.looks < target) {
            Thread.sleep(1); // a poll for the watchdog's progress, not a synchronisation by time
        }
    }

    private static void awaitEpisodes(long target) throws InterruptedException {
        while (CarrierWatchdog.episodes < target) {
            Thread.sleep(1);
        }
    }

    @Test
    void aFiberThatBlocksItsCarrierIsReportedOnceWithItsNameAndTheCarriersStack() throws Exception {
        CountDownLatch release = latch();
        Fiber<Void> blocker = blockCarrier("blocker", release);
        BlockedCarrier r = reports.poll(60, TimeUnit.SECONDS);
        assertNotNull(r, "no report of a carrier blocked on a latch");
        assertSame(blocker, r.fiber());
        assertSame(hub.carrier(), r.carrier());
        assertTrue(r.blockedNanos() >= THRESHOLD.toNanos(), "reported before the threshold: " + r.blockedNanos());
        assertTrue(Arrays.stream(r.stack()).anyMatch(e -> e.getClassName().equals(CountDownLatch.class.getName())
                && e.getMethodName().equals("await")), "the carrier's stack shows the blocking call: " + r);
        assertTrue(Arrays.stream(r.stack()).noneMatch(e -> e.getClassName().equals(Hub.class.getName())),
                "the frames that run every fiber (the hub's loop) are left out: " + r);
        String text = r.toString();
        assertTrue(text.contains("Fiber[blocker, alive]") && text.contains("watched")
                && text.contains("CountDownLatch.await"), text);
        awaitLooks(LOOKS); // the same episode goes on: not reported again
        release.countDown();
        blocker.join();
        assertNull(reports.poll(), "one episode, one report");
    }

    /**
     * A fiber that waits to enter a monitor blocks its carrier in {@code monitorenter}; when a
     * suspended fiber of the same carrier holds that monitor, nothing can ever release it. A
     * platform thread holds it here (so that the test can end the episode); the report must say
     * the carrier waits for a monitor and name the hazard.
     */
    @Test
    void aCarrierBlockedEnteringAMonitorIsReportedWithTheSuspendedHolderHazard() throws Exception {
        Object monitor = new Object();
        CountDownLatch held = latch();
        CountDownLatch release = latch();
        Thread holder = Thread.ofPlatform().name("monitor-holder").start(() -> {
            synchronized (monitor) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        held.await();
        Fiber<Void> enterer = hub.spawn("enterer", () -> {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        });
        BlockedCarrier r = reports.poll(60, TimeUnit.SECONDS);
        release.countDown();
        holder.join();
        enterer.join();
        assertNotNull(r, "no report of a carrier blocked entering a monitor");
        assertSame(enterer, r.fiber());
        assertEquals(Thread.State.BLOCKED, r.state());
        assertTrue(r.toString().contains("waits to enter a monitor (synchronized)")
                && r.toString().contains("Hold no monitor across a suspension"), r.toString());
    }

    @Test
    void aBlockedCarrierOfAMultiCarrierSchedulerIsReportedWithItsGroup() throws Exception {
        try (MultiCarrierScheduler group = new MultiCarrierScheduler(2)) {
            group.blockedCarrierThreshold(THRESHOLD);
            watched.add(group);
            CountDownLatch release = latch();
            Fiber<Void> blocker = group.spawn("group-blocker", () -> release.await());
            BlockedCarrier r = reports.poll(60, TimeUnit.SECONDS);
            release.countDown();
            blocker.join();
            assertNotNull(r, "no report of a group's blocked carrier");
            assertSame(blocker, r.fiber());
            assertSame(group, r.scheduler());
            assertTrue(r.carrier().getName().startsWith("weft-carrier-"), r.carrier().getName());
        }
    }

    @Test
    void aFibersRepeatedEpisodesAreCountedAndLoggedWithTheNextReportAfterTheWindow() throws Exception {
        CarrierWatchdog.repeatWindowNanos = TimeUnit.HOURS.toNanos(1);
        CountDownLatch[] release = {latch(), latch(), latch()};
        CountDownLatch[] entered = {latch(), latch(), latch()};
        long before = CarrierWatchdog.episodes;
        Fiber<Void> repeater = hub.spawn("repeater", () -> {
            for (int i = 0; i < 3; i++) {
                entered[i].countDown();
                release[i].await();
                Fiber.yieldNow(); // a switch: the next block is a new episode
            }
        });
        BlockedCarrier first = reports.poll(60, TimeUnit.SECONDS);
        assertNotNull(first);
        assertSame(repeater, first.fiber());
        assertEquals(0, first.heldBack());
        // NOTE: not `seen = episodes` here: the count rises just after the report is handed over,
        // so reading it now could miss the first episode, and the wait below end on it
        awaitEpisodes(before + 1);
        long seen = before + 1;
        release[0].countDown();
        entered[1].await();
        awaitEpisodes(seen + 1); // the second episode was seen...
        release[1].countDown();
        entered[2].await();
        assertNull(reports.poll(), "...and its log line held back");
        CarrierWatchdog.repeatWindowNanos = 0; // the window has passed
        BlockedCarrier third = reports.poll(60, TimeUnit.SECONDS);
        assertNotNull(third);
        assertSame(repeater, third.fiber());
        assertEquals(1, third.heldBack());
        assertTrue(third.toString().contains("1 earlier episode(s) of this fiber were not logged"), third.toString());
        release[2].countDown();
        repeater.join();
    }

    @Test
    void aZeroThresholdSwitchesTheMonitorOffForThatScheduler() throws Exception {
        hub.blockedCarrierThreshold(Duration.ZERO);
        try (Hub watchedIdle = new Hub("keeps-the-watchdog-looking")) {
            watchedIdle.blockedCarrierThreshold(THRESHOLD);
            CountDownLatch release = latch();
            Fiber<Void> blocker = blockCarrier("unwatched", release);
            awaitLooks(LOOKS);
            release.countDown();
            blocker.join();
        }
        assertNull(reports.poll(), "a scheduler with the monitor off is never reported");
    }

    @Test
    void theSystemPropertySetsTheDefaultThresholdAndOffSwitchesItOff() {
        String old = System.getProperty(Scheduler.BLOCKED_CARRIER_THRESHOLD);
        try {
            System.setProperty(Scheduler.BLOCKED_CARRIER_THRESHOLD, "off");
            try (Hub off = new Hub()) {
                assertEquals(0, off.blockedCarrierThresholdNanos());
            }
            System.setProperty(Scheduler.BLOCKED_CARRIER_THRESHOLD, "250ms");
            try (Hub quarter = new Hub()) {
                assertEquals(TimeUnit.MILLISECONDS.toNanos(250), quarter.blockedCarrierThresholdNanos());
            }
            System.setProperty(Scheduler.BLOCKED_CARRIER_THRESHOLD, "soon");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Hub::new);
            assertTrue(e.getMessage().contains(Scheduler.BLOCKED_CARRIER_THRESHOLD + "=soon"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(Scheduler.BLOCKED_CARRIER_THRESHOLD);
            } else {
                System.setProperty(Scheduler.BLOCKED_CARRIER_THRESHOLD, old);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> hub.blockedCarrierThreshold(Duration.ofMillis(-1)));
    }

    @Test
    void theWatchdogIsADaemonAndKeepsNoClosedSchedulerReachable() throws Exception {
        Thread watchdog = CarrierWatchdog.thread();
        assertNotNull(watchdog, "started with the first scheduler");
        assertTrue(watchdog.isDaemon(), "the watchdog must not keep the JVM alive");

        WeakReference<Hub> ref = reportedThenClosedHub();
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            awaitLooks(1); // the watchdog walks the live schedulers meanwhile
        }
        assertNull(ref.get(), "the watchdog (or the registry) keeps a closed hub reachable");
    }

    /** A hub whose fiber was reported (so it sits in the rate limiter's map), then closed; only weakly held here. */
    private static WeakReference<Hub> reportedThenClosedHub() throws Exception {
        Hub closed = new Hub("closed");
        closed.blockedCarrierThreshold(THRESHOLD);
        CountDownLatch release = new CountDownLatch(1); // released below before anything can fail
        long seen = CarrierWatchdog.episodes;
        Fiber<Void> blocker = closed.spawn("reported-then-closed", () -> release.await());
        awaitEpisodes(seen + 1);
        release.countDown();
        blocker.join();
        closed.close();
        boolean[] listed = {false};
        Scheduler.forEachLive(s -> listed[0] |= s == closed);
        assertFalse(listed[0], "a closed scheduler is not listed as live");
        return new WeakReference<>(closed);
    }
}
