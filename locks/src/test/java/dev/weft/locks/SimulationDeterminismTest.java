package dev.weft.locks;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.SimulatedScheduler;
import dev.weft.fibers.Strand;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15's determinism test: a 100-fiber program with sleeps, a semaphore, timed acquires and
 * timeouts, run 1,000 times under one seed of a {@link SimulatedScheduler}, has one trace hash;
 * another seed gives another. The 1,000 runs record no suspension sites (a stack walk per
 * decision, most of a run's cost); a few more runs with sites show those repeat too.
 */
class SimulationDeterminismTest {
    private static final int FIBERS = 100;

    /** What a run produced: the trace hash, and the program's own record of who got what, when. */
    private record Run(long traceHash, int decisions, long endNanos, List<String> log) {}

    private static Run run(long seed, boolean sites) throws Exception {
        List<String> log = new ArrayList<>();
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(seed).recordSites(sites)) {
            sim.invoke(() -> {
                Semaphore permits = new Semaphore(3);
                List<Fiber<?>> fibers = new ArrayList<>(FIBERS);
                for (int i = 0; i < FIBERS; i++) {
                    int id = i;
                    fibers.add(Fiber.spawn("f" + i, () -> worker(id, permits, log)));
                }
                Fiber.joinAll(fibers);
                return null;
            });
            return new Run(sim.traceHash(), sim.trace().size(), sim.nanoTime(), log);
        }
    }

    /** Sleeps, then either holds a permit for a while under a timeout or gives up on a timed acquire. */
    private static void worker(int id, Semaphore permits, List<String> log) throws InterruptedException {
        Fiber.sleep(Duration.ofMillis(id % 7));
        if (id % 3 == 0) {
            if (permits.tryAcquire(Duration.ofMillis(2))) {
                try {
                    log.add(id + " timed-acquired@" + Strand.nanoTime());
                    Fiber.yieldNow();
                } finally {
                    permits.release();
                }
            } else {
                log.add(id + " gave up@" + Strand.nanoTime());
            }
            return;
        }
        try (Timeout t = Timeout.after(Duration.ofMillis(5))) {
            permits.acquire();
            try {
                log.add(id + " acquired@" + Strand.nanoTime());
                Fiber.sleep(Duration.ofMillis(1 + id % 2));
            } finally {
                permits.release();
            }
        } catch (TimeoutExpired e) {
            log.add(id + " timed out@" + Strand.nanoTime());
        }
    }

    @Test
    void aThousandRunsOfOneSeedHaveOneTraceHashAndTwoSeedsDiffer() throws Exception {
        Run first = run(42, false);
        assertTrue(first.decisions() > FIBERS, "too few decisions to mean anything: " + first.decisions());
        assertTrue(first.log().stream().anyMatch(l -> l.contains("timed out")), "no timeout fired: " + first.log());
        assertTrue(first.log().stream().anyMatch(l -> l.contains("gave up")), "no timed acquire gave up: " + first.log());
        for (int i = 1; i < 1_000; i++) {
            Run again = run(42, false);
            assertEquals(first.traceHash(), again.traceHash(), "run " + i + " of seed 42 took another schedule");
            assertEquals(first.log(), again.log(), "run " + i + " of seed 42 did other things");
            assertEquals(first.endNanos(), again.endNanos());
        }
        Run other = run(43, false);
        assertNotEquals(first.traceHash(), other.traceHash(), "seeds 42 and 43 gave the same schedule");
    }

    @Test
    void runsThatRecordSuspensionSitesRepeatThemToo() throws Exception {
        Run first = run(42, true);
        Run plain = run(42, false);
        assertEquals(plain.log(), first.log(), "recording sites changed the schedule");
        assertNotEquals(plain.traceHash(), first.traceHash(), "the sites did not enter the hash");
        for (int i = 1; i < 20; i++) {
            assertEquals(first.traceHash(), run(42, true).traceHash(), "run " + i + " of seed 42 suspended elsewhere");
        }
    }
}
