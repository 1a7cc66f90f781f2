package dev.weft.fibers.internal.timer;

/**
 * A hierarchical timing wheel of {@link TimerTask}s that fires them in exact deadline order,
 * then insertion order among equal deadlines, as {@link TimerHeap} does, with O(1) insert and
 * O(1) cancel for every task whose deadline is beyond the current tick.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>{@link #fireExpired} fires every task whose deadline is at or before {@code now}, and
 *       only those, in deadline order; tasks with equal deadlines fire in the order they were
 *       added (gevent's rule, and what {@code Fiber}'s timeouts rely on: the earliest deadline
 *       first, the outermost of equal ones first).</li>
 *   <li>{@link #add} and {@link #remove} are O(1) for a task due after the current tick, and
 *       allocate nothing: the task is linked into a slot's list through its own fields. A task
 *       due within the current tick (or already due) goes to an exact heap, O(log m) in the
 *       m tasks of that tick.</li>
 *   <li>Expiry is batched: a slot's whole list moves at once when its time comes, to a lower
 *       level or into the heap of the current tick; each task moves at most once per level
 *       ({@value #LEVELS} levels at most, one or two in practice).</li>
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
 * is at or before the cursor is in the heap. When the cursor reaches the start of a slot in use,
 * the slot's tasks are placed again (a lower level, or the heap): Kafka's and Varghese and
 * Lauck's hierarchical wheel. Each level keeps a 64-bit mask of the slots in use, so the cursor
 * jumps from one slot in use to the next (as the Linux timer wheel finds its next expiry), never
 * tick by tick; and each slot keeps the earliest deadline put into it, so the owner sleeps until
 * the exact deadline rather than a tick's edge: a {@code sleep(1 ms)} is never late by a tick.
 * The heap is what makes the order exact; it holds one tick's tasks, not all of them.
 *
 * <p>Memory: three small arrays per wheel ({@value #LEVELS} × {@value #SLOTS} slots, about
 * 6 KB), two links per task, nothing per armed timer beyond the task.
 *
 * <p>Not thread-safe: one owner (a hub's carrier, or {@link TimerThread} under its lock)
 * touches a wheel. A task is removed from the wheel it was added to (its owner's).
 */
public final class TimerWheel {
    /** A tick is 2^16 ns, 65.5 µs: a few fibers' worth of work, well under a millisecond. */
    static final int TICK_SHIFT = 16;
    static final long TICK_NANOS = 1L << TICK_SHIFT;
    static final int SLOT_BITS = 6;
    static final int SLOTS = 1 << SLOT_BITS;
    /** Enough levels for any positive difference of two nanoTime values: 16 + 8 × 6 = 64 bits. */
    static final int LEVELS = 8;

    /** The head of each slot's list ({@code level * SLOTS + index}), or {@code null} if empty. */
    private final TimerTask[] slots = new TimerTask[LEVELS * SLOTS];
    /** The earliest deadline put into each slot in use since it was last empty (a lower bound after removals). */
    private final long[] slotMin = new long[LEVELS * SLOTS];
    /** Per level, bit i set iff slot i of that level is in use. */
    private final long[] inUse = new long[LEVELS];
    /** The tasks whose tick has come, exactly ordered. */
    private final TimerHeap due = new TimerHeap();
    /** The cursor, in ticks since the wheel's own origin: only grows (it starts afresh while no slot is in use). */
    private long cursorTick;
    /** The start of the cursor's tick, in nanoTime units. */
    private long cursorTime;
    /** Tasks in slots (the rest are in {@code due}). */
    private int inSlots;
    private long nextSequence;

    /** Creates an empty wheel. */
    public TimerWheel() {}

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
        task.sequence = nextSequence++;
        place(task);
    }

    /**
     * Removes {@code task} if it is scheduled here.
     *
     * @return whether the task was scheduled (and so will now not fire)
     */
    public boolean remove(TimerTask task) {
        int index = task.index;
        if (index >= 0) {
            return due.remove(task);
        }
        int slot = -2 - index;
        if (index == TimerTask.UNSCHEDULED || slot >= slots.length || (task.prev == null && slots[slot] != task)) {
            return false;
        }
        unlink(task, slot);
        task.index = TimerTask.UNSCHEDULED;
        return true;
    }

    /** Whether no task is scheduled. */
    public boolean isEmpty() {
        return inSlots == 0 && due.isEmpty();
    }

    /** The number of scheduled tasks. */
    public int size() {
        return inSlots + due.size();
    }

    /** Tasks waiting in slots rather than in the current tick's heap: for tests of where tasks go. */
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
        TimerTask first = due.peek();
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
        return due.pollExpired(now);
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
        while ((task = due.pollExpired(now)) != null) {
            task.fireAt(now); // NOTE: a re-arm for now or earlier lands in `due` (the cursor is at now's tick)
            fired++;
        }
        return fired;
    }

    /** Puts a task in the heap if its tick has come, else in its slot. */
    private void place(TimerTask task) {
        long ahead = task.deadline - cursorTime;
        if (ahead < TICK_NANOS) { // this tick, or already due (negative)
            due.insert(task);
            return;
        }
        long tick = cursorTick + (ahead >>> TICK_SHIFT);
        int level = 0;
        int shift = 0;
        while ((tick >>> shift) - (cursorTick >>> shift) >= SLOTS) {
            level++;
            shift += SLOT_BITS;
        }
        link(task, level * SLOTS + (int) ((tick >>> shift) & (SLOTS - 1)));
    }

    private void link(TimerTask task, int slot) {
        TimerTask head = slots[slot];
        task.prev = null;
        task.next = head;
        if (head == null) {
            inUse[slot >>> SLOT_BITS] |= 1L << (slot & (SLOTS - 1));
            slotMin[slot] = task.deadline;
        } else {
            head.prev = task;
            if (task.deadline - slotMin[slot] < 0) {
                slotMin[slot] = task.deadline;
            }
        }
        slots[slot] = task;
        task.index = -2 - slot;
        inSlots++;
    }

    private void unlink(TimerTask task, int slot) {
        TimerTask prev = task.prev;
        TimerTask next = task.next;
        if (prev == null) {
            slots[slot] = next;
            if (next == null) {
                inUse[slot >>> SLOT_BITS] &= ~(1L << (slot & (SLOTS - 1)));
            }
        } else {
            prev.next = next;
        }
        if (next != null) {
            next.prev = prev;
        }
        task.prev = task.next = null;
        inSlots--;
    }

    /**
     * Moves the cursor to {@code now}'s tick, emptying into lower levels or the heap every slot
     * whose start it passes, in time order, slot in use by slot in use.
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

    /** Places again, relative to the cursor now at {@code tick}, the tasks of every slot that starts there. */
    private void emptySlotsStartingAt(long tick) {
        for (int level = LEVELS - 1, shift = (LEVELS - 1) * SLOT_BITS; level >= 0; level--, shift -= SLOT_BITS) {
            if (inUse[level] == 0 || (tick & ((1L << shift) - 1)) != 0) {
                continue; // nothing at this level, or the tick is not a slot boundary of it
            }
            int index = (int) ((tick >>> shift) & (SLOTS - 1));
            int slot = level * SLOTS + index;
            TimerTask task = slots[slot];
            if (task == null) {
                continue;
            }
            slots[slot] = null;
            inUse[level] &= ~(1L << index);
            while (task != null) {
                TimerTask next = task.next;
                task.prev = task.next = null;
                inSlots--;
                place(task); // NOTE: never back into a slot starting at the cursor: a lower level, or `due`
                task = next;
            }
        }
    }
}
