package dev.weft.fibers.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

import java.time.Duration;

/**
 * A timer fired later than {@value #THRESHOLD_PROPERTY} (20 ms) after its deadline: its carrier was busy (a
 * blocked carrier, a long batch) or the machine was. The lag is a field, not the event's
 * duration, so the threshold is Weft's ({@value #THRESHOLD_PROPERTY}), not a recording setting.
 */
@Name("dev.weft.TimerLag")
@Label("Timer Lag")
@Category("Weft")
@Description("A timer fired later than the threshold after its deadline")
@StackTrace(false)
public final class TimerLagEvent extends Event {
    /**
     * System property: the lag from which a late timer is recorded, as a {@link Duration} or
     * milliseconds (default 20); read once, by {@code TimerTask}.
     */
    public static final String THRESHOLD_PROPERTY = "dev.weft.timerLagThreshold";

    /** Where the timer was kept (a hub's carrier or a timer thread). */
    @Label("Timers Of")
    public String timers;

    /** The timer's kind (a timed park, a timeout, a delayed start). */
    @Label("Timer")
    public String timer;

    /** How long after its deadline the timer fired. */
    @Label("Lag")
    @Timespan(Timespan.NANOSECONDS)
    public long lag;
}
