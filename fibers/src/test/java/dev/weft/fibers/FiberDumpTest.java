package dev.weft.fibers;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fiber dump in the cases a carrier's ordinary answer does not cover: taken by a fiber of the
 * dumped hub itself, of a carrier that a fiber blocks (it cannot answer), of a multi-carrier
 * scheduler, with patched fibers; and the JVM-wide dump.
 */
class FiberDumpTest {

    @Test
    void aFiberDumpsItsOwnHubAndShowsItselfRunning() throws Exception {
        try (Hub hub = new Hub("self-dump")) {
            String dump = hub.invoke(() -> {
                Fiber.spawn("sleeper", () -> Fiber.sleep(java.time.Duration.ofMinutes(1)));
                Fiber.yieldNow(); // the sleeper parks
                return hub.dump();
            });
            assertTrue(dump.contains("fiber main (id "), dump);
            assertTrue(dump.contains("RUNNING (taking this dump)"), dump);
            assertTrue(dump.contains("at dev.weft.fibers.FiberDumpTest.lambda$aFiberDumpsItsOwnHubAndShowsItselfRunning"), dump);
            assertTrue(Pattern.compile("fiber sleeper \\(id \\p{XDigit}+, plain, PARKED\\) waits \\(timed\\) [\\d,]+ ms on Fiber.sleep")
                    .matcher(dump).find(), dump);
        } // close kills the sleeper
    }

    @Test
    void aBlockedCarrierIsShownWithItsThreadsStack() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Hub hub = new Hub("blocked-dump")) {
            hub.blockedCarrierThreshold(java.time.Duration.ZERO); // this test blocks its carrier on purpose
            CountDownLatch blocking = new CountDownLatch(1);
            Fiber<Void> blocker = hub.spawn("blocker", () -> {
                blocking.countDown();
                release.await(); // blocks the carrier thread: it cannot answer a dump
            });
            blocking.await();
            String dump = hub.dump(); // waits its second for an answer that cannot come
            release.countDown();
            blocker.join();
            assertTrue(dump.contains("carrier blocked-dump (WAITING): "), dump);
            assertTrue(dump.contains("did not answer within the dump's wait: a fiber blocks it"), dump);
            assertTrue(dump.contains("at java.base/java.util.concurrent.CountDownLatch.await"), dump);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aMultiCarrierSchedulerListsEachCarrierAndItsPatchedFibers() throws Exception {
        try (MultiCarrierScheduler s = new MultiCarrierScheduler(2)) {
            Object gate = new Object() {
                @Override
                public String toString() {
                    return "Gate[closed]";
                }
            };
            Fiber<Void> plain = s.spawn("plain", () -> Strand.park(gate));
            Fiber<Void> patched = s.spawn("patched", (CheckedRunnable) () -> Strand.park(gate), true);
            String dump = awaitDump(s, "waits ", 2);
            assertTrue(dump.contains("MultiCarrierScheduler[weft-carrier-"), dump);
            assertEquals(2, Pattern.compile("  carrier weft-carrier-\\d+-[12]: run queue").matcher(dump).results().count(), dump);
            assertTrue(Pattern.compile("fiber plain \\(id \\p{XDigit}+, plain, PARKED\\) waits [\\d,]+ ms on Gate\\[closed\\]")
                    .matcher(dump).find(), dump);
            assertTrue(Pattern.compile("fiber patched \\(id \\p{XDigit}+, patched, WAITING\\) waits [\\d,]+ ms on Gate\\[closed\\]")
                    .matcher(dump).find(), dump);
            String json = s.dumpJson();
            assertTrue(json.contains("\"sharedQueue\":0,"), json);
            assertTrue(json.contains("\"unboundFibers\":[{\"id\":"), json);
            plain.kill();
            patched.kill();
        }
    }

    @Test
    void theJvmWideDumpListsEveryLiveScheduler() throws Exception {
        try (Hub a = new Hub("jvm-dump-a"); Hub b = new Hub("jvm-dump-b")) {
            String dump = Scheduler.dumpAll();
            assertTrue(dump.contains("Hub[jvm-dump-a]") && dump.contains("Hub[jvm-dump-b]"), dump);
            String json = Scheduler.dumpAllJson();
            assertTrue(json.contains("\"scheduler\":\"Hub[jvm-dump-a]\"") && json.contains("\"scheduler\":\"Hub[jvm-dump-b]\""), json);
        }
    }

    /** A dump in which {@code marker} appears {@code n} times: the fibers have got to their parks. */
    private static String awaitDump(Scheduler s, String marker, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String dump;
        do {
            dump = s.dump();
            if (dump.split(Pattern.quote(marker), -1).length - 1 >= n) {
                return dump;
            }
            Thread.sleep(10); // a bounded wait for a condition of the carriers
        } while (System.nanoTime() < deadline);
        return dump;
    }
}
