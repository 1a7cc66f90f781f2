package dev.weft.fibers.internal.timer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimerWheelTest {
    private static final long MS = 1_000_000;
    private static final long DAY = 86_400_000 * MS;

    private final List<Integer> fired = new ArrayList<>();

    private TimerTask task(int id) {
        return task(id, fired);
    }

    private static TimerTask task(int id, List<Integer> log) {
        return new TimerTask() {
            @Override
            protected void fire() {
                log.add(id);
            }
        };
    }

    /** A wheel whose cursor starts at {@code now}, as a hub's does at its first look at the clock. */
    private static TimerWheel wheelAt(long now) {
        TimerWheel wheel = new TimerWheel();
        wheel.fireExpired(now);
        return wheel;
    }

    @Test
    void tasksWithEqualDeadlinesFireInInsertionOrder() {
        TimerWheel wheel = wheelAt(0);
        for (int i = 0; i < 100; i++) {
            wheel.add(task(i), 5 * MS); // in a slot
        }
        wheel.fireExpired(4 * MS + 990_000); // the slot's tick has come: its tasks wait in the due list now
        assertEquals(0, wheel.sizeInSlots());
        for (int i = 100; i < 200; i++) {
            wheel.add(task(i), 5 * MS); // straight into the due list, behind the first hundred
        }
        assertEquals(200, wheel.fireExpired(5 * MS));
        for (int i = 0; i < 200; i++) {
            assertEquals(i, fired.get(i));
        }
    }

    @Test
    void tasksFireInDeadlineOrderAndOnlyWhenDue() {
        TimerWheel wheel = wheelAt(0);
        wheel.add(task(3), 30 * MS);
        wheel.add(task(1), 10 * MS);
        wheel.add(task(2), 20 * MS);
        wheel.add(task(4), 20 * MS + 1);
        assertEquals(0, wheel.fireExpired(10 * MS - 1));
        assertEquals(2, wheel.fireExpired(20 * MS));
        assertEquals(List.of(1, 2), fired);
        assertEquals(2, wheel.size());
    }

    @Test
    void aBatchDueTogetherFiresInDeadlineOrderWhateverLevelsItsTasksWaitedIn() {
        TimerWheel wheel = wheelAt(0);
        int[] deadlinesMs = {900, 3, 70_000, 250, 1, 17, 5_000, 64, 2};
        for (int i = 0; i < deadlinesMs.length; i++) {
            wheel.add(task(deadlinesMs[i]), deadlinesMs[i] * MS);
        }
        assertEquals(deadlinesMs.length, wheel.fireExpired(DAY));
        assertEquals(List.of(1, 2, 3, 17, 64, 250, 900, 5_000, 70_000), fired);
    }

    @Test
    void aTaskBeyondTheCurrentTickWaitsInASlotAndOneWithinItInTheDueList() {
        TimerWheel wheel = wheelAt(0);
        wheel.add(task(1), MS);
        wheel.add(task(2), 10_000); // within the 65.5 µs tick
        wheel.add(task(3), -5);     // already due
        assertEquals(1, wheel.sizeInSlots());
        assertEquals(3, wheel.size());
    }

    @Test
    void tasksArmedOutOfOrderWithinOneTickFireInOrder() {
        TimerWheel wheel = wheelAt(0);
        long base = 10 * MS; // a tick boundary is not needed: 40 µs apart at most
        int[] offsets = {40_000, 5, 39_999, 0, 20_000, 5, 1};
        for (int i = 0; i < offsets.length; i++) {
            wheel.add(task(i), base + offsets[i]);
        }
        TimerTask due = task(99);
        wheel.fireExpired(base - 30_000);
        wheel.add(due, base - 20_000); // already in the due list when the others come
        assertEquals(8, wheel.fireExpired(base + 40_000));
        assertEquals(List.of(99, 3, 6, 1, 5, 4, 2, 0), fired);
    }

    @Test
    void removeTakesAnyTaskOutInSlotsOrTheDueListAndKeepsTheOrderOfTheRest() {
        TimerWheel wheel = wheelAt(0);
        Random random = new Random(7);
        List<TimerTask> tasks = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            TimerTask t = task(i);
            tasks.add(t);
            wheel.add(t, random.nextLong(20 * MS) * (i % 3 == 0 ? 1000 : 1));
        }
        wheel.fireExpired(0); // nothing due; some tasks wait in the due list, most in slots
        for (int i = 0; i < 1000; i += 2) {
            assertTrue(wheel.remove(tasks.get(i)));
            assertFalse(tasks.get(i).isScheduled());
        }
        assertFalse(wheel.remove(tasks.get(0)), "removing twice is a no-op");
        long last = Long.MIN_VALUE;
        int count = 0;
        for (long now = 0; count < 500; now += 3 * MS) {
            for (TimerTask t; (t = wheel.pollExpired(now)) != null; count++) {
                assertTrue(t.deadline() >= last);
                assertTrue(t.deadline() <= now);
                last = t.deadline();
            }
        }
        assertTrue(wheel.isEmpty());
        assertNull(wheel.pollExpired(Long.MAX_VALUE));
    }

    @Test
    void aTaskRemovedAfterItFiredIsNotThereAndCanBeReArmed() {
        TimerWheel wheel = wheelAt(0);
        TimerTask t = task(1);
        wheel.add(t, 2 * MS);
        assertEquals(1, wheel.fireExpired(2 * MS));
        assertFalse(t.isScheduled());
        assertFalse(wheel.remove(t));
        wheel.add(t, 3 * MS);
        assertTrue(t.isScheduled());
        assertThrows(IllegalStateException.class, () -> wheel.add(t, 4 * MS));
        assertTrue(wheel.remove(t));
        assertEquals(0, wheel.fireExpired(DAY));
        assertEquals(List.of(1), fired);
    }

    @Test
    void equalDeadlinesKeepInsertionOrderAcrossTheWrapOfInsertionNumbers() {
        // a task keeps its insertion number in the 54 bits above its list (TimerTask.sequenceAndList):
        // the 50th task here wraps to 0 there, and must still fire after the 49 before it
        TimerWheel wheel = new TimerWheel((1L << (64 - TimerTask.LIST_BITS)) - 49);
        wheel.fireExpired(0);
        for (int i = 0; i < 100; i++) {
            wheel.add(task(i), 5 * MS); // in a slot, sorted when its tick comes
        }
        wheel.fireExpired(4 * MS + 990_000);
        for (int i = 100; i < 200; i++) {
            wheel.add(task(i), 5 * MS); // into the due list, placed by comparison
        }
        assertEquals(200, wheel.fireExpired(5 * MS));
        for (int i = 0; i < 200; i++) {
            assertEquals(i, fired.get(i));
        }
    }

    @Test
    void aTaskThatReArmsItselfForNowFiresAgainInTheSameCall() {
        TimerWheel wheel = wheelAt(0);
        int[] runs = new int[1];
        TimerTask t = new TimerTask() {
            @Override
            protected void fire() {
                if (++runs[0] < 3) {
                    wheel.add(this, deadline()); // due at once
                } else {
                    wheel.add(this, deadline() + MS); // due later
                }
            }
        };
        wheel.add(t, 5 * MS);
        assertEquals(3, wheel.fireExpired(5 * MS));
        assertTrue(t.isScheduled());
        assertEquals(1, wheel.fireExpired(6 * MS));
    }

    @Test
    void farDeadlinesBeyondEveryLevelFireInOrderAndCancelFromAnyLevel() {
        TimerWheel wheel = wheelAt(0);
        long[] deadlines = {Long.MAX_VALUE, 365 * DAY, DAY, 3_600_000 * MS, 60_000 * MS, 1_000 * MS, 100 * MS, 5 * MS};
        List<TimerTask> tasks = new ArrayList<>();
        for (int i = 0; i < deadlines.length; i++) {
            TimerTask t = task(i);
            tasks.add(t);
            wheel.add(t, deadlines[i]);
        }
        assertEquals(deadlines.length, wheel.sizeInSlots(), "every one of them waits in a slot");
        assertTrue(wheel.remove(tasks.get(2)), "a day away");
        assertEquals(5 * MS, wheel.nextWakeUp());
        assertEquals(6, wheel.fireExpired(366 * DAY));
        assertEquals(List.of(7, 6, 5, 4, 3, 1), fired);
        assertEquals(Long.MAX_VALUE, wheel.nextWakeUp());
        assertEquals(1, wheel.fireExpired(Long.MAX_VALUE));
    }

    @Test
    void deadlinesCompareAcrossNanoTimeWraparound() {
        TimerWheel wheel = wheelAt(Long.MAX_VALUE - 10 * MS);
        wheel.add(task(3), Long.MIN_VALUE + 20 * MS); // after the wrap, in a slot
        wheel.add(task(2), Long.MIN_VALUE + 5);       // after the wrap
        wheel.add(task(1), Long.MAX_VALUE - 5);       // before it
        assertEquals(Long.MAX_VALUE - 5, wheel.nextWakeUp());
        assertEquals(2, wheel.fireExpired(Long.MIN_VALUE + 10));
        assertEquals(List.of(1, 2), fired);
        assertEquals(Long.MIN_VALUE + 20 * MS, wheel.nextWakeUp());
        assertEquals(1, wheel.fireExpired(Long.MIN_VALUE + 20 * MS));
    }

    @Test
    void negativeNanoTimeValuesWork() {
        TimerWheel wheel = wheelAt(-DAY);
        for (int i = 0; i < 10; i++) {
            wheel.add(task(i), -DAY + (10 - i) * MS);
        }
        assertEquals(10, wheel.sizeInSlots());
        assertEquals(-DAY + MS, wheel.nextWakeUp());
        assertEquals(10, wheel.fireExpired(-DAY + 10 * MS));
        assertEquals(List.of(9, 8, 7, 6, 5, 4, 3, 2, 1, 0), fired);
    }

    @Test
    void theNextWakeUpIsTheEarliestDeadlineAndNeverLate() {
        TimerWheel wheel = wheelAt(0);
        assertThrows(IllegalStateException.class, wheel::nextWakeUp);
        TimerTask early = task(1);
        wheel.add(early, 3 * MS + 17);
        wheel.add(task(2), 3 * MS + 40);
        wheel.add(task(3), 900 * MS + 1);
        assertEquals(3 * MS + 17, wheel.nextWakeUp(), "exact, not a tick's edge");
        assertTrue(wheel.remove(early));
        long wakeUp = wheel.nextWakeUp();
        assertTrue(wakeUp <= 3 * MS + 40, "never after the earliest deadline");
        assertEquals(0, wheel.fireExpired(wakeUp), "an early wake-up fires nothing");
        assertEquals(3 * MS + 40, wheel.nextWakeUp(), "and then knows the exact deadline");
        assertEquals(1, wheel.fireExpired(3 * MS + 40));
        assertEquals(900 * MS + 1, wheel.nextWakeUp(), "exact also from a higher level");
    }

    @Test
    void afterFiringTheNextWakeUpIsAfterNow() {
        TimerWheel wheel = wheelAt(0);
        Random random = new Random(3);
        for (int i = 0; i < 2000; i++) {
            wheel.add(task(i), random.nextLong(100 * MS));
        }
        for (long now = 0; !wheel.isEmpty(); now += random.nextLong(2 * MS)) {
            wheel.fireExpired(now);
            if (!wheel.isEmpty()) {
                assertTrue(wheel.nextWakeUp() > now, "an owner sleeping until the wake-up would spin");
            }
        }
        assertEquals(2000, fired.size());
    }

    @Test
    void aWheelIdleForLongStartsAfreshAtTheClock() {
        TimerWheel wheel = wheelAt(0);
        wheel.fireExpired(10 * DAY); // nothing armed: the cursor jumps, whatever the distance
        wheel.add(task(1), 10 * DAY + MS);
        assertEquals(1, wheel.sizeInSlots());
        assertEquals(0, wheel.fireExpired(10 * DAY + MS - 1));
        assertEquals(1, wheel.fireExpired(10 * DAY + MS));
    }

    /**
     * The wheel against the heap it replaced: the same random arms, cancels and clock steps
     * (from within a tick to days), the same tasks fired in the same order at each step.
     */
    @Test
    void firesExactlyWhatTheHeapFiresInTheSameOrder() {
        for (long origin : new long[] {0, -DAY, Long.MAX_VALUE - 50 * MS, 123_456_789_012L, 1, 7, -3 * DAY, Long.MIN_VALUE + 3}) {
            Random random = new Random(origin);
            List<Integer> byWheel = new ArrayList<>();
            List<Integer> byHeap = new ArrayList<>();
            TimerWheel wheel = wheelAt(origin);
            TimerHeap heap = new TimerHeap();
            List<TimerTask> inWheel = new ArrayList<>();
            List<TimerTask> inHeap = new ArrayList<>();
            long now = origin;
            for (int step = 0; step < 400_000; step++) {
                int op = random.nextInt(10);
                if (op < 5) {
                    long delay = switch (random.nextInt(5)) {
                        case 0 -> random.nextLong(100_000);              // within a tick or two
                        case 1 -> random.nextLong(5 * MS);               // level 0
                        case 2 -> random.nextInt(4) * MS;                // equal deadlines
                        case 3 -> random.nextLong(2_000 * MS);           // levels 1 and 2
                        default -> random.nextLong(2 * DAY) - 1000;      // far, or already due
                    };
                    int id = inWheel.size();
                    TimerTask w = task(id, byWheel);
                    TimerTask h = task(id, byHeap);
                    inWheel.add(w);
                    inHeap.add(h);
                    wheel.add(w, now + delay);
                    heap.add(h, now + delay);
                } else if (op < 7 && !inWheel.isEmpty()) {
                    int id = random.nextInt(inWheel.size());
                    assertEquals(heap.remove(inHeap.get(id)), wheel.remove(inWheel.get(id)));
                } else {
                    now += switch (random.nextInt(4)) {
                        case 0 -> random.nextLong(70_000);
                        case 1 -> random.nextLong(3 * MS);
                        case 2 -> random.nextLong(300 * MS);
                        default -> random.nextLong(DAY / 4);
                    };
                    wheel.fireExpired(now);
                    heap.fireExpired(now);
                    assertEquals(byHeap, byWheel, "step " + step + " from origin " + origin);
                    byHeap.clear();
                    byWheel.clear();
                    assertEquals(heap.size(), wheel.size());
                    if (!heap.isEmpty()) {
                        long wakeUp = wheel.nextWakeUp();
                        assertTrue(wakeUp - now > 0);
                        assertTrue(wakeUp - heap.peek().deadline() <= 0);
                    }
                }
            }
            wheel.fireExpired(now + 3 * DAY);
            heap.fireExpired(now + 3 * DAY);
            assertEquals(byHeap, byWheel);
            assertTrue(wheel.isEmpty());
        }
    }
}
