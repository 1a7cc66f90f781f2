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
    /** Insertion number: tasks with equal deadlines fire in the order they were set. */
    long sequence;
    /**
     * Where the task is: {@value #UNSCHEDULED} while in no timer structure; in a
     * {@link TimerWheel}, the list it is in (a slot, or the due list); in the tests' reference
     * heap, its position in the array.
     */
    int index = UNSCHEDULED;
    /** The neighbours in its wheel list (see {@link TimerWheel}'s {@code lists}); {@code null} while not in one. */
    TimerTask prev;
    TimerTask next;
    /** The wheel the task is in, or {@code null}: what lets a wheel refuse another wheel's task in O(1). */
    TimerWheel owner;

    /** {@link #index} of a task that is in no timer structure. */
    static final int UNSCHEDULED = -1;

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
        return index != UNSCHEDULED;
    }

    /**
     * The deadline this task was last scheduled for, in {@link System#nanoTime()} units; still
     * there after it fired or was cancelled (a sleep woken early reads it back so).
     */
    public final long deadline() {
        return deadline;
    }
}
