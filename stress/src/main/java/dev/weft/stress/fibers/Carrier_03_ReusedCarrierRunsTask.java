package dev.weft.stress.fibers;

import dev.weft.fibers.internal.carrier.CarrierThreads;
import dev.weft.stress.shapes.CarrierReuseShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: a hub's carrier thread is reused. When a hub closes, its carrier waits idle for a
 * keep-alive (1 s by default) for the next hub opened, and ends after it (CarrierThreads). A
 * start that takes an idle carrier races that carrier's decision to end: a carrier that decides
 * to end after a task was handed to it loses the task, and the hub opened never runs. The
 * carrier decides only under the lock that a start takes it under, and only if no task was
 * handed to it; a start that finds no idle carrier starts a new thread.
 *
 * Interleaving: a pool whose carriers (virtual threads here: the protocol does not depend on
 * the kind of thread, and a platform thread per sample made the test slow) wait 2 µs; a first
 * task runs; a starter waits for it,
 * then 0 to 23 µs (varying per sample), and starts a second task: on the first task's carrier
 * while it is still finishing, becoming idle, idle, or running out of its keep-alive, or on a
 * new thread once it ended. The arbiter waits (bounded) for the second task.
 *
 * Run: ./weft stress quick Carrier_03
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The second task ran (on the reused carrier or a new one).")
@Outcome(id = "0", expect = FORBIDDEN, desc = "The task was handed to a carrier that ended (only a twin can report this).")
@Outcome(id = "-1", expect = FORBIDDEN, desc = "The second task never ran (lost).")
@Description("A task started as an idle carrier's keep-alive runs out runs exactly once.")
@State
public class Carrier_03_ReusedCarrierRunsTask {
    private final CarrierReuseShape shape = new CarrierReuseShape(keepAlive -> {
        CarrierThreads pool = new CarrierThreads(keepAlive, 1, Thread.ofVirtual().factory());
        return new CarrierReuseShape.Pool() {
            @Override
            public void start(Runnable task) {
                pool.start("weft-stress-carrier", task);
            }

            @Override
            public boolean lostTask() {
                return false; // a lost task of the real pool shows as the bounded wait running out
            }

            @Override
            public void retireIdle() {
                pool.retire();
            }
        };
    });

    @Actor
    public void first() {
        shape.first();
    }

    @Actor
    public void second() {
        shape.second();
    }

    @Arbiter
    public void ran(I_Result r) {
        shape.ran(r);
    }
}
