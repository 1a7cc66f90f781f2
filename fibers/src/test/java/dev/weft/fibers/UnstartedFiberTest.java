package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's Greenlet(f) then start(), start_later and spawn_later (probes P13, P14b). */
class UnstartedFiberTest {
    private final Hub hub = new Hub();
    private final List<String> log = new ArrayList<>();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void anUnstartedFiberIsNeitherAliveNorDoneAndRunsOnceStarted() throws Exception { // P13, P13b, P13c
        hub.invoke(() -> {
            Fiber<Integer> f = hub.unstarted(() -> {
                log.add("ran");
                return 5;
            });
            assertFalse(f.isAlive());
            assertFalse(f.isDone());
            Fiber.yieldNow();
            assertEquals(List.of(), log, "not started: it does not run");
            f.start();
            f.start(); // a second start changes nothing
            assertTrue(f.isAlive());
            assertEquals(5, f.get());
            assertFalse(f.isAlive());
            assertTrue(f.isDone());
            return null;
        });
        assertEquals(List.of("ran"), log, "it ran exactly once");
    }

    @Test
    void killingAnUnstartedFiberEndsItUnrunAndFiresItsCallbacksOnce() throws Exception { // P14b
        Fiber<Void> f = hub.unstarted(() -> { log.add("ran"); });
        List<String> callbacks = new ArrayList<>();
        f.onComplete(x -> callbacks.add("done " + x.isCancelled()));
        f.kill();
        f.kill();
        assertTrue(f.isDone());
        assertTrue(f.isCancelled());
        assertFalse(f.isAlive());
        assertThrows(CancellationException.class, f::get);
        f.start(); // killed: never starts
        hub.invoke(() -> {
            Fiber.yieldNow();
            return null;
        });
        assertEquals(List.of(), log);
        assertEquals(List.of("done true"), callbacks);
    }

    @Test
    void startingOnAClosedSchedulerIsRejectedAndTheFiberEnds() {
        Hub closed = new Hub();
        Fiber<Void> f = closed.unstarted(() -> { });
        closed.close();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, f::start);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertTrue(f.isDone(), "a joiner of a fiber that can never run does not hang");
    }

    @Test
    void spawnLaterRunsAfterItsDelayAndAfterFibersThatWereReadyFirst() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> later = Fiber.spawnLater(Duration.ofMillis(20), () -> { log.add("later"); });
            Fiber<Void> now = Fiber.spawn(() -> { log.add("now"); });
            assertTrue(later.isAlive(), "a fiber started later counts as started");
            Fiber.joinAll(later, now);
            return null;
        });
        assertEquals(List.of("now", "later"), log);
    }

    @Test
    void killingAFiberBeforeItsDelayEndsItUnrunAndLeavesNoTimer() throws Exception {
        int timers = hub.invoke(() -> {
            Fiber<Void> later = hub.spawnLater(Duration.ofDays(1), () -> { log.add("ran"); });
            Fiber.yieldNow(); // it waits for its delay now
            later.killAndJoin();
            assertTrue(later.isCancelled());
            return hub.pendingTimers();
        });
        assertEquals(0, timers, "the delay's timer was cancelled");
        assertEquals(List.of(), log);
    }

    @Test
    void startLaterOnAnUnstartedFiberDelaysItsFirstRun() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> f = hub.unstarted(() -> { log.add("f"); });
            f.startLater(Duration.ofMillis(10));
            f.startLater(Duration.ZERO); // started already: changes nothing
            Fiber.spawn(() -> { log.add("g"); }).join();
            f.join();
            return null;
        });
        assertEquals(List.of("g", "f"), log);
    }
}
