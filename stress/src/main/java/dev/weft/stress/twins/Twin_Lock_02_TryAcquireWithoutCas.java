package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.Lock_02_TryAcquireConservesPermits;
import dev.weft.stress.shapes.Permits;
import dev.weft.stress.shapes.TryAcquireShape;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Lock_02_TryAcquireConservesPermits's shape
 * on a copy of Semaphore's fast path (permits in a volatile word, no waiters) whose CAS is
 * replaced by a read followed by a write: both strands can read 1 and both take the permit.
 * The suite fails if this passes.
 *
 * Run: ./weft stress quick Twin_Lock_02
 */
@JCStressTest
@Outcome(id = {"1, 0, 0", "0, 1, 0"}, expect = ACCEPTABLE, desc = "Exactly one strand got the permit; none is left.")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "The one permit was handed to both strands.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The permit was lost, or the count is wrong.")
@Description("Negative control of Lock_02: a tryAcquire without CAS.")
@NegativeControl(of = Lock_02_TryAcquireConservesPermits.class, defect = "tryAcquire reads the permits, then writes them back minus one (no CAS)")
@State
public class Twin_Lock_02_TryAcquireWithoutCas {
    private final TryAcquireShape shape = new TryAcquireShape(new TryAcquireWithoutCas());

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

    /** One permit whose tryAcquire reads, then writes (the twin's copy; only tryAcquire is used). */
    static final class TryAcquireWithoutCas implements Permits {
        private volatile int permits = 1;

        @Override
        public boolean tryAcquire() {
            int p = permits;
            if (p < 1) {
                return false;
            }
            permits = p - 1;                                     // BROKEN: a racing tryAcquire read the same p
            return true;
        }

        @Override
        public int availablePermits() {
            return permits;
        }

        @Override
        public void acquire() {
            throw new UnsupportedOperationException("not part of the shape");
        }

        @Override
        public boolean tryAcquire(long nanos) {
            throw new UnsupportedOperationException("not part of the shape");
        }

        @Override
        public void release() {
            throw new UnsupportedOperationException("not part of the shape");
        }

        @Override
        public int queueLength() {
            return 0;
        }
    }
}
