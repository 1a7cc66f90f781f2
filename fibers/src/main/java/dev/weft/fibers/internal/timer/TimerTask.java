package dev.weft.fibers.internal.timer;

import dev.weft.fibers.internal.Durations;
import dev.weft.fibers.internal.jfr.TimerLagEvent;
import jdk.jfr.FlightRecorder;

/**
 * An action that a {@link TimerWheel} runs once its deadline has passed.
 *
 * <p>A task sits in at most one timer structure at a time and may be re-armed after it fired or
 * was cancelled, so a strand that sleeps again and again reuses one task and allocates nothing.
 * Its place is kept in the task itself (its list and its links in that list), which is what makes
 * cancellation O(1), without a search.
 */
public abstract class TimerTask {
    /**
     * The lag from which a late timer is recorded: system property
     * {@value TimerLagEvent#THRESHOLD_PROPERTY}, as a duration or milliseconds (default 20).
     */
    public static final long LAG_THRESHOLD_NANOS = Durations.parseNanos(TimerLagEvent.THRESHOLD_PROPERTY, "20");

    /**
     * Absolute deadline in {@link System#nanoTime()} units: set when armed, kept after the task
     * fired or was cancelled, until it is armed again.
     */
    long deadline;
    /**
     * The insertion number, shifted left by {@value #LIST_BITS}, or'd with where the task is: its
     * list in a {@link TimerWheel} (a slot, or the due list), or {@value #UNSCHEDULED} while in no
     * timer structure. Tasks with equal deadlines fire in the order they were set, and since
     * insertion numbers differ, comparing two tasks' whole fields by difference compares their
     * insertion numbers, wrap-around included. One field, not a {@code long} and an {@code int}:
     * with {@link #deadline} and the two links that is 28 bytes after the header, so a park
     * timer (which adds its fiber) is 40 bytes, not 48, in every sleeping fiber (issue 16).
     */
    long sequenceAndList = UNSCHEDULED;
    /** The neighbours in its wheel list (see {@link TimerWheel}'s {@code lists}); {@code null} while not in one. */
    TimerTask prev;
    TimerTask next;

    /** Bits of {@link #sequenceAndList} that hold the list: more than a wheel has lists. */
    static final int LIST_BITS = 10;
    static final long LIST_MASK = (1L << LIST_BITS) - 1;
    /** The list of a task that is in no timer structure. */
    static final int UNSCHEDULED = (int) LIST_MASK;

    /** Creates a task that is not scheduled. */
    protected TimerTask() {}

    /**
     * Runs the action. Called by the owner of its timer structure after the task was removed from it,
     * so the task may re-arm itself from here.
     */
    protected abstract void fire();

    /**
     * Fires this task, due at {@link #deadline}, at {@code now}; one that fires later than
     * {@link #LAG_THRESHOLD_NANOS} after its deadline is recorded (JFR {@code dev.weft.TimerLag}) if a recording runs.
     * Called by the owner of its timer structure, on its thread, after removing the task.
     */
    final void fireAt(long now) {
        long lag = now - deadline;
        if (lag > LAG_THRESHOLD_NANOS && FlightRecorder.isInitialized()) {
            recordLag(lag); // NOTE: only now may TimerLagEvent load: its class initializer starts the recorder's metadata
        }
        fire();
    }

    private void recordLag(long lag) {
        TimerLagEvent e = new TimerLagEvent();
        if (e.shouldCommit()) {
            e.timers = Thread.currentThread().getName();
            e.timer = getClass().getSimpleName();
            e.lag = lag;
            e.commit();
        }
    }

    /** Whether this task is in a timer structure now. Only meaningful to the structure's owner. */
    public final boolean isScheduled() {
        return list() != UNSCHEDULED;
    }

    /** The list the task is in, or {@link #UNSCHEDULED}. */
    final int list() {
        return (int) (sequenceAndList & LIST_MASK);
    }

    /** Records that the task is now in {@code list} (or in none: {@link #UNSCHEDULED}), keeping its insertion number. */
    final void setList(int list) {
        sequenceAndList = (sequenceAndList & ~LIST_MASK) | list;
    }

    /** Gives the task its insertion number; it is in no list yet. */
    final void setSequence(long sequence) {
        sequenceAndList = sequence << LIST_BITS | UNSCHEDULED;
    }

    /**
     * The deadline this task was last scheduled for, in {@link System#nanoTime()} units; still
     * there after it fired or was cancelled (a sleep woken early reads it back so).
     */
    public final long deadline() {
        return deadline;
    }
}
