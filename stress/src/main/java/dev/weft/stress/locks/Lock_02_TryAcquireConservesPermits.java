package dev.weft.stress.locks;

import dev.weft.locks.Semaphore;
import dev.weft.stress.shapes.Permits;
import dev.weft.stress.shapes.TryAcquireShape;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: permit conservation on the fast path. Two tryAcquire() calls race for one permit:
 * exactly one wins, and the permit count ends at zero. A read-then-write instead of a CAS
 * would hand the one permit to both.
 *
 * Interleaving: two platform threads run tryAcquire() at once (read the state word, CAS it);
 * the arbiter reads the permits left.
 *
 * Run: ./weft stress quick Lock_02
 */
@JCStressTest
@Outcome(id = {"1, 0, 0", "0, 1, 0"}, expect = ACCEPTABLE, desc = "Exactly one strand got the permit; none is left.")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "The one permit was handed to both strands.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The permit was lost, or the count is wrong.")
@Description("Racing tryAcquire() calls take each permit exactly once.")
@State
public class Lock_02_TryAcquireConservesPermits {
    private final TryAcquireShape shape = new TryAcquireShape(Permits.of(new Semaphore(1)));

    @Actor
    public void first(III_Result r) {
        shape.first(r);
    }

    @Actor
    public void second(III_Result r) {
        shape.second(r);
    }

    @Arbiter
    public void left(III_Result r) {
        shape.left(r);
    }
}
