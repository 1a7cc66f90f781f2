package dev.weft.stress.locks;

import dev.weft.locks.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
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
    private final Semaphore semaphore = new Semaphore(0);
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int lateness = SAMPLES.incrementAndGet() & 63;
    private int x;
    private int y;

    @Actor
    public void releaser() {
        for (int i = 0; i < lateness; i++) {
            Thread.onSpinWait(); // sweeps the release across the acquirer's fast path, queueing and park
        }
        x = 1;
        y = 2;
        semaphore.release();
    }

    @Actor
    public void acquirer(II_Result r) {
        semaphore.acquireUninterruptibly();
        r.r1 = x;
        r.r2 = y;
    }
}
