package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.Lock_07_ReleaseHappensBeforeAcquire;
import dev.weft.stress.shapes.ReleaseHappensBeforeShape;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Lock_07_ReleaseHappensBeforeAcquire's shape
 * (one platform thread writes two plain fields and releases, after 0 to 63 spins; the other
 * acquires an empty semaphore and reads them) on BrokenSemaphore with PARK_ONCE: a queued
 * acquire parks once and returns, taking any wake-up for the hand-off. A thread's park may
 * return at once on an unpark left over from an earlier sample (the drainer unparks a node's
 * thread after granting it, also when that thread saw the grant before it parked, or is itself
 * the drainer), so the acquire returns before the release it waits for, and reads the fields
 * before they were written: outcome "0, 0" (or "0, 2" when the writes land between its two
 * reads), which Lock_07 forbids.
 *
 * Why not a weaker memory access (a plain or opaque store of the state word): on x86 (TSO,
 * where CI runs) the hardware keeps stores in order, so such a twin would be caught only if the
 * JIT happened to reorder the releaser's stores, which nothing makes it do; an acquire that
 * returns too early breaks the same guarantee on every platform.
 *
 * Run: ./weft stress quick Twin_Lock_07
 */
@JCStressTest
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "The acquirer saw every write made before the release.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The acquire returned before the releaser's writes were visible.")
@Description("Negative control of Lock_07: an acquire that returns on a spurious wake-up.")
@NegativeControl(of = Lock_07_ReleaseHappensBeforeAcquire.class, defect = "a queued acquire returns on its first wake-up without checking that it was granted")
@State
public class Twin_Lock_07_ParkOnce {
    private final ReleaseHappensBeforeShape shape = new ReleaseHappensBeforeShape(new BrokenSemaphore(BrokenSemaphore.Defect.PARK_ONCE, 0));

    @Actor
    public void releaser() {
        shape.releaser();
    }

    @Actor
    public void acquirer(II_Result r) {
        shape.acquirer(r);
    }
}
