package dev.weft.stress.fibers;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.stress.shapes.CloserWakeShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: a thread that closes a hub spins for up to 20 µs, looking for the carrier to stop (a hub
 * with nothing left to kill stops in a few microseconds, and waking a parked closer across CPUs
 * costs 20 to 50 µs), and only after that queues itself as a close waiter and parks. The carrier
 * writes `terminated`, then wakes every queued waiter. The waiter must be queued before it reads
 * `terminated` a last time (a Dekker pair with the carrier's write and drain): a closer that read
 * `terminated` first and queued itself after would miss a carrier that stopped in between, and
 * park for ever.
 *
 * Interleaving: per sample a fresh Hub (on a reused carrier thread) with one fiber asleep. The
 * closer actor starts close() in a virtual thread; the close wakes the carrier, which kills the
 * fiber, whose finally holds the carrier for 0 to 46.5 µs (varying per sample) before the carrier
 * stops: at the closer's spin, as it ends, as the closer queues itself, or after it parked. The
 * arbiter waits at most 2 s for close() to return; a wait that runs out is the outcome -1, and
 * after one the VM stops making hubs ("not run", -2). Shape:
 * dev.weft.stress.shapes.CloserWakeShape; its twin: Twin_Close_02_QueuedAfterReadingTerminated.
 *
 * Run: ./weft stress quick Close_02
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "close() returned once the carrier had stopped.")
@Outcome(id = "0", expect = FORBIDDEN, desc = "The closer slept through the carrier's stop (only a twin can report this).")
@Outcome(id = "-1", expect = FORBIDDEN, desc = "close() never returned (a lost wake-up).")
@Outcome(id = "-2", expect = FORBIDDEN, desc = "Not run: earlier samples of this VM hung.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Something else went wrong.")
@Description("A thread closing a hub is woken when the carrier stops, before, during or after its spin.")
@State
public class Close_02_CloserWokenAfterSpin {
    private final CloserWakeShape shape = new CloserWakeShape(new RealClose());

    @Actor
    public void opener() {
        shape.opener();
    }

    @Actor
    public void closer() {
        shape.closer();
    }

    @Arbiter
    public void outcome(I_Result r) {
        shape.outcome(r);
    }

    /** The shape's subject: a fresh Hub with one fiber asleep, closed by Hub.close(). */
    static final class RealClose implements CloserWakeShape.Subject {
        private volatile Hub hub;

        @Override
        public void open(Runnable parked, Runnable killed) {
            Hub h = new Hub("weft-stress-close");
            hub = h;
            h.spawn(() -> {
                parked.run();
                try {
                    Fiber.sleep(Duration.ofHours(1));
                } finally {
                    killed.run();
                }
            });
        }

        @Override
        public void close() {
            hub.close();
        }

        @Override
        public boolean sleptThrough() {
            return false; // a real closer that slept through would never return: the bounded wait runs out
        }
    }
}
