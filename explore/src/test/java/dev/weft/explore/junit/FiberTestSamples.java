package dev.weft.explore.junit;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Scheduler;
import dev.weft.fibers.SimulatedScheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Test classes that FiberTestExtensionTest runs in a nested engine (EngineTestKit). Not named
 * *Test, so Surefire does not run them itself: some of them fail on purpose.
 */
final class FiberTestSamples {

    private FiberTestSamples() {}

    static int increments(int[] counter) {
        int read = counter[0];
        Fiber.yieldNow();
        counter[0] = read + 1;
        return counter[0];
    }

    static void lostUpdate() throws Exception {
        int[] counter = {0};
        Fiber<Integer> a = Fiber.spawn("A", () -> increments(counter));
        Fiber<Integer> b = Fiber.spawn("B", () -> increments(counter));
        a.get();
        b.get();
        assertEquals(2, counter[0], "lost update");
    }

    /** Fails under some schedules. */
    static class Failing {
        @FiberTest(seeds = 200)
        void lostUpdateIsCaught(SimulatedScheduler scheduler) throws Exception {
            lostUpdate();
        }
    }

    /** Passes under every schedule; counts its runs. */
    static class Passing {
        static int runs;

        @FiberTest(seeds = 25)
        void lockedUpdatePasses(Scheduler scheduler) throws Exception {
            assertNotNull(scheduler);
            runs++;
            int[] counter = {0};
            dev.weft.locks.ReentrantLock lock = new dev.weft.locks.ReentrantLock();
            Fiber<Void> a = Fiber.spawn("A", () -> locked(lock, counter));
            Fiber<Void> b = Fiber.spawn("B", () -> locked(lock, counter));
            a.get();
            b.get();
            assertEquals(2, counter[0]);
        }

        private static void locked(dev.weft.locks.ReentrantLock lock, int[] counter) {
            lock.lock();
            try {
                increments(counter);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Replays 0,0,0, the hub's own FIFO order, which interleaves the two increments: fails. */
    static class ReplayFailing {
        @FiberTest(replay = "choices:0,0,0")
        void replaysTheInterleaving() throws Exception {
            lostUpdate();
        }
    }

    /** A replay that is not a replay. */
    static class BadReplay {
        @FiberTest(replay = "sed:1")
        void misspelt() {
        }
    }

    /** A parameter the extension cannot give. */
    static class BadParameter {
        @FiberTest(seeds = 1)
        void takesAString(String s) {
        }
    }
}
