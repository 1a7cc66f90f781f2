package dev.weft.locks;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Hub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static dev.weft.locks.Strands.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AsyncResult behaviour: gevent's probes P9, P9b, P9d and the bridges, deterministically on a {@link Hub}. */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class AsyncResultTest {

    /** P9: get() waits for the value set by another fiber; all getters wake in wait order. */
    @Test
    void getReturnsTheValueToEveryWaiterInWaitOrder() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                AsyncResult<Integer> r = new AsyncResult<>();
                List<String> out = new ArrayList<>();
                List<Fiber<Void>> getters = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int id = i;
                    getters.add(Fiber.spawn(() -> {
                        try {
                            out.add(id + " got " + r.get());
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }));
                }
                Fiber.yieldNow();
                r.set(42);
                out.add("setter continued");
                Fiber.joinAll(getters);
                return out;
            });
            assertEquals(List.of("setter continued", "0 got 42", "1 got 42", "2 got 42"), log);
        }
    }

    /** P9b: a failure set with setException is rethrown by get (as the cause, Future contract). */
    @Test
    void setExceptionMakesGetThrowIt() throws Exception {
        AsyncResult<String> r = new AsyncResult<>();
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        r.setException(boom);
        ExecutionException e = assertThrows(ExecutionException.class, r::get);
        assertSame(boom, e.getCause());
        assertSame(boom, r.exception());
        assertNull(r.value());
        assertTrue(r.isDone());
        assertFalse(r.isSuccessful());
    }

    /** P9d: a timed wait on a pending result returns false; a timed get throws TimeoutException. */
    @Test
    void timedWaitOnPendingResultTimesOutAndLeavesNothing() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                AsyncResult<String> r = new AsyncResult<>();
                assertFalse(r.await(Duration.ofMillis(10)));
                assertThrows(TimeoutException.class, () -> r.get(Duration.ofMillis(1)));
                assertEquals(0, r.linked());
                return null;
            });
        }
    }

    @Test
    void completingTwiceFailsLoudlyAndKeepsTheFirstOutcome() {
        AsyncResult<String> r = new AsyncResult<>();
        r.set("first");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.set("second"));
        assertTrue(e.getMessage().contains("one-shot"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> r.setException(new RuntimeException()));
        assertEquals("first", r.value());
        assertFalse(r.cancel(true), "only the producer completes a result");
    }

    @Test
    void ofFiberCarriesItsValueFailureAndKill() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                AsyncResult<Integer> value = AsyncResult.of(Fiber.spawn(() -> 7));
                IllegalStateException boom = new IllegalStateException("boom");
                Fiber<Integer> failing = Fiber.spawn(() -> {
                    throw boom;
                });
                AsyncResult<Integer> failure = AsyncResult.of(failing);
                Fiber<Integer> sleeper = Fiber.spawn(() -> {
                    Fiber.sleep(Duration.ofDays(1));
                    return 0;
                });
                AsyncResult<Integer> killed = new AsyncResult<>();
                sleeper.onComplete(killed::completeFrom);
                failing.join(); // joined, so its failure is not reported to the failure handler
                sleeper.kill();
                assertEquals(7, value.get());
                assertSame(boom, assertThrows(ExecutionException.class, failure::get).getCause());
                CancellationException c = assertThrows(CancellationException.class, killed::get);
                assertInstanceOf(FiberExit.class, c.getCause());
                assertTrue(killed.isCancelled());
                return null;
            });
        }
    }

    @Test
    void completeFromARunningFiberFailsLoudly() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Fiber<Integer> running = Fiber.spawn(() -> 1);
                AsyncResult<Integer> r = new AsyncResult<>();
                assertThrows(IllegalStateException.class, () -> r.completeFrom(running));
                running.join();
                return null;
            });
        }
    }

    @Test
    void bridgesToAndFromCompletionStage() throws Exception {
        CompletableFuture<String> source = new CompletableFuture<>();
        AsyncResult<String> r = AsyncResult.from(source.thenApply(s -> s + "!"));
        CompletableFuture<String> back = r.toCompletableFuture();
        assertFalse(r.isDone());
        assertFalse(back.isDone());
        source.complete("hi");
        assertEquals("hi!", r.get());
        assertEquals("hi!", back.get());

        CompletableFuture<String> failing = new CompletableFuture<>();
        AsyncResult<String> f = AsyncResult.from(failing.thenApply(s -> s));
        IllegalStateException boom = new IllegalStateException("boom");
        failing.completeExceptionally(boom);
        assertSame(boom, f.exception(), "a CompletionException is unwrapped");
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.toCompletableFuture().get());
        assertSame(boom, e.getCause());
    }

    @Test
    void platformThreadAndFiberGetTheSameResult() throws Exception {
        AsyncResult<String> r = new AsyncResult<>();
        AtomicReference<Object> threadGot = new AtomicReference<>();
        Thread thread = Strands.platform("result-getter", () -> {
            try {
                threadGot.set(r.get());
            } catch (Exception e) {
                threadGot.set(e);
            }
        });
        try (Hub hub = new Hub()) {
            Fiber<String> fiber = hub.spawn(() -> r.get());
            awaitCondition(() -> r.linked() == 2);
            r.set("shared");
            assertEquals("shared", fiber.get());
            thread.join();
            assertEquals("shared", threadGot.get());
        }
    }
}
