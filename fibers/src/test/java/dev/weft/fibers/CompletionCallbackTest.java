package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A completion callback cannot hold its fiber's completion: a callback that blocks fails loudly, and join and close return. */
class CompletionCallbackTest {
    private final List<Throwable> reports = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void restore() {
        Fiber.setFailureHandler((fiber, failure) -> failure.printStackTrace());
    }

    @Test
    void aCallbackThatBlocksFailsAtOnceAndNeitherJoinNorCloseHangs() throws Exception {
        Fiber.setFailureHandler((fiber, failure) -> reports.add(failure));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Hub hub = new Hub();
        // unstarted, so that both callbacks are registered before it ends: a callback added to a
        // fiber that has ended runs at once in the caller (here the test thread, which would sleep)
        Fiber<Void> f = hub.unstarted(() -> Fiber.yieldNow());
        f.onComplete(x -> Fiber.sleep(Duration.ofDays(1))); // misuse: a callback that blocks
        f.onComplete(x -> log.add("the next callback still ran"));
        f.start();
        f.join();
        hub.close(); // returns: the blocking callback did not hold the fiber
        assertEquals(List.of("the next callback still ran"), log);
        assertEquals(1, reports.size());
        assertInstanceOf(IllegalStateException.class, reports.get(0));
        assertTrue(reports.get(0).getMessage().contains("must not block"), reports.get(0).getMessage());
    }
}
