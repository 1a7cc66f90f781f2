package dev.weft.fibers;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulation scheduler: policy-made decisions, stable ids and sites, deadlock detection. */
class SimulatedSchedulerTest {

    /** Two fibers that each append their name three times, yielding between appends. */
    private static List<String> interleaving(SimulatedScheduler sim) throws Exception {
        List<String> log = new ArrayList<>();
        sim.invoke(() -> {
            Fiber<?> a = Fiber.spawn("a", () -> appendThrice(log, "a"));
            Fiber<?> b = Fiber.spawn("b", () -> appendThrice(log, "b"));
            Fiber.joinAll(a, b);
            return null;
        });
        return log;
    }

    private static void appendThrice(List<String> log, String name) {
        for (int i = 0; i < 3; i++) {
            log.add(name);
            Fiber.yieldNow();
        }
    }

    @Test
    void theSameSeedGivesTheSameInterleavingAndTrace() throws Exception {
        List<String> first;
        long firstHash;
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(7)) {
            first = interleaving(sim);
            firstHash = sim.traceHash();
        }
        for (int i = 0; i < 20; i++) {
            try (SimulatedScheduler sim = SimulatedScheduler.seeded(7)) {
                assertEquals(first, interleaving(sim));
                assertEquals(firstHash, sim.traceHash());
            }
        }
    }

    @Test
    void seedsReachDifferentInterleavings() throws Exception {
        Set<List<String>> seen = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            try (SimulatedScheduler sim = SimulatedScheduler.seeded(seed)) {
                seen.add(interleaving(sim));
            }
        }
        assertTrue(seen.size() > 5, "50 seeds gave only " + seen.size() + " interleavings: " + seen);
    }

    @Test
    void aPolicyThatAlwaysPicksTheFirstRunsInFifoOrder() throws Exception {
        try (SimulatedScheduler sim = new SimulatedScheduler(p -> 0)) {
            assertEquals(List.of("a", "b", "a", "b", "a", "b"), interleaving(sim));
        }
    }

    @Test
    void decisionsOfferTheRunnableFibersWithStableIdsAndSites() throws Exception {
        List<String> offered = new ArrayList<>();
        try (SimulatedScheduler sim = new SimulatedScheduler(p -> {
            StringBuilder b = new StringBuilder("#" + p.step() + " after " + p.previousFiberId() + ":");
            for (int i = 0; i < p.runnable(); i++) {
                b.append(' ').append(p.fiberName(i)).append('/').append(p.fiberId(i)).append('@').append(p.suspendedAt(i));
            }
            offered.add(b.toString());
            return p.runnable() - 1;
        })) {
            interleaving(sim);
            List<ScheduleStep> trace = sim.trace();
            assertEquals(offered.size(), trace.size());
            ScheduleStep first = trace.get(0);
            assertEquals(new ScheduleStep(0, 1, 2, 3, "b", "start"), first);
            assertTrue(offered.get(0).equals("#0 after 1: a/2@start b/3@start"), offered.get(0));
            String yielded = trace.get(1).suspendedAt();
            assertTrue(yielded.matches("Fiber\\.yieldNow <- SimulatedSchedulerTest\\.appendThrice:\\d+"), yielded);
        }
    }

    @Test
    void unnamedFibersAreNamedByTheirId() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(1)) {
            String name = sim.invoke(() -> Fiber.spawn(() -> { }).name());
            assertEquals("fiber-2", name);
        }
    }

    @Test
    void aDeadlockNamesEveryParkedFiberAndWhereItWaits() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(3)) {
            SimulationDeadlock d = assertThrows(SimulationDeadlock.class, () -> sim.invoke(() -> {
                Fiber<?> forever = Fiber.spawn("forever", Strand::park);
                forever.join();
                return null;
            }));
            assertEquals(2, d.parked().size(), d.getMessage());
            assertTrue(d.parked().get(0).matches("main \\(#1\\) at Fiber\\.join <- SimulatedSchedulerTest\\..*:\\d+"),
                    d.parked().get(0));
            assertTrue(d.parked().get(1).equals("forever (#2) at Strand.park"), d.parked().get(1));
            assertTrue(d.getMessage().contains("Deadlock"), d.getMessage());
        }
    }

    @Test
    void aSleepOfTenMinutesTakesNoRealTime() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(1)) {
            long virtual = sim.invoke(() -> {
                long start = Strand.nanoTime();
                Fiber.sleep(Duration.ofMinutes(10));
                return Strand.nanoTime() - start;
            });
            assertEquals(Duration.ofMinutes(10).toNanos(), virtual);
            assertEquals(Duration.ofMinutes(10).toNanos(), sim.nanoTime());
        }
    }

    @Test
    void differentPoliciesGiveDifferentTraceHashes() throws Exception {
        long first;
        long last;
        try (SimulatedScheduler sim = new SimulatedScheduler(p -> 0)) {
            interleaving(sim);
            first = sim.traceHash();
        }
        try (SimulatedScheduler sim = new SimulatedScheduler(p -> p.runnable() - 1)) {
            interleaving(sim);
            last = sim.traceHash();
        }
        assertNotEquals(first, last);
    }
}
