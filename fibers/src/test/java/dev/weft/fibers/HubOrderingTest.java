package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** gevent's ordering rules on a Hub: probes P1–P4 of the gevent reference, timers, wake-ups. */
class HubOrderingTest {
    private final Hub hub = new Hub();
    private final List<String> log = new ArrayList<>();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void spawnedFibersStartInSpawnOrder() throws Exception { // P1
        hub.invoke(() -> {
            List<Fiber<Boolean>> fibers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                fibers.add(Fiber.spawn(() -> log.add(String.valueOf(n))));
            }
            return Fiber.joinAll(fibers);
        });
        assertEquals(List.of("0", "1", "2", "3", "4"), log);
    }

    @Test
    void yieldNowRoundRobinsEveryRunnableFiber() throws Exception { // P2
        hub.invoke(() -> {
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (String name : List.of("A", "B", "C")) {
                fibers.add(Fiber.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        log.add(name + i);
                        Fiber.yieldNow();
                    }
                }));
            }
            return Fiber.joinAll(fibers);
        });
        assertEquals(List.of("A0", "B0", "C0", "A1", "B1", "C1", "A2", "B2", "C2"), log);
    }

    @Test
    void sleepZeroInterleavesTwoFibers() throws Exception { // P3 (gevent's test__order)
        hub.invoke(() -> {
            Fiber<Void> one = Fiber.spawn(() -> {
                log.add("1A");
                Fiber.sleep(Duration.ZERO);
                log.add("1B");
            });
            Fiber<Void> two = Fiber.spawn(() -> {
                log.add("2A");
                Fiber.sleep(Duration.ZERO);
                log.add("2B");
            });
            return Fiber.joinAll(one, two);
        });
        assertEquals(List.of("1A", "2A", "1B", "2B"), log);
    }

    @Test
    void spawnDoesNotRunTheChildUntilTheParentYields() throws Exception { // P4
        hub.invoke(() -> {
            var child = Fiber.spawn(() -> log.add("child ran"));
            log.add("parent continues");
            child.join();
            return null;
        });
        assertEquals(List.of("parent continues", "child ran"), log);
    }

    @Test
    void yieldNowGoesBehindFibersSpawnedBeforeIt() throws Exception {
        hub.invoke(() -> {
            var a = Fiber.spawn(() -> log.add("a"));
            var b = Fiber.spawn(() -> log.add("b"));
            Fiber.yieldNow();
            log.add("main");
            return Fiber.joinAll(a, b);
        });
        assertEquals(List.of("a", "b", "main"), log);
    }

    @Test
    void timersWithEqualDeadlinesFireInTheOrderTheyWereSet() throws Exception {
        hub.invoke(() -> {
            Strand main = Strand.current();
            long deadline = System.nanoTime() + Duration.ofMillis(5).toNanos();
            for (int i = 0; i < 5; i++) {
                int n = i;
                hub.addTimer(new dev.weft.fibers.internal.timer.TimerTask() {
                    @Override
                    protected void fire() {
                        log.add("timer " + n);
                        main.unpark();
                    }
                }, deadline);
            }
            while (log.size() < 5) {
                Strand.park();
            }
            return null;
        });
        assertEquals(List.of("timer 0", "timer 1", "timer 2", "timer 3", "timer 4"), log);
    }

    @Test
    void sleepersWakeInDeadlineOrder() throws Exception {
        hub.invoke(() -> {
            List<Fiber<Void>> fibers = new ArrayList<>();
            for (int ms : new int[] {300, 100, 200}) { // gaps a descheduled carrier cannot bridge between two sleep calls
                fibers.add(Fiber.spawn(() -> {
                    Fiber.sleep(Duration.ofMillis(ms));
                    log.add("woke " + ms);
                }));
            }
            return Fiber.joinAll(fibers);
        });
        assertEquals(List.of("woke 100", "woke 200", "woke 300"), log);
    }

    @Test
    void unparkAppendsTheWokenFiberAndTheWakerKeepsRunning() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> sleeper = Fiber.spawn(() -> {
                log.add("parking");
                Strand.park();
                log.add("woken");
            });
            Fiber.yieldNow(); // let it park
            sleeper.unpark();
            log.add("waker continues");
            sleeper.join();
            return null;
        });
        assertEquals(List.of("parking", "waker continues", "woken"), log);
    }

    @Test
    void killDoesNotSwitchAwayFromTheKiller() throws Exception {
        hub.invoke(() -> {
            Fiber<Void> victim = Fiber.spawn(() -> {
                try {
                    Strand.park();
                } finally {
                    log.add("victim cleans up");
                }
            });
            Fiber.yieldNow();
            victim.kill();
            log.add("killer continues");
            victim.join();
            return null;
        });
        assertEquals(List.of("killer continues", "victim cleans up"), log);
    }

    @Test
    void aFiberWokenFromAnotherThreadRunsOnTheHub() throws Exception {
        Fiber<Thread> parked = hub.spawn(() -> {
            Strand.park();
            return Thread.currentThread();
        });
        // wait, as a thread, until it has parked: a join with a timeout on a fiber that is not
        // done returns false without waking it, so poll its state through the hub instead.
        while (!hub.invoke(() -> parkedState(parked))) {
            Thread.onSpinWait();
        }
        parked.unpark();
        assertEquals(hub.carrier(), parked.get());
    }

    private static boolean parkedState(Fiber<?> f) {
        return ((ContinuationFiber<?>) f).runState() == ContinuationFiber.PARKED;
    }
}
