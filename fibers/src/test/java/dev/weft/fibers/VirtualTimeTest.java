package dev.weft.fibers;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Virtual time in a {@link SimulatedScheduler}: sleeps, timed parks, timeouts and timed joins
 * wait in the simulation's clock, which jumps to the next deadline when every fiber waits.
 * Nothing here waits in real time, so no test asserts a wall-clock duration.
 */
class VirtualTimeTest {
    private static final long MS = 1_000_000L;

    @Test
    void aSleepOfTenMinutesEndsAtOnceWithTheClockTenMinutesOn() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(1)) {
            long slept = sim.invoke(() -> {
                long start = Strand.nanoTime();
                Fiber.sleep(Duration.ofMinutes(10));
                return Strand.nanoTime() - start;
            });
            assertEquals(Duration.ofMinutes(10).toNanos(), slept);
            assertEquals(Duration.ofMinutes(10).toNanos(), sim.nanoTime());
        }
    }

    /**
     * A sleep's step ends without reading the clock again only when its timer fired; an unpark
     * before that (here at 3 ms, then at 8 ms) makes it read the clock and sleep the rest.
     */
    @Test
    void anUnparkedSleeperSleepsOnUntilItsDeadline() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(11)) {
            long woke = sim.invoke(() -> {
                Fiber<Long> sleeper = Fiber.spawn(() -> {
                    Fiber.sleep(Duration.ofMillis(10));
                    return Strand.nanoTime();
                });
                Fiber.sleep(Duration.ofMillis(3));
                sleeper.unpark();
                Fiber.sleep(Duration.ofMillis(5));
                sleeper.unpark();
                return sleeper.get();
            });
            assertEquals(10 * MS, woke);
        }
    }

    /**
     * A permit left from before a sleep neither shortens it nor outlives it: the sleep takes it
     * and sleeps its whole time (its park arms the timer all the same, which is where a sleep
     * woken early reads its deadline back, issue 16), and the next timed park waits in full.
     */
    @Test
    void aSleepTakesAPendingPermitAndStillSleepsItsWholeTime() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(12)) {
            long[] at = sim.invoke(() -> {
                Fiber.current().unpark();
                Fiber.sleep(Duration.ofMillis(10));
                long slept = Strand.nanoTime();
                Strand.parkNanos(MS);
                return new long[] {slept, Strand.nanoTime()};
            });
            assertEquals(10 * MS, at[0]);
            assertEquals(11 * MS, at[1]);
        }
    }

    @Test
    void aTimeoutFiresAtItsVirtualDeadline() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(2)) {
            long firedAt = sim.invoke(() -> {
                Timeout t = Timeout.after(Duration.ofSeconds(5));
                TimeoutExpired e = assertThrows(TimeoutExpired.class, () -> {
                    try (t) {
                        Fiber.sleep(Duration.ofDays(1));
                    }
                });
                assertSame(t, e.timeout());
                return Strand.nanoTime();
            });
            assertEquals(Duration.ofSeconds(5).toNanos(), firedAt);
        }
    }

    @Test
    void aTimedParkReturnsAfterItsVirtualDuration() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(3)) {
            long parked = sim.invoke(() -> {
                Strand.parkNanos(7 * MS);
                return Strand.nanoTime();
            });
            assertEquals(7 * MS, parked);
        }
    }

    @Test
    void aTimedJoinGivesUpAtItsVirtualDeadline() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(4)) {
            sim.invoke(() -> {
                Fiber<?> never = Fiber.spawn("never", (CheckedRunnable) Strand::park);
                assertFalse(never.join(Duration.ofHours(1)));
                assertEquals(Duration.ofHours(1).toNanos(), Strand.nanoTime());
                assertTrue(never.isAlive());
                return null;
            });
            // close kills the fiber still parked: nothing is left
        }
    }

    @Test
    void spawnLaterStartsAtItsVirtualDelay() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(5)) {
            long startedAt = sim.invoke(() -> Fiber.spawnLater(Duration.ofSeconds(30), Strand::nanoTime).get());
            assertEquals(Duration.ofSeconds(30).toNanos(), startedAt);
        }
    }

    @Test
    void theClockStandsStillWhileAnyFiberCanRun() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(6)) {
            List<Long> seenByYielder = new ArrayList<>();
            sim.invoke(() -> {
                Fiber<?> sleeper = Fiber.spawn(() -> Fiber.sleep(Duration.ofSeconds(1)));
                Fiber<?> yielder = Fiber.spawn(() -> {
                    for (int i = 0; i < 100; i++) {
                        seenByYielder.add(Strand.nanoTime());
                        Fiber.yieldNow();
                    }
                });
                Fiber.joinAll(sleeper, yielder);
                return null;
            });
            assertEquals(100, seenByYielder.size());
            assertTrue(seenByYielder.stream().allMatch(t -> t == 0L), seenByYielder.toString());
            assertEquals(Duration.ofSeconds(1).toNanos(), sim.nanoTime());
        }
    }

    @Test
    void timersDueAtTheSameTimeWakeTheirFibersInArmingOrder() throws Exception {
        // c, b, a arm their second timer in that order (their first sleeps differ), all due at 10 ms;
        // with a policy that always runs the longest-runnable fiber, they must wake c, b, a
        List<String> woke = new ArrayList<>();
        try (SimulatedScheduler sim = new SimulatedScheduler(p -> 0)) {
            sim.invoke(() -> {
                List<Fiber<?>> fibers = new ArrayList<>();
                String[] names = {"a", "b", "c"};
                for (int i = 0; i < 3; i++) {
                    long first = (3 - i) * MS;
                    String name = names[i];
                    fibers.add(Fiber.spawn(name, () -> {
                        Fiber.sleep(Duration.ofNanos(first));
                        Fiber.sleep(Duration.ofNanos(10 * MS - Strand.nanoTime()));
                        woke.add(name + "@" + Strand.nanoTime() / MS);
                    }));
                }
                Fiber.joinAll(fibers);
                return null;
            });
        }
        assertEquals(List.of("c@10", "b@10", "a@10"), woke);
    }

    @Test
    void aZeroTimeoutFiresAtTheNextTurnEvenWhileFibersKeepYielding() throws Exception {
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(7)) {
            sim.invoke(() -> {
                Fiber<?> spinner = Fiber.spawn(() -> {
                    for (;;) {
                        Fiber.yieldNow();
                    }
                });
                assertThrows(TimeoutExpired.class, () -> {
                    try (Timeout t = Timeout.after(Duration.ZERO)) {
                        for (;;) {
                            Fiber.yieldNow();
                        }
                    }
                });
                spinner.kill();
                return null;
            });
        }
    }

    @Test
    void aThreadReadsRealTime() {
        long before = System.nanoTime();
        long strand = Strand.nanoTime();
        long after = System.nanoTime();
        assertTrue(before <= strand && strand <= after);
    }

    /**
     * The issue's timer storm: 10,000 fibers sleep 1 ms ten times each. In virtual time it ends at
     * 10 ms exactly; the wall time it took is printed (a unit test asserts no wall time).
     */
    @Test
    void aStormOfTenThousandFibersSleepingTenTimesEndsAtTenVirtualMilliseconds() throws Exception {
        int fibers = 10_000;
        long wall = System.nanoTime();
        try (SimulatedScheduler sim = SimulatedScheduler.seeded(8).recordSites(false)) {
            sim.invoke(() -> {
                List<Fiber<?>> all = new ArrayList<>(fibers);
                for (int i = 0; i < fibers; i++) {
                    all.add(Fiber.spawn(() -> {
                        for (int n = 0; n < 10; n++) {
                            Fiber.sleep(Duration.ofMillis(1));
                        }
                    }));
                }
                Fiber.joinAll(all);
                return null;
            });
            wall = System.nanoTime() - wall;
            assertEquals(10 * MS, sim.nanoTime());
            System.out.printf("timer storm: %d fibers x 10 x sleep(1 ms): %d decisions, %.0f ms wall time%n",
                    fibers, sim.trace().size(), wall / 1e6);
        }
    }
}
