package dev.weft.stress.fibers;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;
import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import dev.weft.stress.shapes.IdleCarrierWakeShape;
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
 * Why: an idle carrier of a MultiCarrierScheduler spins for up to 20 µs (Hub.IDLE_SPIN_NANOS)
 * looking at its queues before it parks, and a waker that reads SPINNING only enqueues: it does
 * not unpark. That is safe only because the carrier publishes PARKED before its last look at the
 * queues, and the waker publishes its task before it reads the carrier's state (a Dekker pair):
 * one of the two sees the other. A wrong order loses the wake-up: the carrier parks with the
 * fiber in its inbox, and the fiber never runs.
 *
 * Interleaving: a fiber of the shared two-carrier group raises a flag and parks; its home
 * carrier, with nothing else to run, spins, then parks. A platform thread waits for the flag,
 * then 0 to 46.5 µs (varying per sample), and unparks the fiber: the resumption goes into the
 * home carrier's inbox while the carrier runs, spins, changes from spinning to parked, or is
 * parked. The arbiter waits (bounded) for the fiber's second step.
 *
 * Run: ./weft stress quick Carrier_02
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The fiber was woken and ran its second step.")
@Outcome(id = "0", expect = FORBIDDEN, desc = "The carrier slept through the wake-up (only a twin can report this).")
@Outcome(id = "-1", expect = FORBIDDEN, desc = "The fiber never ran again (lost wake-up).")
@Description("A fiber unparked while its group carrier spins or parks idle is run.")
@State
public class Carrier_02_IdleCarrierWakes {
    private final IdleCarrierWakeShape shape = new IdleCarrierWakeShape(GroupFiber::new);

    @Actor
    public void sleeper() {
        shape.sleeper();
    }

    @Actor
    public void waker() {
        shape.waker();
    }

    @Arbiter
    public void woken(I_Result r) {
        shape.woken(r);
    }

    /** The shape's subject: a plain fiber of the shared group that parks between its steps. */
    static final class GroupFiber implements IdleCarrierWakeShape.Subject {
        private final Fiber<Void> fiber;

        GroupFiber(Runnable first, Runnable second) {
            fiber = ActorFibers.unstarted(ActorFibers.group(), () -> {
                first.run();
                Strand.park();
                second.run();
                return null;
            });
        }

        @Override
        public void start() {
            ActorFibers.start(fiber);
        }

        @Override
        public void wake() {
            fiber.unpark();
        }

        @Override
        public boolean sleptThrough() {
            return false; // a lost wake-up of a real carrier shows as the bounded wait running out
        }

        @Override
        public void abandon() {
            ActorCarrier.killAndAwait(fiber);
        }
    }
}
