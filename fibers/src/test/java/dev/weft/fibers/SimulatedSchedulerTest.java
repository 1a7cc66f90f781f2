package dev.weft.fibers;

import org.junit.jupiter.api.Test;

import dev.weft.fibers.io.FiberServerSocket;
import jdk.internal.vm.Continuation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
    void aFiberThatRanStillNamesItsSimulation() throws Exception {
        // after its first run a fiber keeps its home hub where it kept its scheduler (Fiber.runsOn)
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(1)) {
            Fiber<?> f = sim.invoke(() -> {
                Fiber<Void> child = Fiber.spawn(() -> { });
                child.join();
                return child;
            });
            assertEquals(sim, f.scheduler());
            assertEquals("fiber-2", f.name());
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
                Fiber<?> forever = Fiber.spawn("forever", (CheckedRunnable) Strand::park);
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

    // ---- misuse: a simulated program must stay inside the simulation

    /** Spawns a fiber that parks for good and lets it park (the policy runs the oldest runnable fiber first). */
    private static Fiber<?> parkedFiber() {
        Fiber<?> parked = Fiber.spawn("parked", (CheckedRunnable) Strand::park);
        Fiber.yieldNow();
        return parked;
    }

    @Test
    void aThreadThatWakesASimulatedFiberGetsAnErrorAndTheRunFails() throws Exception {
        AtomicReference<Throwable> seenByThread = new AtomicReference<>();
        try (SimulatedScheduler sim = new SimulatedScheduler(p -> 0)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> sim.invoke(() -> {
                Fiber<?> parked = parkedFiber();
                Thread t = Thread.ofPlatform().name("outsider").start(() -> {
                    try {
                        parked.unpark();
                    } catch (Throwable x) {
                        seenByThread.set(x);
                    }
                });
                t.join(); // blocks the simulation's thread meanwhile: nothing else runs
                return null;
            }));
            assertTrue(e.getMessage().startsWith("The simulation was touched from outside"), e.getMessage());
            assertTrue(e.getMessage().contains("outsider"), e.getMessage());
        }
        assertTrue(seenByThread.get() instanceof IllegalStateException, String.valueOf(seenByThread.get()));
        assertTrue(seenByThread.get().getMessage().contains("must stay inside the simulation"), seenByThread.get().getMessage());
    }

    @Test
    void aPatchedFiberOfAHubThatWakesASimulatedFiberGetsAnError() throws Exception {
        AtomicReference<Throwable> seenByPatched = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        try (Hub hub = new Hub(); SimulatedScheduler sim = new SimulatedScheduler(p -> 0)) {
            assertThrows(IllegalStateException.class, () -> sim.invoke(() -> {
                Fiber<?> parked = parkedFiber();
                Monkey.spawn(hub, () -> {
                    try {
                        parked.unpark();
                    } catch (Throwable x) {
                        seenByPatched.set(x);
                    } finally {
                        done.countDown();
                    }
                });
                done.await(); // blocks the simulation's thread until the patched fiber has tried
                return null;
            }));
        }
        assertTrue(seenByPatched.get() instanceof IllegalStateException, String.valueOf(seenByPatched.get()));
    }

    @Test
    void aThreadCannotSpawnIntoASimulationBeforeOrAfterItRuns() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(1)) {
            IllegalStateException before = assertThrows(IllegalStateException.class, () -> sim.spawn(() -> { }));
            assertTrue(before.getMessage().contains("before invoke()"), before.getMessage());
            sim.invoke(() -> null);
            IllegalStateException after = assertThrows(IllegalStateException.class, () -> sim.spawn(() -> { }));
            assertTrue(after.getMessage().contains("is not running"), after.getMessage());
        }
    }

    @Test
    void aThreadCannotKillOrJoinASimulatedFiberOutsideTheRun() throws Exception {
        try (SimulatedScheduler sim = new SimulatedScheduler(p -> 0)) {
            Fiber<?> parked = sim.invoke(SimulatedSchedulerTest::parkedFiber);
            IllegalStateException kill = assertThrows(IllegalStateException.class, parked::kill);
            assertTrue(kill.getMessage().contains("must stay inside the simulation"), kill.getMessage());
            IllegalStateException join = assertThrows(IllegalStateException.class, parked::join);
            assertTrue(join.getMessage().contains("would block for ever"), join.getMessage());
            assertTrue(parked.isAlive());
        }
    }

    @Test
    void patchedFibersAreRejected() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(1)) {
            IllegalStateException e = sim.invoke(() -> assertThrows(IllegalStateException.class,
                    () -> Monkey.spawn(Fiber.current().scheduler(), () -> { })));
            assertTrue(e.getMessage().contains("cannot run patched fibers"), e.getMessage());
        }
    }

    @Test
    void aPinnedParkFailsInsteadOfBlockingTheSimulationForGood() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> sim.invoke(() -> {
                Continuation.pin();
                try {
                    Strand.park();
                } finally {
                    Continuation.unpin();
                }
                return null;
            }));
            assertTrue(e.getMessage().contains("could not suspend"), e.getMessage());
        }
    }

    @Test
    void aFiberThatWaitsForASocketFails() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(1)) {
            IllegalStateException e = sim.invoke(() -> {
                try (FiberServerSocket listener = FiberServerSocket.bindLoopback(0)) {
                    return assertThrows(IllegalStateException.class, listener::accept);
                }
            });
            assertTrue(e.getMessage().contains("sockets are not simulated"), e.getMessage());
        }
    }

    @Test
    void invokeRunsOnceAndOnlyFromAThread() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(1); Hub hub = new Hub()) {
            IllegalStateException fromFiber = hub.invoke(() -> assertThrows(IllegalStateException.class,
                    () -> sim.invoke(() -> null)));
            assertTrue(fromFiber.getMessage().contains("call it from a thread"), fromFiber.getMessage());
            assertEquals(4, sim.invoke(() -> 2 + 2));
            IllegalStateException again = assertThrows(IllegalStateException.class, () -> sim.invoke(() -> null));
            assertTrue(again.getMessage().contains("make a new SimulatedScheduler per run"), again.getMessage());
        }
    }

    @Test
    void aPolicyOutOfRangeFailsTheRun() throws Exception {
        try (SimulatedScheduler sim = new SimulatedScheduler(p -> p.runnable())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> interleaving(sim));
            assertTrue(e.getMessage().contains("must return an index in [0, 2)"), e.getMessage());
        }
    }

    @Test
    void aTurnLimitStopsALivelockOfASingleFiber() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(1).maxTurns(1_000)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> sim.invoke(() -> {
                boolean[] flag = new boolean[1]; // never set: the fiber that would set it was never written
                while (!flag[0]) {
                    Fiber.sleep(Duration.ofSeconds(1));
                }
                return null;
            }));
            assertTrue(e.getMessage().contains("ran 1000 turns"), e.getMessage());
            assertEquals(Duration.ofSeconds(1000).toNanos(), sim.nanoTime()); // when turn 1001 was due
        }
    }

    // ---- the root's outcome and closing

    @Test
    void invokeRethrowsTheRootsFailureAsItIs() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sim.invoke(() -> {
                Fiber.sleep(Duration.ofSeconds(1));
                throw new IllegalArgumentException("boom");
            }));
            assertEquals("boom", e.getMessage());
        }
    }

    @Test
    void closeEndsEveryFiberLeftRunningTheirFinallyBlocksInVirtualTime() throws Exception {
        List<String> cleaned = new ArrayList<>();
        List<Fiber<?>> left = new ArrayList<>();
        SimulatedScheduler sim = new SimulatedScheduler(p -> 0); // the oldest runnable first: the workers park before main goes on
        sim.invoke(() -> {
            for (int i = 0; i < 3; i++) {
                String name = "w" + i;
                left.add(Fiber.spawn(name, () -> {
                    try {
                        Strand.park();
                    } finally {
                        Fiber.sleep(Duration.ofSeconds(1)); // a cleanup that waits, in virtual time
                        cleaned.add(name);
                    }
                }));
            }
            Fiber.yieldNow();
            left.add(Fiber.spawn("never-ran", () -> cleaned.add("never-ran ran")));
            return null;
        });
        long before = sim.nanoTime();
        sim.close();
        assertTrue(sim.isClosed());
        assertTrue(sim.isTerminated());
        for (Fiber<?> f : left) {
            assertTrue(f.isDone(), f + " was left alive");
        }
        assertEquals(List.of("w0", "w1", "w2"), cleaned);
        assertEquals(Duration.ofSeconds(1).toNanos(), sim.nanoTime() - before);
        sim.close(); // idempotent
    }

    @Test
    void closeFromAnotherThreadIsRefused() throws Exception {
        SimulatedScheduler sim = SimulatedScheduler.seeded(1);
        sim.invoke(() -> null);
        AtomicReference<Throwable> refused = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                sim.close();
            } catch (Throwable e) {
                refused.set(e);
            }
        });
        t.join();
        assertNotNull(refused.get());
        assertTrue(refused.get().getMessage().contains("from the thread that invoked it"), refused.get().getMessage());
        sim.close();
        assertTrue(sim.isTerminated());
    }
}
