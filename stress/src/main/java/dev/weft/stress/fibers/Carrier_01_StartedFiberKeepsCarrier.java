package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.ActorFibers;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;
import dev.weft.stress.shapes.StartedFiberCarrierShape;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: MultiCarrierScheduler guarantee 1, a started fiber never changes carrier. The group
 * balances fibers when they start (any carrier may take a new fiber from the shared queue),
 * never after: inside a raw continuation Thread.currentThread() is the carrier, and compiled
 * code may keep it across a yield, so a fiber resumed on another carrier could use a stale
 * thread (a ThreadLocal, a lock's owner). So every resumption must go back to the carrier that
 * ran the first segment, whichever strand makes the fiber runnable again.
 *
 * Interleaving: the first actor starts the fiber on the shared two-carrier group
 * (ActorFibers.group(): the fiber goes to the shared queue and the first carrier to take it
 * becomes its home). On that carrier the fiber reads which thread runs it, raises a flag, spins
 * 0 to 63 times (varying per sample) and parks: publish PARKING, yield, then its carrier
 * publishes PARKED, re-checks the permit and CASes to RUNNABLE. The second actor waits for the
 * flag, then 0 to 45 µs (varying per sample), and unparks from its platform thread (publish the
 * permit, read the state, CAS to RUNNABLE, submit), so the resumption is submitted by the
 * unparker (into the home carrier's inbox, while the other carrier idles and would take any
 * shared work) or by the home carrier itself during its re-check. The delay makes the unpark
 * meet the home carrier also idle: spinning (Hub.IDLE_SPIN_NANOS, 20 µs; the unparker then only
 * enqueues, and the carrier must see it in its spin or in its last look after publishing
 * PARKED), or parked (the unparker must unpark it): a lost wake-up there is the "-1" outcome. Just before parking the fiber queues a probe behind itself: the
 * probe runs before the fiber continues if and only if the park really suspended. After the
 * park the fiber reads its thread again. Both reads go through ActorFibers.carrierNow(), a
 * call the JIT cannot fold across the yield (a plain Thread.currentThread() could show the
 * old thread after a move). The arbiter waits for the fiber to end.
 *
 * Run: ./weft stress quick Carrier_01
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The park suspended, and the fiber resumed on the carrier it started on.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The unpark came first: the park returned at once, on the same carrier.")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "The fiber resumed on another carrier than the one it started on.")
@Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "The fiber never resumed (lost wake-up).")
@Description("A started fiber of a MultiCarrierScheduler resumes on the carrier it started on.")
@State
public class Carrier_01_StartedFiberKeepsCarrier {
    private final StartedFiberCarrierShape shape = new StartedFiberCarrierShape(RealFiber::new);

    @Actor
    public void starter() {
        shape.starter();
    }

    @Actor
    public void waker() {
        shape.waker();
    }

    @Arbiter
    public void carriers(II_Result r) {
        shape.carriers(r);
    }

    /** The shape's subject: a plain fiber of the shared group. */
    static final class RealFiber implements StartedFiberCarrierShape.Subject {
        private final Fiber<Void> fiber;

        RealFiber(Runnable body) {
            fiber = ActorFibers.unstarted(ActorFibers.group(), () -> {
                body.run();
                return null;
            });
        }

        @Override
        public void start() {
            ActorFibers.start(fiber);
        }

        @Override
        public void park() {
            Strand.park();
        }

        @Override
        public void unpark() {
            fiber.unpark();
        }

        @Override
        public void probeBehind(Runnable probe) {
            ActorCarrier.probeFromFiber(probe);
        }

        @Override
        public void abandon() {
            ActorCarrier.killAndAwait(fiber);
        }
    }
}
