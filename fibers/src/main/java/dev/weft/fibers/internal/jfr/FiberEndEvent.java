package dev.weft.fibers.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A fiber's body has ended. Off by default, as {@link FiberStartEvent}. */
@Name("dev.weft.FiberEnd")
@Label("Fiber End")
@Category("Weft")
@Description("A fiber has ended (returned, failed or was killed)")
@Enabled(false)
@StackTrace(false)
public final class FiberEndEvent extends Event {
    /** The fiber's name. */
    @Label("Fiber")
    public String fiber;

    /** The fiber's scheduler. */
    @Label("Scheduler")
    public String scheduler;
}
