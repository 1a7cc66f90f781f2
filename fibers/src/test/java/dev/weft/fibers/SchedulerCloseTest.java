package dev.weft.fibers;

import dev.weft.fibers.internal.carrier.CarrierThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing a hub: every unfinished fiber is killed, its finally runs, the carrier stops. A carrier
 * whose own loop fails stops too, loudly, and ends its fibers failed.
 */
class SchedulerCloseTest {

    @Test
    void closeKillsUnfinishedFibersRunsTheirFinallyBlocksAndStopsTheCarrier() throws Exception {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        Hub hub = new Hub();
        Fiber<Void> sleeper = hub.spawn(() -> {
            try {
                Fiber.sleep(Duration.ofDays(1));
            } finally {
                log.add("sleeper finally");
            }
        });
        Fiber<Void> parked = hub.spawn(() -> {
            try {
                Strand.park();
            } finally {
                log.add("parked finally");
            }
        });
        hub.invoke(() -> null); // one turn of the hub: both have started and blocked
        hub.close();
        assertTrue(sleeper.isCancelled());
        assertTrue(parked.isCancelled());
        assertEquals(List.of("sleeper finally", "parked finally"), log);
        assertTrue(hub.isTerminated(), "the carrier has left the hub's loop");
        assertTrue(hub.isClosed());
    }

    @Test
    void aCloserThatParkedAfterItsSpinIsWokenWhenTheCarrierStops() throws Exception {
        Hub hub = new Hub();
        Thread closer = Thread.currentThread();
        Fiber<Void> slow = hub.spawn(() -> {
            try {
                Strand.park();
            } finally {
                // the carrier stops only once the closer has given up spinning and parked (a condition, not a time)
                while (closer.getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
            }
        });
        hub.invoke(() -> null); // the fiber has parked
        hub.close(); // a lost wake-up of the parked closer hangs here
        assertTrue(slow.isCancelled());
        assertTrue(hub.isTerminated());
    }

    @Test
    void aHubOpenedAfterOneClosedTakesItsIdleCarrierWhichNoLongerServesTheClosedHub() throws Exception {
        Hub first = new Hub("first-hub");
        Thread carrier = first.invoke(Thread::currentThread);
        assertSame(first.carrier(), carrier);
        first.close();
        // close() returns once the carrier left the hub's loop; it then becomes idle (a condition, not a time)
        while (!(carrier.getState() == Thread.State.TIMED_WAITING && CarrierThreads.IDLE_NAME.equals(carrier.getName()))) {
            assertTrue(carrier.isAlive(), "the idle carrier ended before its keep-alive ran out");
            Thread.onSpinWait();
        }
        try (Hub second = new Hub("second-hub")) {
            assertSame(carrier, second.carrier(), "the most recently idle carrier is taken first");
            assertEquals("second-hub", carrier.getName());
            assertEquals("Hub[first-hub]", first.toString(), "a closed hub keeps its own name");
            assertSame(carrier, second.invoke(Thread::currentThread));
            // from the reused carrier, the closed hub still refuses work rather than queueing it where nothing runs it
            assertThrows(RejectedExecutionException.class, () -> second.invoke(() -> first.spawn(() -> null)));
            Fiber<String> f = second.spawn(() -> "ran");
            assertEquals("ran", f.get());
        }
    }

    @Test
    void aClosedHubRejectsSpawnsAndCloseIsIdempotent() {
        Hub hub = new Hub();
        hub.close();
        hub.close();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> hub.spawn(() -> { }));
        assertTrue(e.getMessage().contains("closed"));
    }

    @Test
    void aHubCannotBeClosedFromItsOwnFiber() throws Exception {
        try (Hub hub = new Hub()) {
            IllegalStateException e = hub.invoke(() -> assertThrows(IllegalStateException.class, hub::close));
            assertTrue(e.getMessage().contains("would wait for itself"));
        }
    }

    @Test
    void theDefaultHubCannotBeClosed() {
        assertThrows(UnsupportedOperationException.class, () -> Scheduler.defaultScheduler().close());
    }

    @Test
    void fibersSpawnedFromAThreadRunOnTheDefaultHub() throws Exception {
        Fiber<Thread> f = Fiber.spawn(Thread::currentThread);
        assertEquals(Scheduler.defaultScheduler().carrier(), f.get());
        assertEquals(Scheduler.defaultScheduler(), f.scheduler());
    }

    @Test
    void aFiberSpawnsOnItsOwnScheduler() throws Exception {
        try (Hub hub = new Hub()) {
            Fiber<Scheduler> child = hub.invoke(() -> Fiber.spawn(() -> Fiber.current().scheduler()));
            assertEquals(hub, child.get());
        }
    }

    // ---- a carrier whose own loop fails (not a fiber's body: that one catches its own)

    /** Captures what Weft logs to {@code dev.weft} while {@code body} runs, instead of printing it. */
    private static List<LogRecord> logged(CheckedRunnable body) throws Exception {
        List<LogRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());
        Logger weft = Logger.getLogger("dev.weft");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        boolean parents = weft.getUseParentHandlers();
        weft.addHandler(capture);
        weft.setUseParentHandlers(false);
        try {
            body.run();
        } finally {
            weft.removeHandler(capture);
            weft.setUseParentHandlers(parents);
        }
        return records;
    }

    /** A task for a carrier's run queue that throws out of its loop, as a bug in Weft would. */
    private static Runnable failure(Error e) {
        return () -> {
            throw e;
        };
    }

    @Test
    void aCarrierWhoseLoopFailsEndsItsFibersFailedReportsItOnceAndItsCloseReturns() throws Exception {
        Error injected = new InternalError("thrown into the hub's loop by the test");
        Hub hub = new Hub();
        List<Fiber<Void>> parked = new ArrayList<>();
        List<LogRecord> records = logged(() -> {
            parked.add(hub.spawn(() -> Strand.park()));
            parked.add(hub.spawn(() -> Strand.park()));
            hub.invoke(() -> null); // both have started and parked
            hub.enqueue(failure(injected));
            for (Fiber<Void> f : parked) {
                ExecutionException e = assertThrows(ExecutionException.class, f::get); // a joiner that hung here was the failure
                assertInstanceOf(IllegalStateException.class, e.getCause());
                assertSame(injected, e.getCause().getCause());
            }
            hub.close(); // the carrier has stopped: this returns
        });
        assertTrue(hub.isTerminated());
        assertEquals(1, records.size(), "reported once for the carrier, not once per fiber");
        assertEquals(java.util.logging.Level.SEVERE, records.get(0).getLevel());
        assertSame(injected, records.get(0).getThrown());
        assertThrows(RejectedExecutionException.class, () -> hub.spawn(() -> { }));
    }

    /** A patched fiber's virtual thread can run only on its hub's carrier: once that fails, the fiber ends failed too. */
    @Test
    void aPatchedFiberOfAHubWhoseLoopFailsEndsFailed() throws Exception {
        Error injected = new InternalError("thrown into the hub's loop by the test");
        Hub hub = new Hub();
        List<LogRecord> records = logged(() -> {
            CountDownLatch parked = new CountDownLatch(1);
            Fiber<Void> patched = Monkey.spawn(hub, () -> {
                parked.countDown();
                LockSupport.park(); // blocking code, run cooperatively: its virtual thread parks
            });
            assertTrue(parked.await(30, TimeUnit.SECONDS), "the patched fiber started");
            hub.invoke(() -> null); // its virtual thread has parked and given the carrier back
            hub.enqueue(failure(injected));
            ExecutionException e = assertThrows(ExecutionException.class, patched::get); // it hung here before
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertSame(injected, e.getCause().getCause());
            hub.close();
        });
        assertTrue(hub.isTerminated());
        assertEquals(1, records.size(), "reported once for the carrier");
    }

    @Test
    void aGroupWithAFailedCarrierKeepsRunningOnTheOthersAndClosesWithoutHanging() throws Exception {
        Error injected = new InternalError("thrown into one carrier's loop by the test");
        MultiCarrierScheduler group = new MultiCarrierScheduler(2);
        List<LogRecord> records = logged(() -> {
            Fiber<Void> parked = group.spawn(() -> Strand.park());
            while (((ContinuationFiber<Void>) parked).runState() != ContinuationFiber.PARKED) {
                Thread.onSpinWait(); // a condition, not a time: it has started on a carrier and parked
            }
            Hub failing = ((ContinuationFiber<Void>) parked).home();
            failing.enqueue(failure(injected));
            ExecutionException e = assertThrows(ExecutionException.class, parked::get);
            assertSame(injected, e.getCause().getCause());
            assertEquals(42, group.invoke(() -> 42), "the other carrier still runs the group's fibers");
            group.close(); // the failed carrier's hub had stopped; before, this waited for ever
        });
        assertTrue(group.isTerminated());
        assertEquals(1, records.size());
    }
}
