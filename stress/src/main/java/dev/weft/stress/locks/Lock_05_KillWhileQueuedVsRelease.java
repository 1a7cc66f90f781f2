package dev.weft.stress.locks;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.locks.Semaphore;
import dev.weft.stress.shapes.KillWhileQueuedShape;
import dev.weft.stress.shapes.Permits;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Semaphore guarantee 4, a killed waiter. A fiber killed while queued gives up its place;
 * if the permit was handed to it at that same moment, it passes the permit on. Either way
 * the permit is never lost and never held twice.
 *
 * Interleaving: the first actor starts a fiber on its hub (ActorCarrier hub 0) that acquires
 * an empty semaphore (it queues and parks), waits until the fiber is queued (or has ended),
 * and kills it. The second actor releases from a platform thread: before the fiber queued (it
 * then takes the free permit and ends with it), while it is queued and the kill is on its way
 * (the permit is handed to it, and the kill makes it pass the permit on), or after the kill. The arbiter waits for the fiber to end and reads the permits left.
 *
 * Run: ./weft stress quick Lock_05
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The fiber got the permit before the kill reached it, and kept it.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The fiber was killed; the permit is free (passed on or never taken).")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The permit was lost or duplicated, or the fiber did not end.")
@Description("A kill racing a release to a queued fiber neither loses nor duplicates the permit.")
@State
public class Lock_05_KillWhileQueuedVsRelease {
    private final KillWhileQueuedShape shape = new KillWhileQueuedShape(Permits.of(new Semaphore(0)));

    @Actor
    public void carrierAndKiller() {
        shape.carrierAndKiller();
    }

    @Actor
    public void releaser() {
        shape.releaser();
    }

    @Arbiter
    public void left(II_Result r) {
        shape.left(r);
    }
}
