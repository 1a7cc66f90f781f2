package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** States and outcomes of a fiber: probes P13–P15 of the gevent reference, and Future. */
class FiberLifecycleTest {
    private final Hub hub = new Hub();
    private final List<Throwable> reported = new ArrayList<>();

    @BeforeEach
    void captureFailures() {
        Fiber.setFailureHandler((fiber, failure) -> {
            synchronized (reported) {
                reported.add(failure);
            }
        });
    }

    @AfterEach
    void closeHub() {
        hub.close();
        Fiber.setFailureHandler((fiber, failure) -> failure.printStackTrace());
    }

    @Test
    void aSpawnedFiberIsAliveUntilItFinishes() throws Exception { // P13b, P13c
        hub.invoke(() -> {
            Fiber<Integer> f = Fiber.spawn(() -> 5);
            assertTrue(f.isAlive());
            assertFalse(f.isDone());
            assertFalse(f.isSuccessful());
            assertNull(f.value());
            assertNull(f.exception());
            f.join();
            assertFalse(f.isAlive());
            assertTrue(f.isDone());
            assertTrue(f.isSuccessful());
            assertEquals(5, f.value());
            assertNull(f.exception());
            assertEquals(Future.State.SUCCESS, f.state());
            return null;
        });
    }

    @Test
    void aFailedFiberKeepsItsExceptionAndGetRethrowsIt() throws Exception { // P13d, P13e
        ArithmeticException boom = new ArithmeticException("x");
        Fiber<Integer> f = hub.spawn(() -> {
            throw boom;
        });
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertSame(boom, e.getCause());
        assertTrue(f.isDone());
        assertFalse(f.isSuccessful());
        assertSame(boom, f.exception());
        assertNull(f.value());
        assertEquals(Future.State.FAILED, f.state());
    }

    @Test
    void aFailureNobodyWaitsForIsReportedOnceAndTheHubKeepsRunning() throws Exception { // P23
        hub.invoke(() -> {
            Fiber<Void> f = Fiber.spawn(() -> {
                throw new IllegalStateException("unhandled");
            });
            Fiber.yieldNow(); // it runs and fails while nobody waits for it
            f.join();
            return null;
        });
        assertEquals(1, reported.size());
        assertEquals("unhandled", reported.get(0).getMessage());
        assertEquals(7, hub.invoke(() -> {
            Fiber.sleep(Duration.ofMillis(1));
            return 7;
        }));
    }

    @Test
    void aFailureSomeoneIsWaitingForGoesToThemAndIsNotReported() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> f = Fiber.spawn(() -> {
                throw new IllegalStateException("handled by the joiner");
            });
            assertThrows(ExecutionException.class, f::get);
            return null;
        });
        assertEquals(List.of(), reported);
    }

    @Test
    void getWithATimeoutOnAnUnfinishedFiberThrowsTimeoutException() throws Exception {
        Fiber<Void> f = hub.spawn(() -> Strand.park());
        assertThrows(TimeoutException.class, () -> f.get(1, TimeUnit.MILLISECONDS));
        f.kill();
        f.join();
    }

    @Test
    void callbacksRunInRegistrationOrderAlsoAfterDeath() throws Exception { // P15, P15b
        List<String> order = new ArrayList<>();
        hub.invoke(() -> {
            Fiber<Integer> f = Fiber.spawn(() -> 7);
            f.onComplete(x -> order.add("link1"));
            f.onComplete(x -> order.add("link2"));
            f.onComplete(x -> order.add("value:" + x.value()));
            f.join();
            f.onComplete(x -> order.add("late link"));
            return null;
        });
        assertEquals(List.of("link1", "link2", "value:7", "late link"), order);
    }

    @Test
    void aCallbackThatThrowsIsReportedAndTheOthersStillRun() throws Exception {
        List<String> order = new ArrayList<>();
        hub.invoke(() -> {
            Fiber<Integer> f = Fiber.spawn(() -> 1);
            f.onComplete(x -> {
                throw new IllegalStateException("bad callback");
            });
            f.onComplete(x -> order.add("second"));
            return f.get();
        });
        assertEquals(List.of("second"), order);
        assertEquals("bad callback", reported.get(0).getMessage());
    }

    @Test
    void joinWithATimeoutSaysWhetherTheFiberFinished() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> sleeper = Fiber.spawn(() -> Fiber.sleep(Duration.ofDays(1)));
            assertFalse(sleeper.join(Duration.ofMillis(1)));
            sleeper.kill();
            assertTrue(sleeper.join(Duration.ofDays(1)));
            return null;
        });
    }

    @Test
    void theValueIsVisibleToAThreadThatJoins() throws Exception {
        int[] box = new int[1];
        Fiber<Void> f = hub.spawn(() -> {
            box[0] = 42;
        });
        f.join();
        assertEquals(42, box[0]);
    }

    @Test
    void namesAreKeptAndGenerated() throws Exception {
        Fiber<Void> named = hub.spawn("worker-1", () -> { });
        Fiber<Void> unnamed = hub.spawn(() -> { });
        Fiber.joinAll(named, unnamed);
        assertEquals("worker-1", named.name());
        assertTrue(unnamed.name().startsWith("fiber@"));
        assertTrue(named.toString().contains("worker-1"));
    }

    @Test
    void anExceptionThrownByInvokeIsTheTasksOwn() {
        IllegalArgumentException mine = new IllegalArgumentException("mine");
        assertSame(mine, assertThrows(IllegalArgumentException.class, () -> hub.invoke(() -> {
            throw mine;
        })));
    }

    @Test
    void aKilledFiberIsCancelledForFutureUsers() throws Exception {
        Fiber<Integer> f = hub.spawn(() -> {
            Strand.park();
            return 1;
        });
        assertTrue(f.cancel(true));
        assertInstanceOf(FiberExit.class, assertThrows(CancellationException.class, f::get).getCause());
        assertTrue(f.isCancelled());
        assertEquals(Future.State.CANCELLED, f.state());
        assertFalse(f.cancel(true), "a second cancel changes nothing");
    }
}
