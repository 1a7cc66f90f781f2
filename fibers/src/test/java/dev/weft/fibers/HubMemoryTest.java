package dev.weft.fibers;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A hub gives back what a burst made it hold: its run queue shrinks once the carrier goes idle. */
class HubMemoryTest {

    @Test
    void theRunQueueIsReplacedByASmallOneAfterABurst() throws Exception {
        try (Hub hub = new Hub()) {
            int peak = hub.invoke(() -> {
                List<Fiber<Void>> burst = new ArrayList<>();
                for (int i = 0; i < 50_000; i++) {
                    burst.add(Fiber.spawn((CheckedRunnable) Fiber::yieldNow));
                }
                Fiber.joinAll(burst);
                return hub.runQueuePeak();
            });
            assertTrue(peak >= 50_000, "the burst was queued at once, peak " + peak);
            int after = hub.invoke(() -> {
                Fiber.sleep(Duration.ofMillis(1)); // nothing runnable: the carrier idles, and shrinks the queue
                return hub.runQueuePeak();
            });
            assertTrue(after < 100, "after an idle moment the run queue was replaced, peak now " + after);
            assertEquals(0, hub.invoke(hub::liveFibers) - 1, "only the asking fiber is alive");
        }
    }
}
