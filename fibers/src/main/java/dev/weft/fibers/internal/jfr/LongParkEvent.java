package dev.weft.fibers.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * A plain fiber stayed parked (suspended, its carrier free) longer than the threshold: its
 * duration is the park's. The stack trace is the fiber's, taken when it resumed.
 */
@Name("dev.weft.LongPark")
@Label("Long Park")
@Category("Weft")
@Description("A fiber stayed parked longer than the threshold")
@Threshold("20 ms")
public final class LongParkEvent extends Event {
    /** The fiber's name. */
    @Label("Fiber")
    public String fiber;

    /** The fiber's scheduler. */
    @Label("Scheduler")
    public String scheduler;

    /** What the fiber waited on (a semaphore, a lock, a fiber, a socket), when the park said. */
    @Label("Waiting On")
    public String waitingOn;

    /**
     * The park's time limit, as the time left when it began (its deadline less the clock then), or
     * 0 for a park without one.
     */
    @Label("Timeout")
    @Timespan(Timespan.NANOSECONDS)
    public long timeout;
}
