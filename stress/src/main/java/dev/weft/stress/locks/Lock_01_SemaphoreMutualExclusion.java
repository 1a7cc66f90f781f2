package dev.weft.stress.locks;

import dev.weft.locks.Semaphore;
import dev.weft.stress.shapes.MutualExclusionShape;
import dev.weft.stress.shapes.Permits;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: a Semaphore(1) is a mutex: two strands never hold its permit at once. Inside the
 * critical section each actor reads a plain counter, holds the permit for 0 to 63 spins
 * (varying per sample), writes the value it read plus one and reports it. Had both been
 * inside together, both would have read 0 and written 1; the spins keep the holder inside
 * long enough for a second holder to overlap with it.
 *
 * Interleaving: two platform threads call acquireUninterruptibly() at the same moment: one
 * takes the fast path, the other finds no permit, queues (link, count, mark WAITING, drain:
 * no permit is free, so it is not served), spins and parks, and is handed the permit by the
 * holder's release.
 *
 * Run: ./weft stress quick Lock_01
 */
@JCStressTest
@Outcome(id = {"1, 2", "2, 1"}, expect = ACCEPTABLE, desc = "The critical sections ran one after the other.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Both strands held the permit at once.")
@Description("A Semaphore(1) admits one strand at a time (mutual exclusion).")
@State
public class Lock_01_SemaphoreMutualExclusion {
    private final MutualExclusionShape shape = new MutualExclusionShape(Permits.of(new Semaphore(1)));

    @Actor
    public void first(II_Result r) {
        shape.first(r);
    }

    @Actor
    public void second(II_Result r) {
        shape.second(r);
    }
}
