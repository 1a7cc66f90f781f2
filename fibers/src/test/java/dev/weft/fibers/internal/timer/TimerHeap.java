package dev.weft.fibers.internal.timer;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A binary min-heap of {@link TimerTask}s ordered by deadline, then by insertion.
 *
 * <p>Guarantees: {@link #add} and {@link #remove} are O(log n) amortized, and allocate nothing
 * while the number of timers stays between a quarter of the array and all of it; tasks whose
 * deadlines are equal fire in the order they were added (gevent's rule for timers that expire
 * together). Deadlines compare by difference, so they may wrap around {@code Long.MAX_VALUE}
 * like {@link System#nanoTime()}.
 *
 * <p>Memory follows the number of timers: the array doubles when full and halves when fewer
 * than a quarter of its slots are used (never below {@value #MIN_SHRINK_CAPACITY} slots), so a
 * burst of a million sleeping fibers leaves nothing behind once they are gone. A halved array
 * is half full, so a count that hovers around either threshold does not resize back and forth.
 *
 * <p>Not thread-safe: one owner touches a heap. The runtime's timer structure until
 * {@link TimerWheel} replaced it; kept here as the reference the wheel is tested against
 * ({@code TimerWheelTest.firesExactlyWhatTheHeapFiresInTheSameOrder}).
 */
public final class TimerHeap {
    /** The array never shrinks below this many slots: smaller savings are not worth a copy. */
    static final int MIN_SHRINK_CAPACITY = 64;

    private TimerTask[] heap = new TimerTask[16];
    private int size;
    private long nextSequence;
    /** Each scheduled task's position in {@link #heap}: a task's own field holds only a wheel's list (this is the tests' reference, not a hot path). */
    private final Map<TimerTask, Integer> positions = new IdentityHashMap<>();

    /** Creates an empty heap. */
    public TimerHeap() {}

    /**
     * Schedules {@code task} to fire at {@code deadline}.
     *
     * @throws IllegalStateException if the task is already scheduled
     */
    public void add(TimerTask task, long deadline) {
        if (task.isScheduled()) {
            throw new IllegalStateException("TimerTask is already scheduled: cancel it before re-arming it");
        }
        task.deadline = deadline;
        task.setSequence(nextSequence++);
        task.setList(0); // scheduled: its position is in `positions`
        insert(task);
    }

    private void insert(TimerTask task) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        siftUp(size++, task);
    }

    /**
     * Removes {@code task} if it is scheduled here.
     *
     * @return whether the task was scheduled (and so will now not fire)
     */
    public boolean remove(TimerTask task) {
        Integer at = positions.remove(task);
        if (at == null) {
            return false;
        }
        int i = at;
        task.setList(TimerTask.UNSCHEDULED);
        TimerTask last = heap[--size];
        heap[size] = null;
        if (last != task) {
            siftDown(i, last);
            if (heap[i] == last) {
                siftUp(i, last);
            }
        }
        if (size < heap.length >>> 2 && heap.length > MIN_SHRINK_CAPACITY) {
            heap = Arrays.copyOf(heap, heap.length >>> 1);
        }
        return true;
    }

    /** The task with the earliest deadline, or {@code null} if the heap is empty. */
    public TimerTask peek() {
        return size == 0 ? null : heap[0];
    }

    /** Whether no task is scheduled. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** The number of scheduled tasks. */
    public int size() {
        return size;
    }

    /** The length of the array: for tests of its growth and shrinking. */
    int capacity() {
        return heap.length;
    }

    /**
     * Removes and returns the earliest task if its deadline is at or before {@code now},
     * else returns {@code null}.
     */
    public TimerTask pollExpired(long now) {
        TimerTask first = peek();
        if (first == null || first.deadline - now > 0) {
            return null;
        }
        remove(first);
        return first;
    }

    /**
     * Fires, in deadline order, every task whose deadline is at or before {@code now}.
     * A task that re-arms itself for a time at or before {@code now} fires again.
     *
     * @return the number of tasks fired
     */
    public int fireExpired(long now) {
        int fired = 0;
        TimerTask task;
        while ((task = pollExpired(now)) != null) {
            task.fireAt(now);
            fired++;
        }
        return fired;
    }

    private static boolean before(TimerTask a, TimerTask b) {
        long d = a.deadline - b.deadline;
        return d < 0 || (d == 0 && a.sequenceAndList - b.sequenceAndList < 0);
    }

    private void siftUp(int i, TimerTask task) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            TimerTask p = heap[parent];
            if (!before(task, p)) {
                break;
            }
            heap[i] = p;
            positions.put(p, i);
            i = parent;
        }
        heap[i] = task;
        positions.put(task, i);
    }

    private void siftDown(int i, TimerTask task) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            TimerTask c = heap[child];
            int right = child + 1;
            if (right < size && before(heap[right], c)) {
                c = heap[child = right];
            }
            if (!before(c, task)) {
                break;
            }
            heap[i] = c;
            positions.put(c, i);
            i = child;
        }
        heap[i] = task;
        positions.put(task, i);
    }
}
