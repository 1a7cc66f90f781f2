package dev.weft.fibers.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The blocked-carrier watchdog saw a carrier run one task longer than its scheduler's threshold
 * without switching. Committed by the watchdog thread once per episode (also for an episode whose
 * log line the rate limit suppressed), so its own stack trace is off: {@link #stack} is the
 * carrier's.
 */
@Name("dev.weft.BlockedCarrier")
@Label("Blocked Carrier")
@Category("Weft")
@Description("A carrier thread ran one fiber longer than the threshold without switching")
@StackTrace(false)
public final class BlockedCarrierEvent extends Event {
    /** The carrier thread. */
    @Label("Carrier")
    public Thread carrier;

    /** The carrier's scheduler. */
    @Label("Scheduler")
    public String scheduler;

    /** The running fiber's name, or a description of the task when it is not a plain fiber. */
    @Label("Fiber")
    public String fiber;

    /** How long the carrier had not switched when the watchdog saw it (at least this long). */
    @Label("Blocked For")
    @Timespan(Timespan.NANOSECONDS)
    public long blockedFor;

    /** The carrier thread's stack when the watchdog saw it, one frame a line. */
    @Label("Carrier Stack")
    public String stack;

    /** Whether the episode was also logged (false: the rate limit for a repeating fiber held the log line back). */
    @Label("Logged")
    public boolean logged;
}
