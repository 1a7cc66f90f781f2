package dev.weft.explore;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.SimulatedScheduler;
import dev.weft.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FingerprintedProgramTest {

    /**
     * Two fibers add to a counter three times each, yielding after each addition; with {@code locked}
     * the read-yield-write is under a lock. The fingerprint is the whole state: the counter and each
     * fiber's progress.
     */
    static final class Counting implements FingerprintedProgram {
        final boolean locked;
        int[] counter;
        int[] progress;

        Counting(boolean locked) {
            this.locked = locked;
        }

        @Override
        public void run(SimulatedScheduler scheduler) throws Exception {
            counter = new int[1];
            progress = new int[2];
            ReentrantLock lock = new ReentrantLock();
            Fiber<Void> a = Fiber.spawn("A", () -> add(0, lock));
            Fiber<Void> b = Fiber.spawn("B", () -> add(1, lock));
            a.get();
            b.get();
            if (counter[0] != 6) {
                throw new AssertionError("lost update: " + counter[0]);
            }
        }

        private void add(int me, ReentrantLock lock) {
            for (int i = 0; i < 3; i++) {
                if (locked) {
                    lock.lock();
                }
                int read = counter[0];
                progress[me]++; // read done: part of the fiber's state from here to the write
                Fiber.yieldNow();
                counter[0] = read + 1;
                progress[me]++;
                if (locked) {
                    lock.unlock();
                }
                Fiber.yieldNow();
            }
        }

        @Override
        public Object fingerprint() {
            return List.of(counter[0], progress[0], progress[1]);
        }
    }

    @Test
    void pruningRunsFewerSchedulesAndStillPassesEveryStateOfACorrectProgram() {
        Exploration pruned = Explorer.of(new Counting(true)).exhaustive(200, 3);
        Exploration full = Explorer.of(new Counting(true)::run).exhaustive(200, 3);
        assertTrue(full.passed(), full.summary());
        assertTrue(pruned.passed(), pruned.summary());
        assertEquals(0, full.pruned());
        assertTrue(pruned.pruned() > 0, pruned.summary());
        assertTrue(pruned.runs() < full.runs(), pruned.runs() + " runs with pruning, " + full.runs() + " without");
        assertTrue(pruned.summary().contains("ended early at a state already explored"), pruned.summary());
    }

    @Test
    void pruningStillFindsTheBug() {
        Exploration x = Explorer.of(new Counting(false)).exhaustive(200, 2);
        assertFalse(x.passed());
        assertTrue(x.failure().failure() instanceof AssertionError, String.valueOf(x.failure().failure()));
        assertEquals(1, Explorer.of(new Counting(false)).shortestFailure(200, 2).orElseThrow().contextSwitches());
    }
}
