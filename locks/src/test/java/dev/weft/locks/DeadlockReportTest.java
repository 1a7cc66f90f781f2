package dev.weft.locks;

import dev.weft.fibers.DeadlockDetected;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.fibers.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deadlock report (gevent's {@code LoopExit}): two fibers that each hold one semaphore and
 * wait for the other's are reported, with both fibers and both semaphores named; strict mode
 * throws the report from {@code invoke}, the default logs it once and keeps waiting; a fiber that
 * a thread outside wakes within the grace period is never reported. The reports are read from
 * the {@link Scheduler#setDeadlockHandler deadlock handler}.
 */
class DeadlockReportTest {
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstReport = new CountDownLatch(1);
    private final CountDownLatch secondReport = new CountDownLatch(2);

    @BeforeEach
    void listen() {
        Scheduler.setDeadlockHandler(report -> {
            reports.add(report);
            firstReport.countDown();
            secondReport.countDown();
        });
    }

    @AfterEach
    void restoreTheDefaultHandler() {
        Scheduler.setDeadlockHandler(report -> System.getLogger("dev.weft").log(System.Logger.Level.WARNING, report));
    }

    /** Each fiber takes its own semaphore, lets the other run, then waits for the other's. */
    private static List<Fiber<Void>> crossedPair(Semaphore a, Semaphore b) {
        Fiber<Void> left = Fiber.spawn("left", () -> {
            a.acquire();
            Fiber.yieldNow();
            b.acquire();
        });
        Fiber<Void> right = Fiber.spawn("right", () -> {
            b.acquire();
            Fiber.yieldNow();
            a.acquire();
        });
        return List.of(left, right);
    }

    private static String idOf(Object o) {
        return o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o));
    }

    @Test
    void strictInvokeThrowsTheReportNamingBothFibersAndBothSemaphores() {
        Semaphore a = new Semaphore(1);
        Semaphore b = new Semaphore(1);
        try (Hub hub = new Hub()) {
            hub.strictDeadlocks(true);
            DeadlockDetected thrown = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                long start = System.nanoTime();
                DeadlockDetected d = assertThrows(DeadlockDetected.class, () -> hub.invoke(() -> {
                    Fiber.joinAll(crossedPair(a, b));
                    return null;
                }));
                System.out.printf("strict deadlock thrown %.1f ms after invoke began%n", (System.nanoTime() - start) / 1e6);
                return d;
            });
            String report = thrown.getMessage();
            assertTrue(report.startsWith("Weft deadlock on " + hub), report);
            assertTrue(report.contains("fiber left (id "), report);
            assertTrue(report.contains("fiber right (id "), report);
            assertTrue(report.contains("on Semaphore[permits=0, queued=1] <" + idOf(a) + ">"), report);
            assertTrue(report.contains("on Semaphore[permits=0, queued=1] <" + idOf(b) + ">"), report);
            assertTrue(report.contains("at dev.weft.locks.Semaphore.acquire"), report);
            assertTrue(report.contains("at dev.weft.locks.DeadlockReportTest.lambda$crossedPair"), report);
        } // close kills the two crossed fibers (strict, their deadlock is also logged once invoke has returned)
    }

    @Test
    void defaultModeLogsOnceAndKeepsWaiting() throws Exception {
        Semaphore a = new Semaphore(1);
        Semaphore b = new Semaphore(1);
        Duration grace = Duration.ofMillis(200);
        try (Hub hub = new Hub()) {
            hub.deadlockGrace(grace);
            List<Fiber<Void>> pair = hub.invoke(() -> crossedPair(a, b));
            assertTrue(firstReport.await(10, TimeUnit.SECONDS), "no deadlock report was logged");
            String report = reports.get(0);
            assertTrue(report.contains("fiber left (id ") && report.contains("fiber right (id "), report);
            assertTrue(report.contains("<" + idOf(a) + ">") && report.contains("<" + idOf(b) + ">"), report);
            assertTrue(hub.dump().contains("fiber left"), "a dump does not count as progress");
            assertFalse(secondReport.await(3 * grace.toMillis(), TimeUnit.MILLISECONDS),
                    "the same episode was reported twice:\n" + reports);
            assertTrue(pair.get(0).isAlive() && pair.get(1).isAlive(), "the report must not end the fibers");

            a.release(); // a thread outside ends it: right gets a, left gets b, and both end
            b.release();
            Fiber.joinAll(pair);
            assertTrue(pair.get(0).isSuccessful() && pair.get(1).isSuccessful());
        }
        assertEquals(1, reports.size(), reports.toString());
    }

    /**
     * On a group, the two stuck fibers may sit on different carriers, so the deadlock is the
     * group's: the main fiber holds both semaphores and joins two fibers that each wait for one.
     */
    private static List<Fiber<Void>> stuckOnHeldSemaphores(Semaphore a, Semaphore b) throws InterruptedException {
        a.acquire();
        b.acquire();
        return List.of(Fiber.spawn("left", () -> b.acquire()), Fiber.spawn("right", () -> a.acquire()));
    }

    @Test
    void aGroupWhoseCarriersAreAllStuckThrowsFromStrictInvoke() {
        Semaphore a = new Semaphore(1);
        Semaphore b = new Semaphore(1);
        try (MultiCarrierScheduler group = new MultiCarrierScheduler(2)) {
            group.strictDeadlocks(true);
            DeadlockDetected thrown = assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                    assertThrows(DeadlockDetected.class, () -> group.invoke(() -> {
                        Fiber.joinAll(stuckOnHeldSemaphores(a, b));
                        return null;
                    })));
            String report = thrown.getMessage();
            assertTrue(report.startsWith("Weft deadlock on " + group), report);
            assertTrue(report.contains("fiber left (id ") && report.contains("fiber right (id "), report);
            assertTrue(report.contains("fiber main (id "), report);
            assertTrue(report.contains("<" + idOf(a) + ">") && report.contains("<" + idOf(b) + ">"), report);
        }
    }

    @Test
    void aGroupLogsOnceAndKeepsWaitingUntilAThreadOutsideEndsIt() throws Exception {
        Semaphore a = new Semaphore(1);
        Semaphore b = new Semaphore(1);
        Duration grace = Duration.ofMillis(200);
        try (MultiCarrierScheduler group = new MultiCarrierScheduler(2)) {
            group.deadlockGrace(grace);
            List<Fiber<Void>> pair = group.invoke(() -> stuckOnHeldSemaphores(a, b));
            assertTrue(firstReport.await(10, TimeUnit.SECONDS), "no deadlock report was logged");
            String report = reports.get(0);
            assertTrue(report.startsWith("Weft deadlock on " + group), report);
            assertTrue(report.contains("fiber left (id ") && report.contains("fiber right (id "), report);
            assertFalse(secondReport.await(3 * grace.toMillis(), TimeUnit.MILLISECONDS),
                    "the same episode was reported twice:\n" + reports);
            a.release();
            b.release();
            Fiber.joinAll(pair);
            assertTrue(pair.get(0).isSuccessful() && pair.get(1).isSuccessful());
        }
        assertEquals(1, reports.size(), reports.toString());
    }

    @Test
    void aFiberThatAThreadWakesWithinTheGraceIsNotReported() throws Exception {
        Semaphore s = new Semaphore(0);
        Thread waker = Thread.ofPlatform().name("waker").start(() -> {
            try {
                Thread.sleep(1000); // the scenario: a wake-up from outside after a second
            } catch (InterruptedException e) {
                return;
            }
            s.release();
        });
        try (Hub hub = new Hub()) {
            assertEquals("woken", hub.invoke(() -> {
                s.acquire();
                return "woken";
            }));
        } finally {
            waker.interrupt();
            waker.join();
        }
        assertEquals(List.of(), reports);
    }
}
