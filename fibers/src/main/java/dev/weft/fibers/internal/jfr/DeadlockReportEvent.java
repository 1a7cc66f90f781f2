package dev.weft.fibers.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A scheduler's every fiber was parked with nothing inside the scheduler left to wake any of
 * them (no timer, no I/O, no offloaded work) for longer than the grace period: the deadlock report.
 */
@Name("dev.weft.DeadlockReport")
@Label("Deadlock Report")
@Category("Weft")
@Description("Every fiber of a scheduler is parked and nothing inside it can wake one")
@StackTrace(false)
public final class DeadlockReportEvent extends Event {
    /** The scheduler. */
    @Label("Scheduler")
    public String scheduler;

    /** How many fibers were parked. */
    @Label("Fibers")
    public int fibers;

    /** The report's text: each parked fiber, what it waits on, its stack. */
    @Label("Report")
    public String report;
}
