package dev.weft.fibers.io;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.FileNotFoundException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Blocking.run and Blocking.await. */
class BlockingTest {
    private final Hub hub = new Hub();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void aBlockingCallRunsOnThePoolWhileTheCarrierRunsOtherFibers() throws Exception {
        String ranOn = hub.invoke(() -> {
            CountDownLatch released = new CountDownLatch(1);
            Fiber.spawn(released::countDown); // runs only if the carrier is free while the call blocks
            return Blocking.run(() -> {
                assertTrue(released.await(10, TimeUnit.SECONDS), "the carrier was blocked by the call");
                return Thread.currentThread().getName();
            });
        });
        assertTrue(ranOn.startsWith("weft-blocking-"), ranOn);
    }

    @Test
    void aBlockingCallsExceptionIsThrownAsItIs() throws Exception {
        FileNotFoundException thrown = new FileNotFoundException("no such file");
        hub.invoke(() -> {
            assertSame(thrown, assertThrows(FileNotFoundException.class, () -> Blocking.run(() -> {
                throw thrown;
            })));
            return null;
        });
    }

    @Test
    void killingAFiberThatWaitsForABlockingCallReturnsItAtOnce() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try {
            hub.invoke(() -> {
                Fiber<Object> waiter = Fiber.spawn(() -> Blocking.run(() -> {
                    never.await();
                    return "late";
                }));
                Fiber.yieldNow(); // the waiter parks
                waiter.kill();
                waiter.join();
                assertTrue(waiter.isCancelled());
                return null;
            });
        } finally {
            never.countDown(); // the pool call finishes later; its outcome is dropped
        }
    }

    @Test
    void awaitReturnsTheValueOfAStageCompletedByAnotherThread() throws Exception {
        CompletableFuture<String> stage = new CompletableFuture<>();
        Fiber<String> waiter = hub.spawn(() -> Blocking.await(stage.thenApply(s -> s + "!")));
        stage.complete("done");
        assertEquals("done!", waiter.get(10, TimeUnit.SECONDS));
    }

    @Test
    void awaitThrowsTheStagesExceptionUnwrapped() throws Exception {
        IllegalStateException failure = new IllegalStateException("failed stage");
        CompletableFuture<String> stage = new CompletableFuture<>();
        Fiber<Throwable> waiter = hub.spawn(() -> {
            try {
                Blocking.await(stage.thenApply(s -> s)); // a dependent stage wraps in CompletionException
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        });
        stage.completeExceptionally(failure);
        assertSame(failure, waiter.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aThreadRunsTheCallItselfAndAwaitsAsAThread() throws Exception {
        assertEquals(Thread.currentThread().getName(), Blocking.run(() -> Thread.currentThread().getName()));
        assertEquals(3, Blocking.await(CompletableFuture.supplyAsync(() -> 3)));
    }
}
