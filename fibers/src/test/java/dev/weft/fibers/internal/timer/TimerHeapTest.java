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
}
