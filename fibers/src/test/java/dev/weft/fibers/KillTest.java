package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kill matrix (probe P14): every state a fiber can be killed in. */
class KillTest {
    private final Hub hub = new Hub();
    private final List<String> log = new ArrayList<>();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void aFiberKilledBeforeItEverRanNeverRuns() throws Exception { // P14b
        hub.invoke(() -> {
            var f = Fiber.spawn(() -> log.add("ran"));
            f.kill();
            f.join();
            assertTrue(f.isCancelled());
            assertTrue(f.isSuccessful(), "a killed fiber counts as successful, as in gevent");
            assertNull(f.value());
            assertNull(f.exception());
            return null;
        });
        assertEquals(List.of(), log);
    }

    @Test
    void aFiberKilledWhileScheduledButNotYetResumedGetsTheKillWhenItResumes() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> f = Fiber.spawn(() -> {
                log.add("started");
                try {
                    Fiber.yieldNow();
                    log.add("resumed normally");
                } finally {
                    log.add("finally");
                }
            });
            Fiber.yieldNow(); // f runs to its yield and is queued again
            f.kill();         // killed while runnable, not yet resumed
            f.join();
            assertTrue(f.isCancelled());
            return null;
        });
        assertEquals(List.of("started", "finally"), log);
    }

    @Test
    void killWakesASleeperAtOnceAndItsFinallyRuns() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> sleeper = Fiber.spawn(() -> {
                try {
                    Fiber.sleep(Duration.ofDays(1));
                } finally {
                    log.add("finally");
                }
            });
            Fiber.yieldNow();
            sleeper.kill();
            sleeper.join(); // would take a day if the kill did not wake it
            return null;
        });
        assertEquals(List.of("finally"), log);
    }

    @Test
    void killWakesAFiberBlockedOnParkAndThrowsFiberExitThere() throws Exception {
        Throwable[] seen = new Throwable[1];
        hub.invoke(() -> {
            Fiber<Void> blocked = Fiber.spawn(() -> {
                try {
                    Strand.park();
                } catch (FiberExit e) {
                    seen[0] = e;
                    throw e;
                }
            });
            Fiber.yieldNow();
            blocked.kill();
            blocked.join();
            return null;
        });
        assertInstanceOf(FiberExit.class, seen[0]);
    }

    @Test
    void killingADeadFiberOrKillingTwiceChangesNothing() throws Exception {
        hub.invoke(() -> {
            Fiber<Integer> done = Fiber.spawn(() -> 3);
            done.join();
            done.kill();
            assertTrue(done.isSuccessful());
            assertFalse(done.isCancelled());
            assertEquals(3, done.value());

            Fiber<Void> twice = Fiber.spawn(() -> {
                try {
                    Strand.park();
                } finally {
                    log.add("finally once");
                }
            });
            Fiber.yieldNow();
            twice.kill();
            twice.kill(new IllegalStateException("second kill"));
            twice.join();
            assertTrue(twice.isCancelled(), "the first kill decides the outcome");
            return null;
        });
        assertEquals(List.of("finally once"), log);
    }

    @Test
    void killWithAnExceptionMakesTheFiberFailWithIt() throws Exception { // P14c
        IllegalArgumentException custom = new IllegalArgumentException("custom");
        hub.invoke(() -> {
            Fiber<Void> f = Fiber.spawn(() -> Strand.park());
            Fiber.yieldNow();
            f.kill(custom);
            f.join();
            assertFalse(f.isSuccessful());
            assertSame(custom, f.exception());
            return null;
        });
    }

    @Test
    void killAndJoinWaitsForCleanup() throws Exception { // P14d
        hub.invoke(() -> {
            Fiber<Void> f = Fiber.spawn(() -> {
                try {
                    Strand.park();
                } finally {
                    Fiber.sleep(Duration.ofMillis(5)); // cleanup that itself suspends
                    log.add("cleaned up");
                }
            });
            Fiber.yieldNow();
            assertTrue(f.killAndJoin(Duration.ofDays(1)));
            return null;
        });
        assertEquals(List.of("cleaned up"), log);
    }

    @Test
    void killAndJoinReturnsFalseWhenAStubbornFiberOutlivesTheTimeout() throws Exception { // P14e
        hub.invoke(() -> {
            Fiber<Void> stubborn = Fiber.spawn(() -> {
                try {
                    Strand.park();
                } catch (FiberExit ignored) {
                    Strand.park(); // refuses to die until unparked
                }
            });
            Fiber.yieldNow();
            assertFalse(stubborn.killAndJoin(Duration.ofMillis(1)));
            assertTrue(stubborn.isAlive());
            stubborn.unpark();
            stubborn.join();
            return null;
        });
    }

    @Test
    void anOrdinaryCatchOfExceptionDoesNotSwallowTheKill() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> f = Fiber.spawn(() -> {
                try {
                    Strand.park();
                } catch (Exception e) {
                    log.add("swallowed");
                }
                log.add("kept running");
            });
            Fiber.yieldNow();
            f.kill();
            f.join();
            assertTrue(f.isCancelled());
            return null;
        });
        assertEquals(List.of(), log);
    }

    @Test
    void killingTheCurrentFiberThrowsAtOnce() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> f = Fiber.spawn(() -> {
                Fiber.current().kill();
                log.add("not reached");
            });
            f.join();
            assertTrue(f.isCancelled());
            return null;
        });
        assertEquals(List.of(), log);
    }

    @Test
    void killAllKillsEveryFiberAndCanWait() throws Exception {
        hub.invoke(() -> {
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fibers.add(Fiber.spawn(() -> Fiber.sleep(Duration.ofDays(1))));
            }
            Fiber.yieldNow();
            assertTrue(Fiber.killAll(fibers, Duration.ofDays(1)));
            fibers.forEach(f -> assertTrue(f.isCancelled()));
            return null;
        });
    }

    @Test
    void aKillFromAnotherThreadReachesAParkedFiber() throws Exception {
        Fiber<Void> f = hub.spawn(() -> Strand.park());
        f.kill();
        assertThrows(java.util.concurrent.CancellationException.class, f::get);
    }

    @Test
    void millionSleepThenKillCyclesLeaveNoTimersBehind() throws Exception {
        int timers = hub.invoke(() -> {
            for (int i = 0; i < 1_000_000; i++) {
                Fiber<Void> sleeper = Fiber.spawn(() -> Fiber.sleep(Duration.ofDays(1)));
                Fiber.yieldNow(); // it runs and sleeps: one timer armed
                sleeper.kill();
                sleeper.join();
            }
            return hub.pendingTimers();
        });
        assertEquals(0, timers);
        assertEquals(1, hub.invoke(hub::liveFibers), "only the fiber asking is alive");
    }
}
