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

class TimerHeapTest {
    private final List<Integer> fired = new ArrayList<>();

    private TimerTask task(int id) {
        return new TimerTask() {
            @Override
            protected void fire() {
                fired.add(id);
            }
        };
    }

    @Test
    void tasksWithEqualDeadlinesFireInInsertionOrder() {
        TimerHeap heap = new TimerHeap();
        for (int i = 0; i < 100; i++) {
            heap.add(task(i), 42);
        }
        assertEquals(100, heap.fireExpired(42));
        for (int i = 0; i < 100; i++) {
            assertEquals(i, fired.get(i));
        }
    }

    @Test
    void tasksFireInDeadlineOrderAndOnlyWhenDue() {
        TimerHeap heap = new TimerHeap();
        heap.add(task(3), 30);
        heap.add(task(1), 10);
        heap.add(task(2), 20);
        assertEquals(0, heap.fireExpired(9));
        assertEquals(2, heap.fireExpired(20));
        assertEquals(List.of(1, 2), fired);
        assertEquals(1, heap.size());
    }

    @Test
    void removeTakesAnyTaskOutAndKeepsTheOrderOfTheRest() {
        TimerHeap heap = new TimerHeap();
        Random random = new Random(7);
        List<TimerTask> tasks = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            TimerTask t = task(i);
            tasks.add(t);
            heap.add(t, random.nextInt(100));
        }
        for (int i = 0; i < 1000; i += 2) {
            assertTrue(heap.remove(tasks.get(i)));
            assertFalse(tasks.get(i).isScheduled());
        }
        assertFalse(heap.remove(tasks.get(0)), "removing twice is a no-op");
        long last = Long.MIN_VALUE;
        TimerTask t;
        int count = 0;
        while ((t = heap.pollExpired(Long.MAX_VALUE)) != null) {
            assertTrue(t.deadline() >= last);
            last = t.deadline();
            count++;
        }
        assertEquals(500, count);
        assertTrue(heap.isEmpty());
        assertNull(heap.peek());
    }

    @Test
    void deadlinesCompareAcrossNanoTimeWraparound() {
        TimerHeap heap = new TimerHeap();
        heap.add(task(2), Long.MIN_VALUE + 5); // after the wrap
        heap.add(task(1), Long.MAX_VALUE - 5); // before it
        heap.fireExpired(Long.MIN_VALUE + 10);
        assertEquals(List.of(1, 2), fired);
    }

    @Test
    void aTaskCanBeReArmedButNotAddedTwice() {
        TimerHeap heap = new TimerHeap();
        TimerTask t = task(1);
        heap.add(t, 1);
        assertThrows(IllegalStateException.class, () -> heap.add(t, 2));
        heap.fireExpired(1);
        heap.add(t, 5);
        assertTrue(t.isScheduled());
    }

    @Test
    void theArrayShrinksOnceTheTimersAreGone() {
        TimerHeap heap = new TimerHeap();
        List<TimerTask> tasks = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            TimerTask t = task(i);
            tasks.add(t);
            heap.add(t, i);
        }
        assertTrue(heap.capacity() >= 100_000);
        for (int i = 0; i < 100_000; i += 2) {
            assertTrue(heap.remove(tasks.get(i)));
        }
        assertEquals(50_000, heap.fireExpired(Long.MAX_VALUE));
        assertTrue(heap.isEmpty());
        assertEquals(TimerHeap.MIN_SHRINK_CAPACITY, heap.capacity(), "an empty heap keeps only the floor");
    }

    @Test
    void aShrunkHeapKeepsItsOrderAndGrowsAgain() {
        TimerHeap heap = new TimerHeap();
        Random random = new Random(11);
        for (int i = 0; i < 4096; i++) {
            heap.add(task(i), random.nextInt(1000));
        }
        long last = Long.MIN_VALUE;
        for (int i = 0; i < 4000; i++) {
            TimerTask t = heap.pollExpired(Long.MAX_VALUE);
            assertTrue(t.deadline() >= last);
            last = t.deadline();
        }
        assertEquals(256, heap.capacity(), "96 tasks: a quarter of 256 is 64, not yet below it");
        for (int i = 0; i < 1000; i++) {
            heap.add(task(10_000 + i), 2000 + i);
        }
        assertEquals(1096, heap.size());
        int count = 0;
        for (TimerTask t; (t = heap.pollExpired(Long.MAX_VALUE)) != null; count++) {
            assertTrue(t.deadline() >= last);
            last = t.deadline();
        }
        assertEquals(1096, count);
    }

    @Test
    void aCountHoveringAtAThresholdDoesNotResizeBackAndForth() {
        TimerHeap heap = new TimerHeap();
        List<TimerTask> tasks = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            TimerTask t = task(i);
            tasks.add(t);
            heap.add(t, i);
        }
        assertEquals(1024, heap.capacity());
        while (heap.size() > 255) {
            heap.remove(tasks.get(heap.size() - 1));
        }
        assertEquals(512, heap.capacity(), "fewer than a quarter used: halved once");
        TimerTask t = task(-1);
        for (int round = 0; round < 1000; round++) {
            heap.add(t, 0);      // 256: at the threshold it crossed
            assertEquals(512, heap.capacity());
            heap.remove(t);      // 255: below it again
            assertEquals(512, heap.capacity());
        }
        for (int i = heap.size(); i < 512; i++) {
            heap.add(task(i), i);
        }
        assertEquals(512, heap.capacity());
        for (int round = 0; round < 1000; round++) {
            heap.add(t, 0);      // 513: doubled once
            assertEquals(1024, heap.capacity());
            heap.remove(t);      // 512 of 1024: far above a quarter
            assertEquals(1024, heap.capacity());
        }
    }
}
