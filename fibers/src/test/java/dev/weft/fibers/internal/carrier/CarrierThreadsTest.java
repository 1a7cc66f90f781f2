package dev.weft.fibers.internal.carrier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The carriers of hubs: a task runs on an idle carrier when one waits, or on a new thread; an
 * idle carrier ends when its keep-alive runs out; a reused thread does not carry its last task's
 * interrupt, name, priority or handler. Each test uses a pool of its own and ends its threads.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class CarrierThreadsTest {
    private static final long AN_HOUR = TimeUnit.HOURS.toNanos(1);

    private final List<Thread> started = new ArrayList<>();
    private final List<CarrierThreads> pools = new ArrayList<>();

    private CarrierThreads pool(long keepAliveNanos, int maxIdle) {
        CarrierThreads pool = new CarrierThreads(keepAliveNanos, maxIdle, Thread.ofPlatform().daemon().factory());
        pools.add(pool);
        return pool;
    }

    private Thread start(CarrierThreads pool, String name, Runnable task) {
        Thread t = pool.start(name, task);
        started.add(t);
        return t;
    }

    /** Waits until {@code count} carriers of {@code pool} wait for a task (a condition, not a time). */
    private static void awaitIdle(CarrierThreads pool, int count) {
        while (pool.idleCount() != count) {
            Thread.onSpinWait();
        }
    }

    /** Runs two tasks on {@code pool} that overlap (each waits until both run), and returns their threads as they end. */
    private Thread[] runTwoAtOnce(CarrierThreads pool) throws InterruptedException {
        CountDownLatch bothRunning = new CountDownLatch(2);
        Runnable task = () -> {
            bothRunning.countDown();
            try {
                bothRunning.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        };
        Thread a = start(pool, "a", task);
        Thread b = start(pool, "b", task);
        bothRunning.await();
        return new Thread[] {a, b};
    }

    @AfterEach
    void endEveryThread() throws InterruptedException {
        for (CarrierThreads pool : pools) {
            pool.retire();
        }
        for (Thread t : started) {
            t.join();
        }
    }

    @Test
    void aTaskRunsOnTheCarrierThatWaitsRenamedAfterIt() throws Exception {
        CarrierThreads pool = pool(AN_HOUR, 1);
        AtomicReference<Thread> firstRanOn = new AtomicReference<>();
        Thread first = start(pool, "first", () -> firstRanOn.set(Thread.currentThread()));
        awaitIdle(pool, 1);
        assertSame(first, firstRanOn.get());
        assertEquals(CarrierThreads.IDLE_NAME, first.getName());

        AtomicReference<String> secondSawName = new AtomicReference<>();
        CountDownLatch checked = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(1);
        Thread second = start(pool, "second", () -> {
            secondSawName.set(Thread.currentThread().getName());
            try {
                checked.await(); // NOTE: once this task returns, the carrier is idle again and renamed so
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            ran.countDown();
        });
        assertSame(first, second, "the idle carrier was taken");
        assertEquals("second", second.getName(), "renamed before start returned");
        checked.countDown();
        ran.await();
        assertEquals("second", secondSawName.get());
    }

    @Test
    void aTakenCarrierWaitsForItsTaskEvenPastItsKeepAlive() throws Exception {
        CarrierThreads pool = pool(TimeUnit.MILLISECONDS.toNanos(20), 1);
        Thread first;
        CarrierThreads.Carrier taken;
        for (;;) { // NOTE: the carrier may run out its 20 ms before this thread takes it: then again
            first = start(pool, "first", () -> { });
            while (pool.idleCount() == 0 && first.isAlive()) {
                Thread.onSpinWait();
            }
            taken = pool.take("taken");
            if (taken.thread() == first) {
                break;
            }
            started.add(taken.thread());
            taken.run(() -> { }); // a new carrier: it ends by its keep-alive
        }
        assertEquals("taken", first.getName());
        // its keep-alive runs out and it sees it was taken: it parks without a deadline (a condition, not a time)
        while (first.getState() != Thread.State.WAITING) {
            assertTrue(first.isAlive(), "a taken carrier ended with its keep-alive");
            Thread.onSpinWait();
        }
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        taken.run(() -> {
            ranOn.set(Thread.currentThread());
            ran.countDown();
        });
        ran.await(); // a taken carrier that ended with its keep-alive would leave this hanging
        assertSame(first, ranOn.get());
    }

    @Test
    void aNewCarrierIsNotStartedBeforeItsTask() throws Exception {
        CarrierThreads pool = pool(AN_HOUR, 1);
        CarrierThreads.Carrier c = pool.take("new");
        started.add(c.thread());
        assertEquals(Thread.State.NEW, c.thread().getState());
        assertEquals("new", c.thread().getName());
        CountDownLatch ran = new CountDownLatch(1);
        c.run(ran::countDown);
        ran.await();
    }

    @Test
    void withoutKeepAliveEveryTaskHasAThreadOfItsOwnThatEndsWithIt() throws Exception {
        CarrierThreads pool = pool(0, 4);
        Thread first = start(pool, "first", () -> { });
        first.join(); // ends by itself: a hang here is the failure
        Thread second = start(pool, "second", () -> { });
        second.join();
        assertNotSame(first, second);
        assertEquals(0, pool.idleCount());
    }

    @Test
    void anIdleCarrierEndsOnceItsKeepAliveRanOut() throws Exception {
        CarrierThreads pool = pool(TimeUnit.MILLISECONDS.toNanos(1), 1);
        Thread t = start(pool, "short-lived", () -> { });
        t.join(); // ends by itself, without retire(): a hang here is the failure
        assertEquals(0, pool.idleCount(), "it left the idle carriers as it ended");
        Thread next = start(pool, "next", () -> { });
        assertNotSame(t, next, "a task after the keep-alive gets a new thread");
    }

    @Test
    void atMostMaxIdleCarriersWaitTheOthersEnd() throws Exception {
        CarrierThreads pool = pool(AN_HOUR, 1);
        Thread[] two = runTwoAtOnce(pool);
        Thread a = two[0];
        Thread b = two[1];
        assertNotSame(a, b, "two tasks at once need two carriers");
        while (a.isAlive() && b.isAlive()) { // one of them ends: a hang here is the failure
            Thread.onSpinWait();
        }
        awaitIdle(pool, 1);
    }

    @Test
    void aReusedCarrierHasNoInterruptPriorityOrHandlerOfItsLastTaskAndTheStartersLoader() throws Exception {
        CarrierThreads pool = pool(AN_HOUR, 1);
        Thread first = start(pool, "first", () -> {
            Thread self = Thread.currentThread();
            self.setPriority(Thread.MIN_PRIORITY);
            self.setUncaughtExceptionHandler((t, e) -> { });
            self.setContextClassLoader(new ClassLoader() { });
            self.interrupt();
        });
        awaitIdle(pool, 1);
        first.interrupt(); // an interrupt of the idle carrier: it must neither end nor keep it

        ClassLoader starters = Thread.currentThread().getContextClassLoader();
        AtomicReference<String> seen = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        Thread second = start(pool, "second", () -> {
            Thread self = Thread.currentThread();
            seen.set(self.isInterrupted() + " " + self.getPriority() + " "
                    + (self.getUncaughtExceptionHandler() == self.getThreadGroup()) + " "
                    + (self.getContextClassLoader() == starters));
            ran.countDown();
        });
        assertSame(first, second);
        ran.await();
        assertEquals("false " + Thread.NORM_PRIORITY + " true true", seen.get());
    }

    @Test
    void aTaskThatThrowsEndsItsThreadWhichIsNotReused() throws Exception {
        CarrierThreads pool = pool(AN_HOUR, 1);
        Thread t = start(pool, "thrower", () -> {
            Thread.currentThread().setUncaughtExceptionHandler((thread, e) -> { }); // expected: keep the log clean
            throw new IllegalStateException("expected by the test");
        });
        t.join(); // a hang here is the failure
        assertEquals(0, pool.idleCount());
        assertFalse(t.isAlive());
    }

    @Test
    void retireEndsEveryWaitingCarrier() throws Exception {
        CarrierThreads pool = pool(AN_HOUR, 2);
        Thread[] two = runTwoAtOnce(pool);
        Thread a = two[0];
        Thread b = two[1];
        awaitIdle(pool, 2);
        pool.retire();
        a.join();
        b.join();
        assertEquals(0, pool.idleCount());
    }

    @Test
    void retireEndsACarrierWhoseTaskReturnsAfterIt() throws Exception {
        CarrierThreads pool = pool(AN_HOUR, 1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = start(pool, "late", () -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        running.await();
        pool.retire(); // NOTE: the carrier is busy: it is not idle yet, and must not become idle
        release.countDown();
        t.join(); // a carrier that waited its hour-long keep-alive would hang here
        assertEquals(0, pool.idleCount());
    }
}
