package dev.weft.fibers.internal.timer;

import dev.weft.fibers.internal.Durations;
import dev.weft.fibers.internal.jfr.TimerLagEvent;
import jdk.jfr.FlightRecorder;

/**
 * An action that a {@link TimerHeap} runs once its deadline has passed.
 *
 * <p>A task sits in at most one heap at a time and may be re-armed after it fired or was
 * cancelled, so a strand that sleeps again and again reuses one task and allocates nothing.
 * The heap position is kept in the task itself ({@code index}), which is what makes
 * cancellation O(log n) without a search.
 */
public abstract class TimerTask {
    /**
     * The lag from which a late timer is recorded: system property
     * {@value TimerLagEvent#THRESHOLD_PROPERTY}, as a duration or milliseconds (default 20).
     */
    public static final long LAG_THRESHOLD_NANOS = Durations.parseNanos(TimerLagEvent.THRESHOLD_PROPERTY, "20");

    /** Absolute deadline in {@link System#nanoTime()} units; valid while scheduled. */
    long deadline;
    /** Insertion number: tasks with equal deadlines fire in the order they were set. */
    long sequence;
    /** Position in the owning heap's array, or -1 while not scheduled. */
    int index = -1;

    /** Creates a task that is not scheduled. */
    protected TimerTask() {}

    /**
     * Runs the action. Called by the heap's owner after the task was removed from the heap,
     * so the task may re-arm itself from here.
     */
    protected abstract void fire();

    /**
     * Fires this task, due at {@link #deadline}, at {@code now}; one that fires later than
     * {@link #LAG_THRESHOLD_NANOS} after its deadline is recorded (JFR {@code dev.weft.TimerLag}) if a recording runs.
     * Called by the heap's owner, on its thread, after removing the task.
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

    /** Whether this task is in a heap now. Only meaningful to the heap's owner. */
    public final boolean isScheduled() {
        return index >= 0;
    }

    /** The deadline this task was last scheduled for, in {@link System#nanoTime()} units. */
    public final long deadline() {
        return deadline;
    }
}
