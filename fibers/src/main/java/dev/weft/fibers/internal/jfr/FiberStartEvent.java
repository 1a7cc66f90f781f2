package dev.weft.fibers.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A fiber's body starts on a carrier. Off by default: a busy program starts millions of fibers. */
@Name("dev.weft.FiberStart")
@Label("Fiber Start")
@Category("Weft")
@Description("A fiber starts running on a carrier")
@Enabled(false)
@StackTrace(false)
public final class FiberStartEvent extends Event {
    /** The fiber's name. */
    @Label("Fiber")
    public String fiber;

    /** The fiber's scheduler. */
    @Label("Scheduler")
    public String scheduler;
}
