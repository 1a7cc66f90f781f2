package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.Event;

import java.time.Duration;

/**
 * A sleep used as synchronisation: A publishes a value after a 10 ms sleep; B, assuming 10 ms is
 * enough, reads it after its own 10 ms sleep. Both timers end at the same virtual instant, so which
 * fiber runs first is a scheduling decision (on a real machine, the timer's jitter).
 *
 * <p>Suspensions the bug needs: the two sleeps. Virtual time makes the tie exact and the run take
 * no wall time. Fix: B waits for an {@link Event} that A sets after publishing.
 */
public final class SleepAsSync implements CorpusBug {

    @Override
    public String origin() {
        return "classic (sleep as synchronisation)";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        String[] value = {null};
        Event published = new Event();
        Actors.run(() -> {
            Fiber.sleep(Duration.ofMillis(10));
            value[0] = "ready";
            published.set();
        }, () -> {
            Fiber.sleep(Duration.ofMillis(10));
            if (fixed) {
                published.await();
            }
            Actors.check(value[0] != null, "sleep as synchronisation: read the value before it was published");
        });
    }
}
