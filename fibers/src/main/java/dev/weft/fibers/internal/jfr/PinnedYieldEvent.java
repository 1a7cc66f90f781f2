package dev.weft.fibers.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * A fiber could not suspend (pinned) and blocked its carrier thread instead: its duration is the
 * time the carrier was blocked (zero for a yield, which then simply returns). The stack trace is
 * the fiber's.
 */
@Name("dev.weft.PinnedYield")
@Label("Pinned Yield")
@Category("Weft")
@Description("A fiber could not suspend and blocked its carrier thread instead")
public final class PinnedYieldEvent extends Event {
    /** The fiber's name. */
    @Label("Fiber")
    public String fiber;

    /** The fiber's scheduler. */
    @Label("Scheduler")
    public String scheduler;

    /** Why it could not suspend, as the JDK names it ({@code NATIVE}, {@code CRITICAL_SECTION}, ...). */
    @Label("Reason")
    public String reason;
}
