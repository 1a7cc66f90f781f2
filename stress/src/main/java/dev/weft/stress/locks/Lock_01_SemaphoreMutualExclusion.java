package dev.weft.stress.locks;

import dev.weft.locks.Semaphore;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: a Semaphore(1) is a mutex: two strands never hold its permit at once. Each actor
 * increments a plain counter inside the critical section and reports the value it saw; if
 * both were inside together, both could see 1.
 *
 * Interleaving: two platform threads call acquireUninterruptibly() at the same moment: one
 * takes the fast path, the other queues, parks, and is handed the permit by the release.
 *
 * Run: ./weft stress quick Lock_01
 */
@JCStressTest
@Outcome(id = {"1, 2", "2, 1"}, expect = ACCEPTABLE, desc = "The critical sections ran one after the other.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Both strands held the permit at once.")
@Description("A Semaphore(1) admits one strand at a time (mutual exclusion).")
@State
public class Lock_01_SemaphoreMutualExclusion {
    private final Semaphore mutex = new Semaphore(1);
    private int counter;

    private int critical() {
        mutex.acquireUninterruptibly();
        try {
            return ++counter;
        } finally {
            mutex.release();
        }
    }

    @Actor
    public void first(II_Result r) {
        r.r1 = critical();
    }

    @Actor
    public void second(II_Result r) {
        r.r2 = critical();
    }
}
