package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.Lock_01_SemaphoreMutualExclusion;
import dev.weft.stress.shapes.MutualExclusionShape;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Lock_01_SemaphoreMutualExclusion's shape (two
 * platform threads acquire a one-permit semaphore at once, read a plain counter, hold for 0 to
 * 63 spins, write it back plus one) on BrokenSemaphore with GRANT_WITHOUT_PERMIT_CHECK: the
 * drainer grants the head as soon as it is WAITING, as if every drain followed a release. So
 * the strand that finds no permit and queues is granted by its own drain while the holder is
 * still inside: both read 0 and write 1, outcome "1, 1", which Lock_01 forbids.
 *
 * Run: ./weft stress quick Twin_Lock_01
 */
@JCStressTest
@Outcome(id = {"1, 2", "2, 1"}, expect = ACCEPTABLE, desc = "The critical sections ran one after the other.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Both strands held the permit at once.")
@Description("Negative control of Lock_01: a drainer that grants without checking for a free permit.")
@NegativeControl(of = Lock_01_SemaphoreMutualExclusion.class, defect = "the drainer grants the queued head without checking that a permit is free")
@State
public class Twin_Lock_01_GrantWithoutPermitCheck {
    private final MutualExclusionShape shape = new MutualExclusionShape(
            new BrokenSemaphore(BrokenSemaphore.Defect.GRANT_WITHOUT_PERMIT_CHECK, 1));

    @Actor
    public void first(II_Result r) {
        shape.first(r);
    }

    @Actor
    public void second(II_Result r) {
        shape.second(r);
    }
}
