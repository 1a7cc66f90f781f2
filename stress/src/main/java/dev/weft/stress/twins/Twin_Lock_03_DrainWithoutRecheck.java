package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.Lock_03_ReleaseWakesAcquirer;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Lock_03_ReleaseWakesAcquirer's race (an
 * acquire that is queueing on an empty semaphore vs a release) on BrokenSemaphore with
 * DRAIN_WITHOUT_RECHECK: the drainer gives the drain token back after one pass without looking
 * at the requests recorded while it held it. So when the acquirer drains (it found no permit
 * yet) and the release lands during that pass, the release's drain request is only recorded,
 * the acquirer's pass has already decided "no permit", and the token is dropped: the permit
 * stays free with the node still WAITING, and nobody will ever grant it (the mirror case, the
 * releaser draining while the node is still NEW, loses the acquirer's request the same way).
 * That is exactly Lock_03's lost wake-up, which Lock_03 must catch as a hang.
 *
 * Shape: the acquirer runs acquire's steps up to its park (fast path, or link, count, mark
 * WAITING, drain); the releaser releases, after 0 to 63 spins that sweep it across those
 * steps sample by sample. Instead of parking and hanging (a termination test gets too few
 * samples in a one-second ci run to hit this window), the arbiter reads the state the acquirer
 * would be left parked in: not granted while a permit is free is the lost wake-up.
 *
 * Run: ./weft stress quick Twin_Lock_03
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The acquirer got the permit (fast path, its own drain, or the release's).")
@Outcome(id = "0, 1", expect = FORBIDDEN, desc = "Lost wake-up: the acquirer stays queued (it would park forever) although a permit is free.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The permit was lost or duplicated.")
@Description("Negative control of Lock_03: a drain that gives up the token without re-checking.")
@NegativeControl(of = Lock_03_ReleaseWakesAcquirer.class, defect = "the drainer gives the drain token back without re-checking for requests made meanwhile")
@State
public class Twin_Lock_03_DrainWithoutRecheck {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int lateness = SAMPLES.incrementAndGet() & 63;
    private final BrokenSemaphore semaphore = new BrokenSemaphore(BrokenSemaphore.Defect.DRAIN_WITHOUT_RECHECK, 0);
    private volatile BrokenSemaphore.Waiter node;
    private volatile boolean fast;

    @Actor
    public void acquirer() {
        BrokenSemaphore.Waiter w = semaphore.acquireUntilPark();
        fast = w == null;
        node = w;
    }

    @Actor
    public void releaser() {
        for (int i = 0; i < lateness; i++) {
            Thread.onSpinWait(); // sweeps the release across the acquirer's queueing steps
        }
        semaphore.release();
    }

    @Arbiter
    public void left(II_Result r) {
        BrokenSemaphore.Waiter w = node;
        r.r1 = fast || (w != null && w.isGranted()) ? 1 : 0;
        r.r2 = semaphore.availablePermits();
    }
}
