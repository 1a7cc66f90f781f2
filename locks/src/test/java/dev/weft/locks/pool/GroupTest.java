package dev.weft.locks.pool;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.locks.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group behaviour, deterministically: each scenario runs as the main fiber of a {@link Hub}, so
 * the order of events is gevent's exact order; nothing sleeps.
 */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class GroupTest {

    private final ConcurrentLinkedQueue<Throwable> reported = new ConcurrentLinkedQueue<>();

    @AfterEach
    void restoreFailureHandler() {
        Fiber.setFailureHandler((f, t) -> t.printStackTrace());
    }

    private void captureReports() {
        Fiber.setFailureHandler((f, t) -> reported.add(t));
    }

    @Test
    void membersAreDroppedWhenTheyEndAndJoinWaitsForAll() throws Exception { // gevent P21f
        try (Hub hub = new Hub()) {
            List<Object> seen = hub.invoke(() -> {
                Group g = new Group();
                Fiber<Void> a = g.spawn(() -> Fiber.yieldNow());
                g.spawn(() -> {
                    Fiber.yieldNow();
                    Fiber.yieldNow();
                });
                int before = g.size();
                boolean containsA = g.contains(a);
                g.join();
                return List.of(before, containsA, g.isEmpty(), a.isDone());
            });
            assertEquals(List.of(2, true, true, true), seen);
        }
    }

    @Test
    void joinWaitsForMembersAddedWhileItWaits() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                List<String> out = new ArrayList<>();
                Group g = new Group();
                g.spawn(() -> {
                    out.add("first");
                    g.spawn(() -> out.add("added by first"));
                });
                g.join();
                out.add("joined");
                return out;
            });
            assertEquals(List.of("first", "added by first", "joined"), log);
        }
    }

    @Test
    void aTimedJoinThatTimesOutReturnsFalseAndLeavesTheMembersRunning() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Semaphore gate = new Semaphore(0);
                Group g = new Group();
                Fiber<Void> parked = g.spawn(() -> gate.acquireUninterruptibly());
                assertFalse(g.join(Duration.ofMillis(1)));
                assertTrue(parked.isAlive());
                assertEquals(1, g.size());
                gate.release();
                assertTrue(g.join(Duration.ofSeconds(10)));
                return null;
            });
        }
    }

    @Test
    void joinFailFastThrowsAsSoonAsAMemberFailsAndTheOthersKeepRunning() throws Exception {
        captureReports();
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Semaphore gate = new Semaphore(0);
                Group g = new Group();
                IllegalStateException boom = new IllegalStateException("boom");
                Fiber<Void> slow = g.spawn(() -> gate.acquireUninterruptibly());
                g.spawn(() -> {
                    Fiber.yieldNow();
                    throw boom;
                });
                ExecutionException e = assertThrows(ExecutionException.class, g::joinFailFast);
                assertSame(boom, e.getCause());
                assertTrue(slow.isAlive(), "a fail-fast join returns at the failure; it kills nobody");
                g.killAndJoin();
                assertTrue(slow.isCancelled());
                return null;
            });
        }
        assertEquals(1, reported.size(), "the runtime reports the failure once, joined or not: " + reported);
    }

    @Test
    void aMemberFailureIsReportedOnceWhileTheGroupJoinsOn() throws Exception {
        captureReports();
        IllegalStateException boom = new IllegalStateException("boom");
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Group g = new Group();
                g.spawn(() -> {
                    throw boom;
                });
                g.join();
                return null;
            });
        }
        assertEquals(List.of(boom), List.copyOf(reported));
    }

    @Test
    void killDoesNotWaitAndKillAndJoinDoes() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                List<String> out = new ArrayList<>();
                Semaphore gate = new Semaphore(0);
                Group g = new Group();
                for (int i = 0; i < 2; i++) {
                    int id = i;
                    g.spawn(() -> {
                        try {
                            gate.acquireUninterruptibly();
                        } finally {
                            out.add("cleanup " + id);
                        }
                    });
                }
                Fiber.yieldNow();
                g.kill();
                out.add("kill returned, size " + g.size());
                g.join();
                out.add("joined, size " + g.size());
                Fiber<Void> late = g.spawn(() -> gate.acquireUninterruptibly());
                assertTrue(g.killAndJoin(Duration.ofSeconds(10)));
                out.add("late killed: " + late.isCancelled());
                return out;
            });
            assertEquals(List.of("kill returned, size 2", "cleanup 0", "cleanup 1", "joined, size 0", "late killed: true"), log);
        }
    }

    @Test
    void killAndJoinKillsFibersAddedWhileItWaits() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Semaphore gate = new Semaphore(0);
                Group g = new Group();
                List<Fiber<?>> spawnedInCleanup = new ArrayList<>();
                g.spawn(() -> {
                    try {
                        gate.acquireUninterruptibly();
                    } finally {
                        spawnedInCleanup.add(g.spawn(() -> gate.acquireUninterruptibly()));
                    }
                });
                Fiber.yieldNow();
                g.killAndJoin();
                assertEquals(1, spawnedInCleanup.size());
                assertTrue(spawnedInCleanup.getFirst().isCancelled());
                assertTrue(g.isEmpty());
                return null;
            });
        }
    }

    @Test
    void aMemberThatJoinsItsOwnGroupFailsLoudly() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Group g = new Group();
                Fiber<String> self = g.spawn(() -> {
                    IllegalStateException e = assertThrows(IllegalStateException.class, g::join);
                    assertThrows(IllegalStateException.class, g::killAndJoin);
                    return e.getMessage();
                });
                g.join();
                assertTrue(self.get().contains("joined its own group"), self.get());
                return null;
            });
        }
    }

    @Test
    void discardDropsAMemberWithoutKillingIt() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Semaphore gate = new Semaphore(0);
                Group g = new Group();
                Fiber<Void> f = g.spawn(() -> gate.acquireUninterruptibly());
                assertTrue(g.discard(f));
                assertFalse(g.discard(f));
                g.join();
                assertTrue(f.isAlive());
                gate.release();
                f.join();
                assertTrue(g.isEmpty());
                return null;
            });
        }
    }

    @Test
    void addingADoneFiberDropsItAtOnceAndAddingTwiceKeepsOne() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Fiber<Void> done = Fiber.spawn(() -> { });
                done.join();
                Group g = new Group();
                g.add(done);
                assertTrue(g.isEmpty());
                Semaphore gate = new Semaphore(0);
                Fiber<Void> running = Fiber.spawn(() -> gate.acquireUninterruptibly());
                g.add(running);
                g.add(running);
                assertEquals(List.of(running), g.fibers());
                gate.release();
                g.join();
                return null;
            });
        }
    }

    @Test
    void aThreadJoinsAGroupOfFibers() throws Exception {
        try (Hub hub = new Hub()) {
            Semaphore gate = new Semaphore(0);
            Group g = new Group(hub);
            g.spawn(() -> gate.acquireUninterruptibly());
            g.spawn(() -> gate.acquireUninterruptibly());
            Thread releaser = Thread.ofPlatform().start(() -> {
                while (gate.queueLength() < 2) {
                    Thread.onSpinWait();
                }
                gate.release(2);
            });
            g.join();
            releaser.join();
            assertTrue(g.isEmpty());
        }
    }
}
