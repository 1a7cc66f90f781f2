package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No failure is ever silent (gevent's rule): every failure is reported once, unless a strand
 * blocked in get() or invoke() receives it at that moment.
 */
class FailureReportTest {
    private final Hub hub = new Hub();
    private final List<String> reports = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void captureReports() {
        Fiber.setFailureHandler((fiber, failure) -> reports.add(fiber.name() + ": " + failure.getMessage()));
    }

    @AfterEach
    void restore() {
        hub.close();
        Fiber.setFailureHandler((fiber, failure) -> failure.printStackTrace());
    }

    private static CheckedRunnable failing(String message) {
        return () -> {
            Fiber.yieldNow();
            throw new IllegalStateException(message);
        };
    }

    @Test
    void aFailureSeenOnlyByAJoinerIsReported() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> f = Fiber.spawn("joined", failing("boom"));
            f.join();
            return null;
        });
        assertEquals(List.of("joined: boom"), reports);
    }

    @Test
    void aFailureCollectedByJoinAllIsReported() throws Exception {
        hub.invoke(() -> Fiber.joinAll(Fiber.spawn("a", failing("a failed")), Fiber.spawn("b", () -> { })));
        assertEquals(List.of("a: a failed"), reports);
    }

    @Test
    void aFailureWhoseOnlyCallbackIgnoresItIsReported() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> f = Fiber.spawn("called back", failing("ignored by its callback"));
            f.onComplete(x -> { });
            f.join();
            return null;
        });
        assertEquals(List.of("called back: ignored by its callback"), reports);
    }

    @Test
    void aFailureNobodyJoinsIsReported() throws Exception {
        hub.invoke(() -> {
            Fiber.spawn("never joined", failing("alone"));
            Fiber.sleep(Duration.ofMillis(1));
            return null;
        });
        assertEquals(List.of("never joined: alone"), reports);
    }

    @Test
    void aFailureAStrandBlockedInGetReceivesIsNotReportedAgain() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> f = Fiber.spawn("got", failing("rethrown"));
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertEquals("rethrown", e.getCause().getMessage());
            return null;
        });
        assertEquals(List.of(), reports);
    }

    @Test
    void invokeRethrowsItsFailureUnwrappedWithTheCallersFramesAndDoesNotReportIt() {
        IOException e = assertThrows(IOException.class, () -> hub.invoke(() -> {
            Fiber.yieldNow();
            throw new IOException("checked, from the main fiber");
        }));
        assertEquals(List.of(), reports);
        assertEquals(1, e.getSuppressed().length, "the caller's side is attached");
        assertTrue(e.getSuppressed()[0].getMessage().contains("rethrown by Scheduler.invoke()"));
        assertTrue(List.of(e.getSuppressed()[0].getStackTrace()).stream()
                .anyMatch(frame -> frame.getMethodName().contains("invokeRethrows")), "this test's frame is there");
    }

    @Test
    void aBodyMayThrowCheckedExceptions() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> other = Fiber.spawn(() -> Fiber.sleep(Duration.ofMillis(1)));
            Fiber<Void> waiter = Fiber.spawn(() -> other.join()); // join() throws InterruptedException
            Fiber<Void> thrower = Fiber.spawn(() -> {
                throw new IOException("checked");
            });
            waiter.get();
            ExecutionException e = assertThrows(ExecutionException.class, thrower::get);
            assertInstanceOf(IOException.class, e.getCause());
            return null;
        });
    }

    @Test
    void aReportShowsWhereTheFiberWasSpawnedWhenTheSchedulerCapturesIt() throws Exception {
        List<String> texts = Collections.synchronizedList(new ArrayList<>());
        Fiber.setFailureHandler((fiber, failure) -> texts.add(fiber.failureReport(failure)));
        hub.captureSpawnSites(true);
        hub.invoke(() -> {
            Fiber.spawn("traced", failing("with a spawn site")).join();
            return null;
        });
        assertEquals(1, texts.size());
        assertTrue(texts.get(0).contains("Spawned at"), texts.get(0));
        assertTrue(texts.get(0).contains("aReportShowsWhereTheFiberWasSpawned"), texts.get(0));
    }

    /** Run in a child JVM: a fiber of the default hub still sleeps when main returns. */
    public static final class AbandonOnExit {
        public static void main(String[] args) {
            Fiber.spawn(() -> Fiber.sleep(Duration.ofDays(1)));
            Fiber.spawn(() -> { }); // a fiber that ends is not counted
            System.out.println("main returns");
        }
    }

    @Test
    void fibersOfTheDefaultHubAbandonedAtExitAreReported() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), AbandonOnExit.class.getName())
                .redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(out.contains("main returns"), out);
            assertTrue(out.contains("1 fiber(s) of the default hub were still alive at JVM exit"), out);
        } finally {
            p.destroyForcibly();
        }
    }
}
