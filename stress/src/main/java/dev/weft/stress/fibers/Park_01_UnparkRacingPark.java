package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Strand guarantee 2, no lost wake-up. A fiber's park publishes PARKING, yields, and its
 * carrier then publishes PARKED and re-checks the permit; unpark publishes the permit and then
 * reads the state. If either side read before it wrote, an unpark landing between the two
 * could be missed and the fiber would sleep forever.
 *
 * Interleaving: the actor starts the fiber on its hub (ActorCarrier hub 0, whose carrier
 * thread runs every segment of the fiber: the park, and the after-yield handshake), then
 * waits (as a thread) for the fiber to end. jcstress delivers the signal, an unpark from
 * another platform thread, while the hub's carrier is anywhere in that sequence: before the
 * park, between yield and PARKED, or after.
 *
 * Run: ./weft stress quick Park_01
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The unpark woke the parked fiber, or left the permit that its park consumed.")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the fiber stayed parked although it was unparked.")
@Description("An unpark racing a park is never lost.")
@State
public class Park_01_UnparkRacingPark {
    private final Fiber<Void> fiber = ActorCarrier.unstarted(() -> Strand.park());

    @Actor
    public void carrier() {
        ActorCarrier.start(fiber);
        while (!fiber.isDone()) {
            try {
                fiber.join();
            } catch (InterruptedException e) {
                // jcstress judges a hang by the clock; an interrupt must not end the wait
            }
        }
    }

    @Signal
    public void waker() {
        fiber.unpark();
    }
}
