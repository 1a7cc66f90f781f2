package dev.weft.fibers.internal.timer;

/**
 * A hierarchical timing wheel of {@link TimerTask}s that fires them in exact deadline order,
 * then arming order among equal deadlines (as the binary heap it replaced did), with O(1)
 * arm and O(1) cancel.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>{@link #fireExpired} fires every task whose deadline is at or before {@code now}, and
 *       only those, in deadline order; tasks with equal deadlines fire in the order they were
 *       added (gevent's rule, and what {@code Fiber}'s timeouts rely on: the earliest deadline
 *       first, the outermost of equal ones first).</li>
 *   <li>{@link #remove} is O(1), and so is {@link #add} of a task due after the current tick;
 *       one due within it (or already due) is put in order into the short due list, searched
 *       from its end (O(1) when it comes last, as tasks armed for now usually do). Neither
 *       allocates: a task is linked into a list through its own fields.</li>
 *   <li>Expiry is batched: a slot's whole list moves at once when its time comes, to a lower
 *       level one task at a time, or, from the lowest level, into the due list in one splice
 *       (merged, and sorted first if it was armed out of order, only when it must be). A task
 *       moves at most once per level ({@value #LEVELS} levels at most, one or two in practice).</li>
 *   <li>{@link #nextWakeUp} is a time at or before the earliest deadline, and equal to it unless
 *       the earliest task of a slot was removed (then it may be earlier: one wake-up too early,
 *       never a late one). After {@code fireExpired(now)} it is after {@code now}, so an owner
 *       that sleeps until it never spins. O({@value #LEVELS}).</li>
 *   <li>Deadlines compare by difference, like {@link System#nanoTime()} values: they may be
 *       negative and wrap around {@code Long.MAX_VALUE}; a deadline at any distance has a
 *       level ({@value #TICK_SHIFT} + {@value #LEVELS} × {@value #SLOT_BITS} = 64 bits).</li>
 * </ol>
 *
 * <h2>Design</h2>
 * Time is cut into ticks of 2<sup>{@value #TICK_SHIFT}</sup> ns (65.5 µs). The cursor is the
 * tick up to which the wheel has moved; it follows the {@code now} given to
 * {@link #fireExpired} and {@link #pollExpired}. Level {@code k} has {@value #SLOTS} slots of
 * 64<sup>k</sup> ticks each; a task whose tick {@code t} is after the cursor {@code c} sits in
 * the lowest level {@code k} where {@code (t >>> 6k) - (c >>> 6k) < 64}, in slot
 * {@code (t >>> 6k) & 63} (so level 0 spans 4.2 ms, level 1 268 ms, level 2 17 s, level 3
 * 18 min...). Invariant: every slot in use starts after the cursor, and every task whose tick
 * is at or before the cursor is in the due list, sorted. When the cursor reaches the start of a
 * slot in use, the slot's tasks are placed again: Varghese and Lauck's hierarchical wheel, as
 * Kafka's timing wheel cascades its buckets. Each level keeps a 64-bit mask of the slots in use,
 * so the cursor jumps from one slot in use to the next (as the Linux timer wheel finds its next
 * expiry), never tick by tick; and each slot keeps the earliest deadline put into it, so the
 * owner sleeps until the exact deadline rather than a tick's edge: a {@code sleep(1 ms)} is never
 * late by a tick. Each list keeps whether it was appended to in order; the due list is what makes
 * the order exact, and it holds one tick's tasks, not all of them.
 *
 * <pre>
 *   level 1  [ .. | s | .. ]   64 slots of 4.2 ms     cascade: each task placed again, lower
 *   level 0  [ .. | s | .. ]   64 slots of 65.5 µs    its tick came: the list spliced, in order
 *   due      t1 -> t2 -> t3    sorted: fired from the head while its deadline is at or before now
 * </pre>
 *
 * <p>Memory: three small arrays per wheel ({@value #LEVELS} × {@value #SLOTS} slots, about
 * 6 KB), four fields per task (24 bytes: the deadline, the insertion number with the list, the two links), nothing per armed timer beyond the task.
 *
 * <p>Not thread-safe: one owner (a hub's carrier, or {@link TimerThread} under its lock)
 * touches a wheel.
 */
public final class TimerWheel {
    /** A tick is 2^16 ns, 65.5 µs: a few hundred fibers' turns, well under a millisecond. */
    static final int TICK_SHIFT = 16;
    static final long TICK_NANOS = 1L << TICK_SHIFT;
    static final int SLOT_BITS = 6;
    static final int SLOTS = 1 << SLOT_BITS;
    /** Enough levels for any positive difference of two nanoTime values: 16 + 8 × 6 = 64 bits. */
    static final int LEVELS = 8;
    /** The list of the tasks whose tick has come, sorted, after the slots in {@link #lists}. */
    static final int DUE = LEVELS * SLOTS;

    static {
        if (DUE >= TimerTask.UNSCHEDULED) {
            throw new AssertionError("TimerTask.LIST_BITS is too small for " + (DUE + 1) + " lists");
        }
    }

    /**
     * The head of each slot's list ({@code level * SLOTS + index}), then of the due list
     * ({@link #DUE}), or {@code null} if empty. A list is linked through {@code next} from its
     * head to its tail, whose {@code next} is {@code null}, and through {@code prev} backwards,
     * the head's {@code prev} being the tail (so appending is O(1)).
     */
    private final TimerTask[] lists = new TimerTask[DUE + 1];
    /** The earliest deadline put into each slot in use since it was last empty (a lower bound after removals). */
    private final long[] slotMin = new long[LEVELS * SLOTS];
    /** Per level, bit i set iff slot i of that level is in use. */
    private final long[] inUse = new long[LEVELS];
    /** Per level, bit i set iff slot i's list may be out of deadline-then-sequence order. */
    private final long[] unsorted = new long[LEVELS];
    /** The cursor, in ticks since the wheel's own origin: only grows. */
    private long cursorTick;
    /** The start of the cursor's tick, in nanoTime units; set to the clock whenever no slot is in use. */
    private long cursorTime;
    /** Tasks in slots (the rest are in the due list). */
    private int inSlots;
    private int size;
    private long nextSequence;

    /** Creates an empty wheel. */
    public TimerWheel() {}

    /** Creates an empty wheel whose first insertion number is {@code firstSequence}: for tests of their wrap-around. */
    TimerWheel(long firstSequence) {
        nextSequence = firstSequence;
    }

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
        size++;
        place(task);
    }

    /**
     * Removes {@code task} if it is scheduled.
     *
     * @param task a task added to this wheel, or one in no timer structure (fired, removed, or
     *        never added). A task does not record its wheel (that field would make every park
     *        timer 8 bytes larger), so one in another wheel is not detected: the runtime removes
     *        a task only through the wheel that armed it (a fiber's home hub, a scheduler's
     *        {@link TimerThread}).
     * @return whether the task was scheduled (and so will now not fire)
     */
    public boolean remove(TimerTask task) {
        int list = task.list();
        if (list == TimerTask.UNSCHEDULED) {
            return false;
        }
        unlink(task, list);
        if (list != DUE) {
            inSlots--;
            if (lists[list] == null) {
                inUse[list >>> SLOT_BITS] &= ~(1L << (list & (SLOTS - 1)));
            }
        }
        unscheduled(task);
        return true;
    }

    /** Whether no task is scheduled. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** The number of scheduled tasks. */
    public int size() {
        return size;
    }

    /** Tasks waiting in slots rather than in the due list: for tests of where tasks go. */
    int sizeInSlots() {
        return inSlots;
    }

    /**
     * A time at or before the earliest deadline: that deadline, unless the earliest task of a
     * slot was removed (see guarantee 4). For an owner's sleep.
     *
     * @throws IllegalStateException if no task is scheduled
     */
    public long nextWakeUp() {
        TimerTask first = lists[DUE];
        boolean found = first != null;
        long earliest = found ? first.deadline : 0;
        for (int level = 0, shift = 0; level < LEVELS; level++, shift += SLOT_BITS) {
            long mask = inUse[level];
            if (mask != 0) {
                long here = cursorTick >>> shift;
                long min = slotMin[level * SLOTS + (int) ((here + slotsAhead(mask, here)) & (SLOTS - 1))];
                if (!found || min - earliest < 0) {
                    earliest = min;
                    found = true;
                }
            }
        }
        if (!found) {
            throw new IllegalStateException("No timer is scheduled: ask isEmpty() before nextWakeUp()");
        }
        return earliest;
    }

    /**
     * Removes and returns the earliest task if its deadline is at or before {@code now}, else
     * returns {@code null}.
     */
    public TimerTask pollExpired(long now) {
        advance(now);
        return pollDue(now);
    }

    /**
     * Fires, in deadline-then-insertion order, every task whose deadline is at or before
     * {@code now}. A task that re-arms itself for a time at or before {@code now} fires again.
     *
     * @return the number of tasks fired
     */
    public int fireExpired(long now) {
        advance(now);
        int fired = 0;
        TimerTask task;
        while ((task = pollDue(now)) != null) {
            task.fireAt(now); // NOTE: a re-arm for now or earlier lands in the due list (the cursor is at now's tick)
            fired++;
        }
        return fired;
    }

    private TimerTask pollDue(long now) {
        TimerTask first = lists[DUE];
        if (first == null || first.deadline - now > 0) {
            return null;
        }
        unlink(first, DUE);
        unscheduled(first);
        return first;
    }

    private void unscheduled(TimerTask task) {
        task.setList(TimerTask.UNSCHEDULED);
        size--;
    }

    /** Whether {@code a} fires before {@code b}: earlier deadline, or equal and armed earlier. */
    private static boolean before(TimerTask a, TimerTask b) {
        long d = a.deadline - b.deadline;
        return d < 0 || (d == 0 && a.sequenceAndList - b.sequenceAndList < 0); // NOTE: the insertion numbers decide (TimerTask.sequenceAndList)
    }

    /** Puts a task in the due list if its tick has come, else at the end of its slot. */
    private void place(TimerTask task) {
        long ahead = task.deadline - cursorTime;
        if (ahead < TICK_NANOS) { // this tick, or already due (negative)
            insertDue(task);
            return;
        }
        long tick = cursorTick + (ahead >>> TICK_SHIFT);
        int level = 0;
        int shift = 0;
        while ((tick >>> shift) - (cursorTick >>> shift) >= SLOTS) {
            level++;
            shift += SLOT_BITS;
        }
        int index = (int) ((tick >>> shift) & (SLOTS - 1));
        int slot = level * SLOTS + index;
        TimerTask head = lists[slot];
        if (head == null) {
            inUse[level] |= 1L << index;
            unsorted[level] &= ~(1L << index);
            slotMin[slot] = task.deadline;
        } else {
            if (before(task, head.prev)) {
                unsorted[level] |= 1L << index; // NOTE: moved into the due list, this slot is sorted first
            }
            if (task.deadline - slotMin[slot] < 0) {
                slotMin[slot] = task.deadline;
            }
        }
        append(task, slot);
        inSlots++;
    }

    private void append(TimerTask task, int list) {
        TimerTask head = lists[list];
        task.setList(list);
        task.next = null;
        if (head == null) {
            task.prev = task;
            lists[list] = task;
        } else {
            TimerTask tail = head.prev;
            tail.next = task;
            task.prev = tail;
            head.prev = task;
        }
    }

    private void unlink(TimerTask task, int list) {
        TimerTask next = task.next;
        if (lists[list] == task) {
            lists[list] = next;
            if (next != null) {
                next.prev = task.prev; // the tail
            }
        } else {
            TimerTask prev = task.prev;
            prev.next = next;
            (next != null ? next : lists[list]).prev = prev;
        }
        task.prev = task.next = null;
    }

    /** Puts a task into the due list at its place, searched from the end (where a new task usually goes). */
    private void insertDue(TimerTask task) {
        TimerTask head = lists[DUE];
        if (head == null || !before(task, head.prev)) {
            append(task, DUE);
            return;
        }
        TimerTask after = head.prev; // NOTE: invariant of the search: `task` fires before `after`
        while (after != head && before(task, after.prev)) {
            after = after.prev;
        }
        task.setList(DUE);
        if (after == head) {
            task.next = head;
            task.prev = head.prev;
            head.prev = task;
            lists[DUE] = task;
        } else { // NOTE: `after` is the first task that fires after `task`, and it is not the head
            TimerTask prev = after.prev;
            prev.next = task;
            task.prev = prev;
            task.next = after;
            after.prev = task;
        }
    }

    /**
     * Moves the whole list of a slot whose tick has come into the due list, in order: spliced
     * onto its end in O(1) plus a pass that marks the tasks due, in the usual case (the slot is
     * sorted, and the due list holds only earlier tasks: those of the current tick not due yet);
     * else sorted if it may be out of order, and merged. O(its length + the due list's).
     */
    private void moveToDue(int level, int index) {
        int slot = level * SLOTS + index;
        TimerTask chain = lists[slot];
        lists[slot] = null;
        inUse[level] &= ~(1L << index);
        boolean sorted = (unsorted[level] & (1L << index)) == 0;
        int n = 0;
        for (TimerTask t = chain; t != null; t = t.next) {
            t.setList(DUE);
            n++;
        }
        inSlots -= n;
        TimerTask head = lists[DUE];
        if (sorted && (head == null || !before(chain, head.prev))) {
            if (head == null) {
                lists[DUE] = chain;
            } else {
                TimerTask tail = head.prev;
                head.prev = chain.prev; // the chain's tail
                tail.next = chain;
                chain.prev = tail;
            }
            return;
        }
        if (!sorted) {
            chain = sort(chain, n);
        }
        if (head != null) {
            chain = merge(head, chain);
        }
        lists[DUE] = chain;
        TimerTask prev = null;
        for (TimerTask t = chain; t != null; t = t.next) {
            t.prev = prev;
            prev = t;
        }
        chain.prev = prev;
    }

    /** Sorts the first {@code n} tasks of a chain linked through {@code next}; a merge sort, stable. */
    private static TimerTask sort(TimerTask head, int n) {
        if (n == 1) {
            head.next = null;
            return head;
        }
        int half = n >>> 1;
        TimerTask second = head;
        for (int i = 0; i < half; i++) {
            second = second.next; // NOTE: found before the first half is sorted, which rewrites its links
        }
        return merge(sort(head, half), sort(second, n - half));
    }

    /** Merges two sorted chains linked through {@code next}, each ended by {@code null}. */
    private static TimerTask merge(TimerTask a, TimerTask b) {
        TimerTask head;
        if (before(b, a)) {
            head = b;
            b = b.next;
        } else {
            head = a;
            a = a.next;
        }
        TimerTask tail = head;
        while (a != null && b != null) {
            if (before(b, a)) {
                tail.next = b;
                tail = b;
                b = b.next;
            } else {
                tail.next = a;
                tail = a;
                a = a.next;
            }
        }
        tail.next = a != null ? a : b;
        return head;
    }

    /**
     * Moves the cursor to {@code now}'s tick, emptying every slot whose start it passes, in time
     * order, slot in use by slot in use.
     */
    private void advance(long now) {
        if (inSlots == 0) {
            cursorTime = now; // nothing is placed relative to the cursor: it may start afresh here
            return;
        }
        long elapsed = now - cursorTime;
        if (elapsed < TICK_NANOS) {
            return;
        }
        long target = cursorTick + (elapsed >>> TICK_SHIFT);
        while (inSlots > 0) {
            long next = nextSlotStart();
            if (next > target) {
                break;
            }
            moveCursor(next);
            emptySlotsStartingAt(next);
        }
        moveCursor(target);
    }

    private void moveCursor(long tick) {
        cursorTime += (tick - cursorTick) << TICK_SHIFT;
        cursorTick = tick;
    }

    /** The first tick after the cursor at which a slot in use starts. Some slot is in use. */
    private long nextSlotStart() {
        long first = Long.MAX_VALUE;
        for (int level = 0, shift = 0; level < LEVELS; level++, shift += SLOT_BITS) {
            long mask = inUse[level];
            if (mask != 0) {
                long here = cursorTick >>> shift;
                long start = (here + slotsAhead(mask, here)) << shift;
                if (start < first) {
                    first = start;
                }
            }
        }
        return first;
    }

    /**
     * How many slots after the cursor's slot {@code here} (its index at this level) the first slot
     * in use of {@code mask} is: 1 to 63, as every slot in use starts after the cursor.
     */
    private static int slotsAhead(long mask, long here) {
        return Long.numberOfTrailingZeros(Long.rotateRight(mask, (int) (here & (SLOTS - 1)) + 1)) + 1;
    }

    /**
     * Empties every slot that starts at {@code tick}, the cursor now: a higher level's tasks go
     * one by one to a lower level (or the due list), level 0's list into the due list at once.
     */
    private void emptySlotsStartingAt(long tick) {
        for (int level = LEVELS - 1, shift = (LEVELS - 1) * SLOT_BITS; level > 0; level--, shift -= SLOT_BITS) {
            if (inUse[level] == 0 || (tick & ((1L << shift) - 1)) != 0) {
                continue; // nothing at this level, or the tick is not a slot boundary of it
            }
            int index = (int) ((tick >>> shift) & (SLOTS - 1));
            int slot = level * SLOTS + index;
            TimerTask task = lists[slot];
            if (task == null) {
                continue;
            }
            lists[slot] = null;
            inUse[level] &= ~(1L << index);
            while (task != null) {
                TimerTask next = task.next;
                inSlots--;
                place(task); // NOTE: never into a slot that starts at the cursor: a lower level's, or the due list
                task = next;
            }
        }
        int index = (int) (tick & (SLOTS - 1));
        if ((inUse[0] & (1L << index)) != 0) {
            moveToDue(0, index);
        }
    }
}
