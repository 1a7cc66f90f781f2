package dev.weft.explore;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.SimulationDeadlock;
import dev.weft.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplorerTest {

    /** Two fibers increment a counter with a yield between read and write: fails when they interleave. */
    static final FiberProgram LOST_UPDATE = scheduler -> {
        int[] counter = {0};
        Fiber<Void> a = Fiber.spawn("A", () -> increment(counter));
        Fiber<Void> b = Fiber.spawn("B", () -> increment(counter));
        a.get();
        b.get();
        if (counter[0] != 2) {
            throw new AssertionError("lost update: " + counter[0]);
        }
    };

    private static void increment(int[] counter) {
        int read = counter[0];
        Fiber.yieldNow();
        counter[0] = read + 1;
    }

    /** LOST_UPDATE plus a third fiber that yields often, which makes random failures switch a lot. */
    static final FiberProgram NOISY_LOST_UPDATE = scheduler -> {
        Fiber<Void> noise = Fiber.spawn("N", () -> {
            for (int i = 0; i < 12; i++) {
                Fiber.yieldNow();
            }
        });
        LOST_UPDATE.run(scheduler);
        noise.get();
    };

    @Test
    void randomStopsAtTheFirstFailureAndReportsItsSeedAndSteps() {
        Exploration x = Explorer.of(LOST_UPDATE).random(1000);
        assertFalse(x.passed());
        Execution e = x.failure();
        assertInstanceOf(AssertionError.class, e.failure());
        assertEquals(x.runs() - 1, e.seed().orElseThrow(), "seeds run from 0, so run n is seed n - 1");
        assertTrue(e.report().contains("seed: " + e.seed().getAsLong()), e.report());
        assertTrue(e.steps().stream().anyMatch(s -> s.matches("step \\d+: fiber [AB] \\(id [23]\\): Fiber\\.yieldNow <- .*")),
                String.join("\n", e.steps()));
    }

    @Test
    void aPassingProgramPassesEverySeed() {
        Exploration x = Explorer.of(scheduler -> Fiber.spawn(() -> Fiber.yieldNow()).get()).random(50);
        assertTrue(x.passed());
        assertEquals(50, x.runs());
    }

    @Test
    void replayingTheSeedGivesTheSameTrace() {
        Explorer explorer = Explorer.of(LOST_UPDATE);
        Execution first = explorer.random(1000).failure();
        Execution again = explorer.replay(first.seed().orElseThrow());
        assertEquals(first.traceHash(), again.traceHash());
        assertEquals(first.schedule(), again.schedule());
        assertEquals(first.failure().getMessage(), again.failure().getMessage());
    }

    @Test
    void replayingASavedScheduleFileReproducesTheFailure(@TempDir Path dir) throws Exception {
        Explorer explorer = Explorer.of(LOST_UPDATE);
        Execution first = explorer.random(1000).failure();
        Path file = dir.resolve("lost-update.schedule");
        first.save(file);
        Execution again = explorer.replay(Schedule.read(file));
        assertEquals(first.traceHash(), again.traceHash());
        assertTrue(again.failed());
    }

    /** A sets x and checks it after a yield; B yields once and then overwrites x: fails only if B runs twice in a row. */
    static final FiberProgram ATOMIC_CHECK = scheduler -> {
        int[] x = {0};
        Fiber<Void> a = Fiber.spawn("A", () -> {
            x[0] = 1;
            Fiber.yieldNow();
            if (x[0] != 1) {
                throw new AssertionError("x changed under A");
            }
        });
        Fiber<Void> b = Fiber.spawn("B", () -> {
            Fiber.yieldNow();
            x[0] = 2;
        });
        a.get();
        b.get();
    };

    @Test
    void pctFindsABugThatTheHubsOwnOrderHidesAndReplaysIt() {
        Explorer explorer = Explorer.of(ATOMIC_CHECK);
        assertFalse(explorer.replay(Schedule.of()).failed(), "the FIFO order passes");
        Exploration x = explorer.pct(1000, 2);
        assertFalse(x.passed());
        Execution e = x.failure();
        Execution again = explorer.replayPct(e.seed().orElseThrow(), 2);
        assertEquals(e.traceHash(), again.traceHash());
        assertTrue(again.failed());
    }

    @Test
    void shrinkingKeepsTheFailureAndReachesTheFewestSwitches() {
        Explorer explorer = Explorer.of(NOISY_LOST_UPDATE);
        Execution first = explorer.random(1000).failure();
        assertNotNull(first);
        Execution shortest = explorer.shortestFailure(200, 3).orElseThrow();
        Execution shrunk = explorer.shrink(first);
        assertInstanceOf(AssertionError.class, shrunk.failure());
        assertTrue(shrunk.contextSwitches() <= first.contextSwitches());
        assertTrue(shrunk.contextSwitches() <= shortest.contextSwitches() + 2,
                "shrunk to " + shrunk.contextSwitches() + ", the fewest is " + shortest.contextSwitches());
        assertTrue(explorer.replay(shrunk.schedule()).failed(), "the shrunk schedule replays the failure");
    }

    @Test
    void exhaustiveWithoutPreemptionsRunsOnlyNonPreemptiveSchedulesAndOnePreemptionFindsTheBug() {
        Explorer explorer = Explorer.of(LOST_UPDATE);
        Exploration none = explorer.exhaustive(100, 0);
        assertTrue(none.passed(), none.summary());
        Exploration one = explorer.exhaustive(100, 1);
        assertFalse(one.passed());
        assertEquals(1, one.failure().contextSwitches());
        assertTrue(one.summary().contains("fails"), one.summary());
    }

    @Test
    void exhaustiveRunsEveryScheduleExactlyOnceAndMissesNoneThatRandomFinds() {
        Set<String> orders = new HashSet<>();
        FiberProgram interleavings = scheduler -> {
            StringBuilder order = new StringBuilder();
            Fiber<Void> a = Fiber.spawn("A", () -> steps(order, 'a'));
            Fiber<Void> b = Fiber.spawn("B", () -> steps(order, 'b'));
            a.get();
            b.get();
            orders.add(order.toString());
        };
        Set<Long> exhaustiveTraces = new HashSet<>();
        Exploration all = Explorer.of(interleavings).observe(run -> exhaustiveTraces.add(run.traceHash()))
                .exhaustive(Integer.MAX_VALUE, Integer.MAX_VALUE);
        assertTrue(all.passed());
        assertFalse(all.bounded());
        assertEquals(all.runs(), exhaustiveTraces.size(), "no schedule is run twice");
        assertEquals(20, orders.size(), "C(6,3) orders of two fibers of three steps each");
        Set<Long> randomTraces = new HashSet<>();
        Explorer.of(interleavings).observe(run -> randomTraces.add(run.traceHash())).random(2000);
        assertTrue(exhaustiveTraces.containsAll(randomTraces), "random found a schedule that exhaustive search missed");
    }

    private static void steps(StringBuilder order, char me) {
        for (int i = 0; i < 3; i++) {
            order.append(me);
            Fiber.yieldNow();
        }
    }

    @Test
    void exhaustiveReportsADeadlockAsTheFailure() {
        Exploration x = Explorer.of(scheduler -> {
            ReentrantLock one = new ReentrantLock();
            ReentrantLock two = new ReentrantLock();
            Fiber<Void> a = Fiber.spawn("A", () -> both(one, two));
            Fiber<Void> b = Fiber.spawn("B", () -> both(two, one));
            a.get();
            b.get();
        }).exhaustive(100, 2);
        assertInstanceOf(SimulationDeadlock.class, x.failure().failure());
    }

    private static void both(ReentrantLock first, ReentrantLock second) {
        first.lock();
        try {
            Fiber.yieldNow();
            second.lock();
            second.unlock();
        } finally {
            first.unlock();
        }
    }

    @Test
    void exhaustiveDepthBoundIsReported() {
        Exploration x = Explorer.of(NOISY_LOST_UPDATE).exhaustive(2, 0);
        assertTrue(x.bounded());
        assertTrue(x.summary().contains("up to the bound"), x.summary());
    }

    @Test
    void aLivelockIsStoppedByTheDecisionLimit() {
        Execution e = Explorer.of(scheduler -> {
            boolean[] done = {false};
            Fiber<Void> spinner = Fiber.spawn("spinner", () -> {
                while (!done[0]) {
                    Fiber.yieldNow();
                }
            });
            Fiber<Void> other = Fiber.spawn("other", () -> {
                while (!done[0]) {
                    Fiber.yieldNow();
                }
            });
            spinner.get();
            other.get();
        }).maxDecisions(500).replay(0);
        assertInstanceOf(ScheduleLimitExceeded.class, e.failure());
        assertTrue(e.failure().getMessage().contains("more than 500 scheduling decisions"), e.failure().getMessage());
    }

    @Test
    void aScheduleThatDoesNotFitTheProgramFailsSayingSo() {
        Execution e = Explorer.of(LOST_UPDATE).replay(Schedule.of(7));
        assertInstanceOf(IllegalStateException.class, e.failure());
        assertTrue(e.failure().getMessage().contains("not the one this schedule was recorded on"), e.failure().getMessage());
    }

    @Test
    void aNonDeterministicProgramIsReportedByExhaustiveSearch() {
        int[] runs = {0};
        Exploration x = Explorer.of(scheduler -> {
            int fibers = 2 + runs[0]++ % 2; // state kept between runs: a different program each time
            for (int i = 0; i < fibers; i++) {
                Fiber.spawn(() -> Fiber.yieldNow());
            }
            Fiber.yieldNow();
            Fiber.yieldNow();
        }).exhaustive(100, 2);
        assertInstanceOf(IllegalStateException.class, x.failure().failure());
        assertTrue(x.failure().failure().getMessage().contains("not deterministic"), x.failure().failure().getMessage());
    }

    @Test
    void callingTheExplorerFromAFiberFailsSayingSo() throws Exception {
        try (dev.weft.fibers.Hub hub = new dev.weft.fibers.Hub()) {
            IllegalStateException e = hub.invoke(() -> assertThrows(IllegalStateException.class,
                    () -> Explorer.of(LOST_UPDATE).replay(0)));
            assertTrue(e.getMessage().contains("call the explorer from a thread"), e.getMessage());
        }
    }

    @Test
    void shrinkRejectsAPassingRun() {
        Explorer explorer = Explorer.of(scheduler -> { });
        Execution passed = explorer.replay(0);
        assertThrows(IllegalArgumentException.class, () -> explorer.shrink(passed));
    }
}
