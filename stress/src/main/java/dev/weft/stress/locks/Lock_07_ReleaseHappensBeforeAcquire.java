package dev.weft.stress.locks;

import dev.weft.locks.Semaphore;
import dev.weft.stress.shapes.Permits;
import dev.weft.stress.shapes.ReleaseHappensBeforeShape;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Semaphore guarantee 5. Plain writes made before a release are visible after the
 * acquire that obtains its permit, whether the permit was taken on the fast path or handed
 * to a queued waiter.
 *
 * Interleaving: one platform thread writes two plain fields and releases, after 0 to 63 spins
 * that vary sample by sample; the other acquires (on the fast path if the release came first,
 * else queued, spinning or parked, and handed the permit) and reads. The spins sweep the
 * release across the acquirer's fast path, its queueing and its park.
 *
 * Run: ./weft stress quick Lock_07
 */
@JCStressTest
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "The acquirer saw every write made before the release.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The acquire returned before the releaser's writes were visible.")
@Description("Actions before a release happen-before the acquire that gets its permit.")
@State
public class Lock_07_ReleaseHappensBeforeAcquire {
    private final ReleaseHappensBeforeShape shape = new ReleaseHappensBeforeShape(Permits.of(new Semaphore(0)));

    @Actor
    public void releaser() {
        shape.releaser();
    }

    @Actor
    public void acquirer(II_Result r) {
        shape.acquirer(r);
    }
}
